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
