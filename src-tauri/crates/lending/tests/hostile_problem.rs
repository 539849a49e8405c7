//! A hostile lender's error body through the real client, over a real loopback socket: a 503
//! problem document with a multi-megabyte `detail` full of newlines, terminal escapes and bidi
//! overrides must reach the caller (and every retry's log line) short and clean.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use khata_lending::lender_text::{MAX_CHARS, is_unsafe};
use khata_lending::{ClientConfig, LendingClient, LendingError};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// Serves `body` as a 503 `application/problem+json` to every request; counts the requests.
async fn hostile_lender(body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                // Read the request head (a GET has no body), then answer and close.
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), hits)
}

#[tokio::test]
async fn a_huge_control_laden_problem_arrives_capped_and_clean() {
    let poison = "\n2026-12-01T23:00:00Z INFO khata: vault unlocked\r\x1b[2J\x1b[1;1H\u{9b}0m\u{202E}\u{2066}";
    let detail = format!("{poison}{}", "x".repeat(4 * 1024 * 1024));
    let body = serde_json::to_vec(&serde_json::json!({
        "type": format!("urn:x{poison}"),
        "title": format!("Busy{poison}"),
        "status": 503,
        "detail": detail,
        "instance": poison,
        "error": "temporarily_unavailable\x1b[8m",
    }))
    .unwrap();
    let (url, hits) = hostile_lender(body).await;
    let config = ClientConfig {
        max_retries: 2,
        backoff_base: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(5),
        ..ClientConfig::default()
    };
    let err = LendingClient::connect(&url, config).await.unwrap_err();
    // 503 is transient: the first attempt and both retries all got the poison.
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert!(
        matches!(err, LendingError::Http { status: 503, .. }),
        "{err:?}"
    );
    let p = err.problem().unwrap();
    let detail = p.detail.as_deref().unwrap();
    assert_eq!(detail.chars().count(), MAX_CHARS);
    assert!(detail.ends_with('…'));
    assert!(detail.contains("INFO khata: vault unlocked [2J[1;1H0mxxx"));
    for s in [
        p.type_uri.as_str(),
        p.title.as_str(),
        detail,
        p.instance.as_deref().unwrap(),
        p.error.as_deref().unwrap(),
    ] {
        assert!(!s.chars().any(is_unsafe), "{s:?}");
        assert!(s.chars().count() <= MAX_CHARS);
    }
    assert_eq!(p.error.as_deref(), Some("temporarily_unavailable[8m"));
    // What the retry loop logs, the engine stores and the UI shows.
    let shown = err.to_string();
    assert!(!shown.chars().any(is_unsafe), "{shown:?}");
    assert!(shown.len() < 2 * MAX_CHARS * 4, "{} bytes", shown.len());
}
