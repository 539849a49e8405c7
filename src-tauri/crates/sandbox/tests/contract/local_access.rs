//! Who may reach the sandbox from this machine: its admin routes (faults, collection rounds,
//! seeding) need the admin token, and it answers only requests addressed to its own loopback
//! name, so a web page that rebinds its DNS name to 127.0.0.1 gets nothing from it.

use khata_sandbox::Scenario;
use reqwest::header::{AUTHORIZATION, HOST, WWW_AUTHENTICATE};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::start;

/// Every admin route, as (method, path, JSON body).
const ADMIN_ROUTES: [(&str, &str, Option<&str>); 6] = [
    ("GET", "/_sandbox/faults", None),
    ("PUT", "/_sandbox/faults", Some(r#"{"errorRate": 1.0}"#)),
    ("POST", "/_sandbox/collect", None),
    ("POST", "/_sandbox/consent-requests", None),
    ("POST", "/_sandbox/seed-disclosures?count=1", None),
    (
        "POST",
        "/_sandbox/rights-requests/rr-nope",
        Some(r#"{"status": "RESOLVED"}"#),
    ),
];

fn request(
    http: &reqwest::Client,
    base: &str,
    (method, path, body): (&str, &str, Option<&str>),
) -> reqwest::RequestBuilder {
    let r = http.request(method.parse().unwrap(), format!("{base}{path}"));
    match body {
        Some(b) => r
            .header("content-type", "application/json")
            .body(b.to_owned()),
        None => r,
    }
}

#[tokio::test]
async fn admin_routes_refuse_requests_without_the_admin_token() {
    let sb = start(Scenario::SalariedGood).await;
    let http = reqwest::Client::new();
    for route in ADMIN_ROUTES {
        for auth in [
            None,
            Some("Bearer not-the-token"),
            Some("Basic YWRtaW46YWRtaW4="),
        ] {
            let mut r = request(&http, sb.base_url(), route);
            if let Some(a) = auth {
                r = r.header(AUTHORIZATION, a);
            }
            let resp = r.send().await.unwrap();
            assert_eq!(resp.status(), 401, "{route:?} with {auth:?}");
            assert!(resp.headers().contains_key(WWW_AUTHENTICATE), "{route:?}");
            let p: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(p["type"], "urn:khata:problem:unauthorized", "{route:?}");
        }
    }
    // Nothing a refused request asked for happened.
    assert_eq!(sb.faults(), khata_sandbox::Faults::default());

    // With the token (random, as none was configured), each route does its work.
    assert!(sb.admin_token().len() >= 32);
    for (route, status) in ADMIN_ROUTES.into_iter().zip([200, 200, 200, 201, 409, 404]) {
        let resp = request(&http, sb.base_url(), route)
            .bearer_auth(sb.admin_token())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{route:?}");
    }
    assert_eq!(sb.faults().error_rate, 1.0);
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_configured_admin_token_is_the_one_required() {
    let sb = khata_sandbox::start(khata_sandbox::SandboxConfig {
        admin_token: Some("qa-admin-token".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(sb.admin_token(), "qa-admin-token");
    let http = reqwest::Client::new();
    let url = format!("{}/_sandbox/faults", sb.base_url());
    let refused = http.get(&url).bearer_auth("qa-admin-tokeN").send().await;
    assert_eq!(refused.unwrap().status(), 401);
    let ok = http.get(&url).bearer_auth("qa-admin-token").send().await;
    assert_eq!(ok.unwrap().status(), 200);
    for bad in ["", " ", " padded"] {
        let r = khata_sandbox::start(khata_sandbox::SandboxConfig {
            admin_token: Some(bad.into()),
            ..Default::default()
        })
        .await;
        assert!(r.is_err(), "{bad:?}");
    }
    sb.shutdown().await.unwrap();
}

/// A DNS-rebinding page: the browser connects to 127.0.0.1 but names its own host.
#[tokio::test]
async fn requests_for_another_host_are_refused() {
    let sb = start(Scenario::SalariedGood).await;
    let port = sb.addr().port();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorize = "/oauth/authorize?response_type=code&client_id=page\
        &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&code_challenge_method=S256\
        &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URW9y-Kp9Fh4Jk";
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_owned(),
        format!("127.0.0.1.attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for path in [
            "/.well-known/khata-lender.json",
            authorize,
            "/_sandbox/faults",
        ] {
            let resp = http
                .get(format!("{}{path}", sb.base_url()))
                .header(HOST, &host)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 421, "Host {host}, {path}");
            let p: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(p["type"], "urn:khata:problem:misdirected-request");
        }
    }
    // No Host at all (HTTP/1.0): refused too.
    let mut s = tokio::net::TcpStream::connect(sb.addr()).await.unwrap();
    s.write_all(b"GET /.well-known/khata-lender.json HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.0 400") || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );

    // Its own names are answered, as before.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
    ] {
        let resp = http
            .get(format!("{}/.well-known/khata-lender.json", sb.base_url()))
            .header(HOST, &host)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "Host {host}");
    }
    sb.shutdown().await.unwrap();
}
