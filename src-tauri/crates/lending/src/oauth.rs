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

    /// Accepts requests until the redirect for this authorization arrives: one to `/callback`
    /// whose `state` is `expected_state` (the CSRF defence) and that carries a `code` or an
    /// `error`. Anything else on the port (another path, a missing or wrong `state`, no code,
    /// a garbled or idle request) is a stray: it gets a 4xx and is ignored, so a local page or
    /// process probing the port can neither end the wait nor inject a code. Gives up with
    /// [`LendingError::Timeout`] after `timeout`.
    pub async fn wait(self, expected_state: &str, timeout: Duration) -> Result<Callback> {
        // Each connection is read on its own task, so an idle one cannot hold up the redirect.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Callback>>(1);
        let expected = expected_state.to_owned();
        let listener = self.listener;
        let acceptor = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((sock, _)) => {
                        let (tx, expected) = (tx.clone(), expected.clone());
                        tokio::spawn(async move {
                            if let Some(outcome) = serve(sock, &expected).await {
                                let _ = tx.send(outcome).await;
                            }
                        });
                    }
                    Err(e) => {
                        let _ = tx.send(Err(LendingError::Network(e.to_string()))).await;
                        return;
                    }
                }
            }
        });
        let outcome = tokio::time::timeout(timeout, rx.recv()).await;
        acceptor.abort();
        match outcome {
            Ok(Some(outcome)) => outcome,
            Ok(None) => Err(LendingError::Network("the OAuth listener stopped".into())),
            Err(_) => Err(LendingError::Timeout),
        }
    }
}

/// Answers one connection to the listener; `Some` when it was this authorization's redirect.
async fn serve(mut sock: tokio::net::TcpStream, expected_state: &str) -> Option<Result<Callback>> {
    let head = match tokio::time::timeout(STRAY_READ_TIMEOUT, read_head(&mut sock)).await {
        Ok(Ok(head)) => head,
        // Idle, broken or oversized: not the browser's redirect.
        _ => {
            let _ = sock.write_all(&plain(400, "Bad Request")).await;
            return None;
        }
    };
    match judge(&head, expected_state) {
        Redirect::Stray(status, reason) => {
            tracing::debug!(status, "ignored a stray request on the OAuth listener");
            let _ = sock.write_all(&plain(status, reason)).await;
            None
        }
        Redirect::Ours(outcome) => {
            let body = "<!doctype html><title>Khata</title><p>You can close this window and return to Khata.</p>";
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            Some(outcome)
        }
    }
}

/// How long one connection to the listener may take to send its request head.
const STRAY_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// A request head larger than this is not a browser's redirect.
const MAX_HEAD: usize = 8192;

/// Reads a request head (up to the blank line); errors when it does not fit [`MAX_HEAD`].
async fn read_head(sock: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buf = vec![0u8; MAX_HEAD];
    let mut len = 0;
    while len < buf.len() {
        let n = sock.read(&mut buf[len..]).await?;
        if n == 0 {
            break;
        }
        len += n;
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(String::from_utf8_lossy(&buf[..len]).into_owned());
        }
    }
    Err(std::io::Error::other("incomplete request head"))
}

/// What one request to the listener was.
enum Redirect {
    /// Not the redirect of this authorization: answered with this status and ignored.
    Stray(u16, &'static str),
    /// The redirect, with what it says.
    Ours(Result<Callback>),
}

/// Judges one request head against the expected `state`. Pure, so each stray is testable.
fn judge(head: &str, expected_state: &str) -> Redirect {
    let mut parts = head.split_whitespace();
    let (Some("GET"), Some(target)) = (parts.next(), parts.next()) else {
        return Redirect::Stray(400, "Bad Request");
    };
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        return Redirect::Stray(400, "Bad Request");
    };
    if url.path() != "/callback" {
        return Redirect::Stray(404, "Not Found");
    }
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    // `state` first: an answer (even an error) without this authorization's state is not ours.
    if q.get("state").map(String::as_str) != Some(expected_state) {
        return Redirect::Stray(400, "Bad Request");
    }
    if let Some(err) = q.get("error") {
        return Redirect::Ours(Err(LendingError::Usage(format!(
            "authorization refused: {}",
            crate::lender_text::sanitize(err)
        ))));
    }
    match q.get("code") {
        Some(code) if !code.is_empty() => Redirect::Ours(Ok(Callback {
            code: code.clone(),
            state: expected_state.to_owned(),
        })),
        _ => Redirect::Stray(400, "Bad Request"),
    }
}

/// A bodiless plain answer to a stray request.
fn plain(status: u16, reason: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .into_bytes()
}
