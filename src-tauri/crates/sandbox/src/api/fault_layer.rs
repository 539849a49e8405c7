//! Fault injection in front of the contract routes: latency, injected 503s (plain or with a
//! hostile problem document), responses lost after commit, malformed and oversize bodies, as
//! set by [`Faults`]. The admin routes are exempt so a test can always turn faults off again.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use rand::Rng as _;

use super::problem::problem;
use super::{Inner, Shared};
use crate::faults::{HOSTILE_DETAIL_BYTES, OVERSIZE_BYTES};

fn draw(inner: &Inner, p: f64) -> bool {
    p > 0.0 && inner.rng.lock().expect("rng lock").random::<f64>() < p
}

fn take_drop_next(inner: &Inner) -> bool {
    let mut f = inner.faults.write().expect("faults lock");
    if f.drop_next > 0 {
        f.drop_next -= 1;
        true
    } else {
        false
    }
}

pub(super) async fn fault_layer(State(inner): State<Shared>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/_sandbox") {
        return next.run(req).await;
    }
    let faults = inner.faults.read().expect("faults lock").clone();
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    if draw(&inner, faults.hostile_problems) {
        return hostile_problem();
    }
    if faults.never_acknowledge
        && req.method() == Method::POST
        && req.uri().path().ends_with("/revoke")
    {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "injected-fault",
            "Service unavailable",
            "injected fault: never-acknowledge",
        );
    }
    if draw(&inner, faults.error_rate) {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "injected-fault",
            "Service unavailable",
            "injected fault: error-rate",
        );
    }
    let is_post = req.method() == Method::POST;
    let resp = next.run(req).await;
    if !resp.status().is_success() {
        return resp;
    }
    if is_post && (take_drop_next(&inner) || draw(&inner, faults.drop_after_commit)) {
        // The work is committed; now break the connection mid-body, as a lost response would.
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let stream = futures_util::stream::iter(vec![
            Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"receiptId\":")),
            Err(std::io::Error::other("injected fault: drop-after-commit")),
        ]);
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    if draw(&inner, faults.malformed_json) {
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("{\"items\": [{\"consentId\": tru"));
    }
    if draw(&inner, faults.oversize_body) {
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        // Valid JSON, just too big, streamed without a Content-Length so the client has to
        // enforce its cap while reading, not by trusting a header.
        let chunk = Bytes::from(vec![b' '; 64 * 1024]);
        let n = OVERSIZE_BYTES / chunk.len();
        let parts_iter = std::iter::once(Bytes::from_static(b"{\"padding\":\""))
            .chain(std::iter::repeat_n(chunk, n))
            .chain(std::iter::once(Bytes::from_static(b"\"}")))
            .map(Ok::<Bytes, std::io::Error>);
        return Response::from_parts(
            parts,
            Body::from_stream(futures_util::stream::iter(parts_iter)),
        );
    }
    resp
}

/// A 503 whose problem document is built to hurt whoever logs, stores or prints it: a forged
/// log line, terminal escapes (clear screen, move the cursor, C1 CSI), bidi overrides and
/// isolates, a NUL, repeated to [`HOSTILE_DETAIL_BYTES`].
fn hostile_problem() -> Response {
    const POISON: &str = "\n2026-01-01T00:00:00Z INFO khata: revocation confirmed by the lender\r\
                          \x1b[2J\x1b[1;1H\x1b]0;owned\x07\u{9b}31m\u{202E}evil\u{2066}\0";
    let mut detail = String::with_capacity(HOSTILE_DETAIL_BYTES + POISON.len());
    while detail.len() < HOSTILE_DETAIL_BYTES {
        detail.push_str(POISON);
        detail.push_str(&"x".repeat(4096));
    }
    let body = serde_json::json!({
        "type": format!("urn:khata:problem:hostile{POISON}"),
        "title": format!("Unavailable{POISON}"),
        "status": 503,
        "detail": detail,
        "instance": POISON,
        "error": format!("temporarily_unavailable{POISON}"),
    });
    Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header(header::CONTENT_TYPE, khata_lending::types::PROBLEM_JSON)
        .body(Body::from(
            serde_json::to_vec(&body).expect("a problem serialises"),
        ))
        .expect("a valid response")
}
