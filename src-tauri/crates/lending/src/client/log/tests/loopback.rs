//! The log calls over a real loopback socket, against the lender of the parent module served
//! as the contract's `/v2/log` endpoints: the paths and queries the client asks for, retries,
//! the order of fetching and handing over, and that the sync's futures can cross threads.

use serde_json::json;

use super::*;

/// A v2 client of `log`'s lender at `base`, retrying fast.
fn client_at(log: &FakeLog, base: &str) -> crate::LendingClient {
    let discovery = crate::types::Discovery {
        lender_id: LENDER.into(),
        name: LENDER.into(),
        api_base: format!("{base}/api/"),
        authorization_endpoint: format!("{base}/oauth/authorize"),
        token_endpoint: format!("{base}/oauth/token"),
        spec_version: "2.0".into(),
        keys: vec![log.key.public_info()],
        key_endorsement: None,
        apps: vec![],
    };
    let config = crate::ClientConfig {
        backoff_base: std::time::Duration::from_millis(1),
        backoff_cap: std::time::Duration::from_millis(5),
        ..crate::ClientConfig::default()
    };
    crate::LendingClient::from_discovery(discovery, config)
        .unwrap()
        .with_access_token("t")
}

/// Serves `log` over loopback as the contract's `/v2/log` endpoints under `/api/`, answering
/// the first page request with a 503; records each request's target.
async fn serve(
    log: std::sync::Arc<FakeLog>,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&head);
            let target = head.split(' ').nth(1).unwrap_or("").to_string();
            let first_page = {
                let mut seen = record.lock().unwrap();
                seen.push(target.clone());
                target.contains("entries")
                    && seen.iter().filter(|t| t.contains("entries")).count() == 1
            };
            let url = url::Url::parse(&format!("http://x{target}")).unwrap();
            let q = |name: &str| {
                url.query_pairs()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let (status, body) = match url.path() {
                _ if first_page => ("503 Service Unavailable", json!({})),
                "/api/v2/log/head" => ("200 OK", log.head(log.tree.size())),
                "/api/v2/log/entries" => ("200 OK", log.page(q("start"), q("limit") as u32)),
                "/api/v2/log/consistency" => ("200 OK", log.consistency(q("first"), q("second"))),
                _ => ("404 Not Found", json!({})),
            };
            let body = serde_json::to_vec(&body).unwrap();
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
            let _ = sock.write_all(&body).await;
            let _ = sock.shutdown().await;
        }
    });
    (base, seen)
}

/// Over a real socket: the contract's paths and queries, a transient failure retried, each
/// page handed over before the next is asked for, and a resumed sync that asks for the
/// consistency proof and the new leaves only.
#[tokio::test]
async fn a_sync_over_loopback_asks_for_what_the_contract_names() {
    let mut log = FakeLog::new(15);
    log.append(25);
    let held_log = std::sync::Arc::new(log);
    let (base, seen) = serve(held_log.clone()).await;
    let client = client_at(&held_log, &base);
    let mut asked_before_page = vec![];
    let summary = client
        .sync_log(None, 10, |page| {
            asked_before_page.push((page.start, seen.lock().unwrap().len()));
            async { Ok::<(), LendingError>(()) }
        })
        .await
        .unwrap();
    assert_eq!((summary.from, summary.to, summary.pages), (0, 25, 3));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "/api/v2/log/head",
            "/api/v2/log/entries?start=0&limit=10",
            "/api/v2/log/entries?start=0&limit=10",
            "/api/v2/log/entries?start=10&limit=10",
            "/api/v2/log/entries?start=20&limit=5",
        ]
    );
    // Page n was handed over before page n + 1 was asked for.
    assert_eq!(asked_before_page, [(0, 3), (10, 4), (20, 5)]);
    let head = client.log_head().await.unwrap();
    assert_eq!(head.value.tree_size, 25);

    // The lender grows (the same leaves, then 12 more); a second sync from what was kept.
    let mut log = FakeLog::new(15);
    log.append(37);
    let log = std::sync::Arc::new(log);
    let (base, seen) = serve(log.clone()).await;
    let client = client_at(&log, &base);
    let mut frontier = Frontier::new();
    for leaf in &log.leaves[..25] {
        frontier.push(leaf_hash(&redact::statement_bytes(leaf).unwrap()));
    }
    let held = HeldLog {
        frontier,
        head: head.raw,
    };
    let summary = client
        .sync_log(Some(held), 10, |_| async { Ok::<(), LendingError>(()) })
        .await
        .unwrap();
    assert_eq!((summary.from, summary.to), (25, 37));
    let seen = seen.lock().unwrap();
    assert_eq!(seen[1], "/api/v2/log/consistency?first=25&second=37");
    assert_eq!(seen.last().unwrap(), "/api/v2/log/entries?start=35&limit=2");
}

/// The engine drives a sync from tasks on a multi-threaded runtime: every future of it must
/// be `Send`. (Type-checked; nothing is sent.)
#[test]
fn sync_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let log = FakeLog::new(14);
    let client = client_at(&log, "http://127.0.0.1:9");
    assert_eq!(client.contract_version(), crate::ContractVersion::V2);
    send(client.log_sync(None, 10));
    send(client.sync_log(None, 10, |_page| async { Ok::<(), LendingError>(()) }));
    let _next = |sync: &mut LogSync| send(sync.next_page());
}
