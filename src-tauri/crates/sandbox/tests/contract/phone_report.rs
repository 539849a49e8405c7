//! The lender's declared apps in discovery, and its phone report over the admin route: built
//! from what happened on this sandbox (a consent decided, then revoked, then a collection), so
//! the report's reads sit after the revocation the borrower holds a receipt for.

use chrono::{DateTime, Utc};
use khata_sandbox::phone_report::{ANDROID_APP, IOS_APP};

use super::*;

async fn report(sb: &RunningSandbox, format: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!(
        "{}/_sandbox/phone-report?format={format}",
        sb.base_url()
    ));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn discovery_declares_the_lenders_apps() {
    let sb = start(Scenario::SalariedGood).await;
    let client = LendingClient::connect(sb.base_url(), fast_config())
        .await
        .unwrap();
    let apps = &client.discovery().apps;
    assert_eq!(
        apps,
        &[
            LenderApp {
                platform: AppPlatform::Android,
                id: ANDROID_APP.into()
            },
            LenderApp {
                platform: AppPlatform::Ios,
                id: IOS_APP.into()
            }
        ]
    );
}

#[tokio::test]
async fn phone_report_follows_the_sandboxs_own_consent_and_revocation() {
    let sb = start(Scenario::OverCollector).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &[]).await;
    let receipt = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    sb.collect().unwrap();

    // Admin token only, and a known format.
    assert_eq!(report(&sb, "ios", None).await.status(), 401);
    let bad = report(&sb, "pdf", Some(sb.admin_token())).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("android-appops"));

    let resp = report(&sb, "ios", Some(sb.admin_token())).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/x-ndjson"
    );
    let disposition = resp.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("App_Privacy_Report_v4_"),
        "{disposition}"
    );
    let text = resp.text().await.unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = |v: &serde_json::Value| {
        DateTime::parse_from_rfc3339(v["timeStamp"].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let revoked = receipt.effective_at;
    let contacts_after: Vec<_> = lines
        .iter()
        .filter(|l| l["category"] == "contacts" && l["kind"] == "intervalBegin")
        .filter(|l| at(l) > revoked)
        .collect();
    assert!(
        contacts_after.len() >= 2,
        "the revocation at {revoked} is followed by contacts reads: {text}"
    );
    assert!(lines.iter().all(|l| at(l) <= Utc::now()));
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "networkActivity" && l["domainType"] == 1)
    );

    // In process, the same report as over HTTP (the clock apart).
    let in_process = String::from_utf8(
        sb.phone_report(khata_sandbox::phone_report::ReportFormat::Ios)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(in_process.lines().count(), text.lines().count());

    for format in ["android-appops", "android-cmd", "android-capture"] {
        let resp = report(&sb, format, Some(sb.admin_token())).await;
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let text = resp.text().await.unwrap();
        assert!(text.contains("READ_CONTACTS"), "{format}: {text}");
        assert!(text.contains("READ_CALL_LOG"), "{format}: {text}");
    }
}
