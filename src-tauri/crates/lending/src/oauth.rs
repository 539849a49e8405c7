//! OAuth 2.0 authorization code + PKCE (RFC 7636, S256) for native apps with a loopback
//! redirect (RFC 8252 §7.3). The client builds the pieces; storing tokens is the caller's job
//! (the OS keychain), and nothing here logs a token or a code.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::Digest as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::error::{LendingError, Result};

/// A PKCE verifier and its S256 challenge.
#[derive(Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    /// 32 random bytes → a 43-character verifier (RFC 7636 §4.1 recommends exactly this).
    pub fn generate() -> Self {
        let verifier = random_token(32);
        let challenge = s256_challenge(&verifier);
        Self {
            verifier,
            challenge,
        }
    }
}

/// `BASE64URL(SHA256(ASCII(verifier)))`, the S256 method.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// `n` random bytes, base64url: for verifiers, `state` values, codes and tokens.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A loopback listener waiting for the authorization server's redirect (RFC 8252 §7.3).
pub struct LoopbackRedirect {
    listener: TcpListener,
    pub redirect_uri: String,
}

/// What the redirect carried.
pub struct Callback {
    pub code: String,
    pub state: String,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl LoopbackRedirect {
    /// Binds 127.0.0.1 on an ephemeral port (the IP literal, not `localhost`, per RFC 8252 §8.3).
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| LendingError::Network(format!("cannot bind loopback listener: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| LendingError::Network(e.to_string()))?
            .port();
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    /// Accepts redirects until one carries `code` (or an `error`), answers the browser with a
    /// short page, and checks `state` against the expected value (CSRF defence).
    pub async fn wait(self, expected_state: &str, timeout: Duration) -> Result<Callback> {
        let fut = async {
            loop {
                let (mut sock, _) = self
                    .listener
                    .accept()
                    .await
                    .map_err(|e| LendingError::Network(e.to_string()))?;
                let mut buf = vec![0u8; 8192];
                let mut len = 0;
                while len < buf.len() {
                    let n = sock
                        .read(&mut buf[len..])
                        .await
                        .map_err(|e| LendingError::Network(e.to_string()))?;
                    if n == 0 {
                        break;
                    }
                    len += n;
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]).to_string();
                let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
                    continue;
                };
                if url.path() != "/callback" {
                    let _ = sock
                        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                    continue;
                }
                let q: std::collections::HashMap<String, String> =
                    url.query_pairs().into_owned().collect();
                let body = "<!doctype html><title>Khata</title><p>You can close this window and return to Khata.</p>";
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                if let Some(err) = q.get("error") {
                    return Err(LendingError::Usage(format!(
                        "authorization refused: {}",
                        crate::lender_text::sanitize(err)
                    )));
                }
                let (Some(code), Some(state)) = (q.get("code"), q.get("state")) else {
                    return Err(LendingError::Malformed {
                        detail: "redirect without code or state".into(),
                    });
                };
                if state != expected_state {
                    return Err(LendingError::Usage(
                        "authorization state mismatch (possible CSRF)".into(),
                    ));
                }
                return Ok(Callback {
                    code: code.clone(),
                    state: state.clone(),
                });
            }
        };
        tokio::time::timeout(timeout, fut)
            .await
            .map_err(|_| LendingError::Timeout)?
    }
}
