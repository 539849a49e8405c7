//! Rights requests: filed, ticketed, signed, with a due date.

use khata_lending::types::*;
use khata_sandbox::Scenario;

use crate::{client_for, decide, key, start};

#[tokio::test]
async fn rights_requests_are_tracked_with_ticket_and_due_date() {
    let sb = start(Scenario::Declined).await;
    let c = client_for(&sb).await;
    decide(&c, &[]).await;
    let offer = c.offers().await.unwrap().items.remove(0);
    assert_eq!(offer.decision, OfferDecision::Declined);
    let k = key();
    let body = RightsRequestBody {
        kind: RightsKind::HumanReview,
        detail: "Please have a person review the decline.".into(),
        signal: None,
        offer_id: Some(offer.offer_id.clone()),
        consent_id: None,
        nominee: None,
    };
    let r = c.create_rights_request(&body, &k).await.unwrap();
    assert_eq!(r.status, RightsStatus::Received);
    assert!(r.ticket.starts_with("KSL-"));
    assert!(r.due_by > r.created_at);
    assert_eq!(c.create_rights_request(&body, &k).await.unwrap(), r);
    let g = c
        .create_rights_request(
            &RightsRequestBody {
                kind: RightsKind::Grievance,
                detail: "You read my contacts.".into(),
                signal: Some("contacts_network".into()),
                offer_id: None,
                consent_id: None,
                nominee: None,
            },
            &key(),
        )
        .await
        .unwrap();
    assert_eq!(c.rights_request(&g.request_id).await.unwrap(), g);
    let list = c.rights_requests().await.unwrap().items;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].request_id, g.request_id, "newest first");

    // The lender resolves one (admin route); the new state is signed again.
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/rights-requests/{}", sb.base_url(), r.request_id))
        .bearer_auth(sb.admin_token())
        .json(&serde_json::json!({"status": "RESOLVED", "resolution": "A credit officer confirmed the decline."}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resolved = c.rights_request(&r.request_id).await.unwrap();
    assert_eq!(resolved.status, RightsStatus::Resolved);
    assert!(resolved.resolution.is_some());
    assert_ne!(resolved.signature, r.signature);
}

/// Access and nomination are filed like the others (the nominee kept and signed); a moved
/// clock dates a request in the past, as if filed then.
#[tokio::test]
async fn access_and_nomination_requests_and_a_moved_clock() {
    let sb = start(Scenario::Declined).await;
    let c = client_for(&sb).await;
    decide(&c, &[]).await;
    let nominee = Nominee {
        name: "Sunita Devi".into(),
        relationship: "Mother".into(),
        contact: "+91 98765 43210".into(),
    };
    let n = c
        .create_rights_request(
            &RightsRequestBody {
                kind: RightsKind::Nomination,
                detail: "I nominate my mother.".into(),
                signal: None,
                offer_id: None,
                consent_id: None,
                nominee: Some(nominee.clone()),
            },
            &key(),
        )
        .await
        .unwrap();
    assert_eq!(n.kind, RightsKind::Nomination);
    assert_eq!(n.nominee.as_ref(), Some(&nominee));
    assert_eq!(c.rights_request(&n.request_id).await.unwrap(), n);

    let admin = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(format!("{}{path}", sb.base_url()))
            .bearer_auth(sb.admin_token())
            .json(&body)
            .send()
    };
    let resp = admin("/_sandbox/clock", serde_json::json!({"offsetDays": -31}))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let a = c
        .create_rights_request(
            &RightsRequestBody {
                kind: RightsKind::Access,
                detail: "A summary of my data and who you shared it with.".into(),
                signal: Some("upi_inflow".into()),
                offer_id: None,
                consent_id: None,
                nominee: None,
            },
            &key(),
        )
        .await
        .unwrap();
    let age = chrono::Utc::now() - a.created_at;
    assert!(age > chrono::Duration::days(30), "{age}");
    assert_eq!(a.due_by - a.created_at, chrono::Duration::days(30));
    assert_eq!(a.signal.as_deref(), Some("upi_inflow"));

    // Out of range, and without the admin token: refused.
    let resp = admin(
        "/_sandbox/clock",
        serde_json::json!({"offsetDays": 100_000}),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 422);
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/clock", sb.base_url()))
        .json(&serde_json::json!({"offsetDays": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}
