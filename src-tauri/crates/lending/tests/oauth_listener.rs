//! The OAuth loopback listener against real HTTP requests on its port: strays (another path, a
//! wrong or missing `state`, no code, an error without our state, an idle connection) get a
//! 4xx and are ignored, the listener keeps waiting for the browser's redirect, and it gives up
//! after its timeout.

use std::time::Duration;

use khata_lending::LendingError;
use khata_lending::oauth::LoopbackRedirect;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Sends one raw GET to the listener; returns the status code of its answer.
async fn get(port: u16, target: &str) -> u16 {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let req = format!("GET {target} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n\r\n");
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    sock.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

fn port_of(redirect: &LoopbackRedirect) -> u16 {
    url::Url::parse(&redirect.redirect_uri)
        .unwrap()
        .port()
        .unwrap()
}

#[tokio::test]
async fn strays_get_a_4xx_and_the_listener_keeps_waiting_for_the_redirect() {
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let port = port_of(&redirect);
    let waiting =
        tokio::spawn(async move { redirect.wait("the-state", Duration::from_secs(20)).await });

    // An idle connection that never sends a request must not hold up the others.
    let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    assert_eq!(get(port, "/favicon.ico").await, 404);
    assert_eq!(get(port, "/callback?code=stolen&state=guessed").await, 400);
    assert_eq!(get(port, "/callback?code=stolen").await, 400);
    assert_eq!(get(port, "/callback?state=the-state").await, 400);
    assert_eq!(get(port, "/callback?error=access_denied").await, 400);
    assert_eq!(
        get(port, "/callback?error=access_denied&state=guessed").await,
        400
    );
    assert!(!waiting.is_finished(), "a stray request ended the wait");

    assert_eq!(
        get(port, "/callback?code=the-code&state=the-state").await,
        200
    );
    let callback = waiting
        .await
        .unwrap()
        .expect("the real redirect is accepted");
    assert_eq!(callback.code, "the-code");
    assert_eq!(callback.state, "the-state");
}

#[tokio::test]
async fn an_error_with_our_state_ends_the_wait_cleanly() {
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let port = port_of(&redirect);
    let waiting = tokio::spawn(async move { redirect.wait("s1", Duration::from_secs(20)).await });
    assert_eq!(
        get(port, "/callback?error=access_denied%1b%5b2J&state=s1").await,
        200
    );
    let Err(LendingError::Usage(msg)) = waiting.await.unwrap() else {
        panic!("a refusal is an error");
    };
    assert_eq!(msg, "authorization refused: access_denied[2J");
}

#[tokio::test]
async fn the_listener_gives_up_after_its_timeout() {
    let redirect = LoopbackRedirect::bind().await.unwrap();
    let port = port_of(&redirect);
    let started = std::time::Instant::now();
    let waiting = tokio::spawn(async move { redirect.wait("s", Duration::from_millis(300)).await });
    assert_eq!(get(port, "/callback?code=x&state=wrong").await, 400);
    let err = waiting.await.unwrap().unwrap_err();
    assert!(matches!(err, LendingError::Timeout), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The port is closed once the wait is over.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}
