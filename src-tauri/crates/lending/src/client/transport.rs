//! Getting bytes to and from the lender safely: URL checks (TLS unless loopback), the HTTP
//! client without redirects, retries with full-jitter backoff for idempotent calls only, and
//! reading a response under the size cap before `response` judges it.

use std::time::Duration;

use rand::Rng as _;
use reqwest::{Method, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::response::{Sig, decode_body, parse, plain, signed, verify};
use super::{ClientConfig, LendingClient, Signed};
use crate::error::{LendingError, Result};
use crate::types::*;

/// Full jitter: `random(0, min(cap, base · 2^attempt))`.
pub fn full_jitter_backoff(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.min(30)));
    let ceiling = exp.min(cap);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

/// Accepts `https://…`, or `http://` only to loopback (127.0.0.0/8, ::1, localhost).
pub fn check_url(raw: &str) -> Result<Url> {
    let insecure = |reason: &str| LendingError::InsecureUrl {
        url: raw.to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(raw).map_err(|e| insecure(&e.to_string()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if loopback {
                Ok(url)
            } else {
                Err(insecure("plain http is only allowed to loopback"))
            }
        }
        _ => Err(insecure("scheme must be https")),
    }
}

/// The API client: rustls only, both timeouts, no redirects, our user agent.
pub(super) fn build_http(config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("khata/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LendingError::Network(format!("cannot build HTTP client: {e}")))
}

/// A transport failure as the client reports it: a timeout, or a network error.
pub(super) fn map_reqwest(e: reqwest::Error) -> LendingError {
    if e.is_timeout() {
        LendingError::Timeout
    } else {
        // Without the URL: it is not secret, but it keeps messages short and stable.
        LendingError::Network(e.without_url().to_string())
    }
}

impl LendingClient {
    /// `path` resolved under the API base, keeping the base's own path prefix.
    pub(super) fn url(&self, path: &str) -> Result<Url> {
        let mut base = self.api_base.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.join(path.trim_start_matches('/'))
            .map_err(|e| LendingError::Usage(format!("bad path {path}: {e}")))
    }

    /// GET and verify; a path starting with `/` is taken from the origin, others from the API
    /// base.
    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str, sig: Sig) -> Result<T> {
        let url = if path.starts_with('/') {
            let mut u = self.api_base.clone();
            u.set_path(path);
            u.set_query(None);
            u
        } else {
            self.url(path)?
        };
        let v = self
            .execute(Method::GET, url, None, None, sig, true)
            .await?;
        parse(plain(v, sig)?)
    }

    /// GET a signed statement, keeping it as received beside its typed reading.
    pub(super) async fn get_signed<T: DeserializeOwned>(&self, path: &str) -> Result<Signed<T>> {
        let url = self.url(path)?;
        let v = self
            .execute(Method::GET, url, None, None, Sig::One, true)
            .await?;
        signed(v)
    }

    /// GET a list of signed statements (`items`), each kept as received beside its reading.
    pub(super) async fn get_signed_items<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Vec<Signed<T>>> {
        let url = self.url(path)?;
        let v = self
            .execute(Method::GET, url, None, None, Sig::Items, true)
            .await?;
        match v {
            Value::Object(mut map) => match map.remove("items") {
                Some(Value::Array(items)) => items.into_iter().map(signed).collect(),
                _ => Err(LendingError::Malformed {
                    detail: "no items array".into(),
                }),
            },
            _ => Err(LendingError::Malformed {
                detail: "a list is not an object".into(),
            }),
        }
    }

    /// POST a JSON body and verify; retried only when it carries an idempotency key.
    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
        sig: Sig,
    ) -> Result<T> {
        let url = self.url(path)?;
        let body = serde_json::to_vec(body).map_err(|e| LendingError::Usage(e.to_string()))?;
        let v = self
            .execute(Method::POST, url, Some(body), idempotency_key, sig, true)
            .await?;
        parse(plain(v, sig)?)
    }

    /// POST a JSON body whose answer is one signed statement (`sig`: `One` or `Receipt`), kept
    /// as received beside its typed reading.
    pub(super) async fn post_signed<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
        sig: Sig,
    ) -> Result<Signed<T>> {
        let url = self.url(path)?;
        let body = serde_json::to_vec(body).map_err(|e| LendingError::Usage(e.to_string()))?;
        let v = self
            .execute(Method::POST, url, Some(body), idempotency_key, sig, true)
            .await?;
        signed(v)
    }

    /// Sends with retries (when idempotent), reads with the size cap, verifies signatures.
    pub(super) async fn execute(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
        sig: Sig,
        auth: bool,
    ) -> Result<Value> {
        let idempotent = method == Method::GET || idempotency_key.is_some();
        let mut attempt = 0;
        loop {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(header::ACCEPT, "application/json, application/problem+json");
            if auth && let Some(token) = &self.token {
                req = req.bearer_auth(token.0.as_str());
            }
            if let Some(k) = idempotency_key {
                req = req.header(IDEMPOTENCY_KEY, k);
            }
            if let Some(b) = &body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let result = self.read_response(req).await;
            match result {
                Ok(value) => {
                    verify(&self.keys, &value, sig)?;
                    return Ok(value);
                }
                Err(e) if idempotent && e.is_transient() && attempt < self.config.max_retries => {
                    let wait = full_jitter_backoff(
                        self.config.backoff_base,
                        self.config.backoff_cap,
                        attempt,
                    );
                    tracing::debug!(%method, path = url.path(), attempt, ?wait, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the body under the size cap (checked on `Content-Length`, then again while
    /// streaming) and decodes it.
    pub(super) async fn read_response(&self, req: reqwest::RequestBuilder) -> Result<Value> {
        let mut resp = req.send().await.map_err(map_reqwest)?;
        let status = resp.status();
        let limit = self.config.max_response_bytes;
        if let Some(len) = resp.content_length()
            && len > limit as u64
        {
            return Err(LendingError::TooLarge { limit });
        }
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map_reqwest)? {
            if bytes.len() + chunk.len() > limit {
                return Err(LendingError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        decode_body(status, &content_type, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_skip_tls() {
        for ok in [
            "https://lender.example/api",
            "http://127.0.0.1:8080",
            "http://localhost:1/x",
            "http://[::1]:9/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://lender.example",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "nonsense",
        ] {
            assert!(
                matches!(check_url(bad), Err(LendingError::InsecureUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn backoff_stays_under_the_ceiling() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_millis(1000);
        for attempt in 0..40 {
            let d = full_jitter_backoff(base, cap, attempt);
            let ceiling = (base * 2u32.saturating_pow(attempt.min(30))).min(cap);
            assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
        }
    }
}
