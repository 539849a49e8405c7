//! Who on this machine may talk to the sandbox. It listens on loopback, but loopback is not a
//! boundary: any local program can connect, and so can a web page whose DNS name an attacker
//! re-points at 127.0.0.1 (DNS rebinding), with the browser still naming the page's host. So:
//!
//! - every request must name the sandbox itself in `Host` (`127.0.0.1`, `localhost` or `[::1]`,
//!   on its own port, or no port): anything else is `421 Misdirected Request`, a missing or
//!   repeated `Host` is `400`. This also covers the auto-approving `/oauth/authorize`, which
//!   would otherwise hand a rebinding page an authorization code;
//! - the admin routes (`/_sandbox/…`: faults, collection rounds, seeding, moving requests
//!   along) need the admin token as a bearer token: `401` otherwise.

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::Digest as _;

use super::Shared;
use super::problem::problem;

/// The names the sandbox answers to; it binds 127.0.0.1, and `localhost` and `[::1]` are how
/// a browser or a client may spell the same loopback host.
const OWN_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

/// The admin token as stored: its SHA-256, compared in constant time.
pub(crate) fn token_digest(token: &str) -> [u8; 32] {
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// Whether `host` (a `Host` header or a request's authority) names this sandbox on `port`.
fn is_own_host(host: &str, port: u16) -> bool {
    let Ok(a) = host.parse::<Authority>() else {
        return false;
    };
    if a.as_str().contains('@') {
        return false;
    }
    let name_ok = OWN_NAMES.iter().any(|n| a.host().eq_ignore_ascii_case(n));
    let port_ok = match a.port_u16() {
        Some(p) => p == port,
        // `Host: 127.0.0.1:` (an empty port) parses as no port; only the bare name is fine.
        None => !host.ends_with(':'),
    };
    name_ok && port_ok
}

/// The outermost layer: requests addressed to another host are refused before any work.
pub(super) async fn require_own_host(
    State(inner): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    let hosts: Vec<&HeaderValue> = req.headers().get_all(header::HOST).iter().collect();
    let named = match (req.uri().authority(), hosts.as_slice()) {
        (Some(a), []) => Some(a.as_str().to_owned()),
        (Some(a), [h]) if h.as_bytes() == a.as_str().as_bytes() => Some(a.as_str().to_owned()),
        (None, [h]) => h.to_str().ok().map(str::to_owned),
        _ => None,
    };
    let Some(host) = named else {
        return problem(
            StatusCode::BAD_REQUEST,
            "missing-host",
            "Host required",
            "send exactly one Host header naming this sandbox",
        );
    };
    if !is_own_host(&host, inner.port) {
        return problem(
            StatusCode::MISDIRECTED_REQUEST,
            "misdirected-request",
            "Misdirected request",
            format!(
                "this sandbox answers only to 127.0.0.1:{0}, localhost:{0} or [::1]:{0}",
                inner.port
            ),
        );
    }
    next.run(req).await
}

/// In front of `/_sandbox/…`: the admin token as `Authorization: Bearer`.
pub(super) async fn require_admin(
    State(inner): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    let presented = super::auth::bearer_token(&req);
    if presented.is_some_and(|t| constant_time_eq(&token_digest(t), &inner.admin_token_digest)) {
        return next.run(req).await;
    }
    let mut resp = problem(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Admin token required",
        "the /_sandbox routes need Authorization: Bearer with the sandbox's admin token \
         (--admin-token, or the one it printed at start)",
    );
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"khata-sandbox-admin\""),
    );
    resp
}

/// Equal digests, without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sandboxs_own_names_and_port_are_its_host() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
            "127.0.0.1",
            "localhost",
        ] {
            assert!(is_own_host(ok, 8080), "{ok}");
        }
        for bad in [
            "attacker.example:8080",
            "attacker.example",
            "127.0.0.1:8081",
            "127.0.0.1:",
            "localhost.:8080",
            "127.0.0.1.nip.io:8080",
            "localhost.attacker.example:8080",
            "user@127.0.0.1:8080",
            "127.0.0.2:8080",
            "0.0.0.0:8080",
            "",
            "127.0.0.1:8080/path",
        ] {
            assert!(!is_own_host(bad, 8080), "{bad}");
        }
    }

    #[test]
    fn digests_compare_equal_only_when_equal() {
        let a = token_digest("secret");
        assert!(constant_time_eq(&a, &token_digest("secret")));
        assert!(!constant_time_eq(&a, &token_digest("secret ")));
    }
}
