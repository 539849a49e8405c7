//! The borrower's main path: connect the sandbox, sync, decide a request, read it all back;
//! what-if quotes; a lender asking for more, and rights requests.

use std::sync::Arc;

use khata_engine::views::*;
use khata_engine::*;
use khata_vault::MemoryKeyStore;

use crate::{DENY, config, journey, noop};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_sync_decide_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    assert_eq!(consent.status, ConsentStatusView::Active);
    assert!(consent.signature_verified);
    let denied: Vec<&str> = consent.denied.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(denied.len(), 2);
    for d in DENY {
        assert!(denied.contains(&d));
        assert!(consent.granted.iter().all(|g| g.id != d));
    }
    assert!(engine.consent_requests().await.unwrap().is_empty());

    let lender = engine.lenders().await.unwrap().remove(0);
    let s1 = engine.sync(&lender.id, noop).await.unwrap();
    assert!(s1.reachable);
    assert!(
        s1.new_disclosures > 0,
        "the lender collected after the decision"
    );
    assert_eq!(s1.consents, 1);
    assert_eq!(s1.offers, 1);

    // Re-sync adds nothing.
    let s2 = engine.sync(&lender.id, noop).await.unwrap();
    assert_eq!(s2.new_disclosures, 0);

    let ov = engine.overview().await.unwrap();
    assert_eq!(ov.active_consents, 1);
    assert_eq!(ov.pending_requests, 0);
    assert_eq!(ov.disclosures as u64, s1.new_disclosures);
    let offer = ov.latest_offer.expect("an offer");
    assert!(offer.signature_verified);
    assert_eq!(
        offer.score,
        offer.baseline + offer.contributions.iter().map(|c| c.points).sum::<i64>()
    );
    assert!(offer.top_adverse.len() <= 4);

    let consents = engine.consents().await.unwrap();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].id, consent.id);

    // Timeline: keyset pages cover everything exactly once; filters narrow.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    loop {
        let page = engine
            .timeline(TimelineQuery {
                cursor: cursor.clone(),
                limit: 3,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total as u64, s1.new_disclosures);
        for d in &page.items {
            assert!(seen.insert(d.id), "no duplicates across pages");
            assert!(
                !DENY.contains(&d.signal.as_str()),
                "denied signals not collected"
            );
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, s1.new_disclosures);
    let income = engine
        .timeline(TimelineQuery {
            dpv_category: Some("pd:Income".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(income.items.iter().all(|d| d.dpv_category == "pd:Income"));

    let first = *seen.iter().next().unwrap();
    let ev = engine.evidence(first).await.unwrap();
    assert!(ev.signature_verified);
    assert!(ev.ledger_seq.is_some());
    assert!(ev.statement_json.contains("\"signature\""));
    assert_eq!(
        ev.consent.as_ref().map(|c| c.id.as_str()),
        Some(consent.id.as_str())
    );
    assert_eq!(
        engine.evidence(i64::MAX).await.unwrap_err().code(),
        "not_found"
    );
    engine.close().await;

    // Everything is still there after a restart (and the sandbox comes back on a new port).
    let (engine, recovery) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    assert!(recovery.is_none());
    assert_eq!(engine.consents().await.unwrap().len(), 1);
    let again = engine.sync(&lender.id, noop).await.unwrap();
    assert!(again.reachable);
    assert_eq!(again.new_disclosures, 0);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_if_moves_the_score_by_the_withheld_signals_points() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let offer = engine.latest_offer().await.unwrap().expect("an offer");
    let c = offer
        .contributions
        .iter()
        .find(|c| c.signal == "sms_income")
        .unwrap()
        .clone();
    let w = engine.what_if(vec!["sms_income".into()]).await.unwrap();
    assert_eq!(w.offer.id, offer.id);
    assert_eq!(w.quote.withheld, vec!["sms_income".to_string()]);
    assert_eq!(w.offer.score - w.quote.score, c.points - c.missing_points);
    assert_eq!(w.score_change, c.missing_points - c.points);
    assert_eq!(
        w.amount_change,
        w.quote.amount_inr as i64 - w.offer.amount_inr as i64
    );
    assert_eq!(
        engine
            .what_if(vec!["nope".into()])
            .await
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_creep_and_rights_requests() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    // The lender asks again (by default for one more signal: the contacts list).
    let url = engine.sandbox_url().await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{url}/_sandbox/consent-requests"))
        .bearer_auth(crate::SANDBOX_ADMIN_TOKEN)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let reqs = engine.consent_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    let new: Vec<&str> = reqs[0]
        .signals
        .iter()
        .filter(|s| s.new_since_last)
        .map(|s| s.signal.id.as_str())
        .collect();
    assert_eq!(new, vec!["contacts_network"]);
    let _ = consent;

    let r = engine
        .request_right(
            &lender.id,
            RightsKindView::HumanReview,
            "Please review my offer.".into(),
            Default::default(),
            None,
        )
        .await
        .unwrap();
    assert!(r.ticket.is_some(), "delivered at once: {r:?}");
    assert!(r.due_at.is_some());
    let all = engine.rights_requests().await.unwrap();
    assert_eq!(all.len(), 1);
    engine.close().await;
}

/// A grievance the lender dated 31 days ago (its clock moved) is overdue under the RBI's 30
/// days: the escalation offers the Ombudsman, the packet carries the complaint and the
/// lender's signed answer, and the calendar has the deadline. A correction names its signal,
/// which reaches the lender, and shows first what the lender holds of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_grievance_offers_the_ombudsman_with_evidence_and_a_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _consent) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    let url = engine.sandbox_url().await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{url}/_sandbox/clock"))
        .bearer_auth(crate::SANDBOX_ADMIN_TOKEN)
        .json(&serde_json::json!({"offsetDays": -31}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());

    let g = engine
        .request_right(
            &lender.id,
            RightsKindView::Grievance,
            "You read my contacts without consent.".into(),
            Default::default(),
            None,
        )
        .await
        .unwrap();
    assert!(g.lender_created_at.unwrap() < g.created_at - 30 * 86_400_000);
    assert!(g.overdue, "{g:?}");
    let rbi = &g.clocks[0];
    assert_eq!(rbi.id, "rbi-ombudsman-30d");
    assert!(rbi.overdue);
    assert_eq!(rbi.started_at, g.lender_created_at.unwrap());

    let facts = engine.escalation_draft(&g.id).await.unwrap();
    assert!(facts.acknowledged);
    assert_eq!(facts.first_complained_at, g.lender_created_at.unwrap());
    let steps: Vec<_> = facts.next_steps.iter().map(|s| s.step).collect();
    assert_eq!(steps, [NextStep::LenderGrievance, NextStep::RbiOmbudsman]);
    assert_eq!(facts.overdue_clocks.len(), 1);

    let packet = dir.path().join("complaint.zip");
    let saved = engine
        .save_escalation_packet(
            &g.id,
            NextStep::RbiOmbudsman,
            "To the RBI Ombudsman",
            &packet,
        )
        .await
        .unwrap();
    assert!(saved.files >= 3, "{saved:?}");
    let bytes = std::fs::read(&packet).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("complaint-rbi-ombudsman.txt"));
    assert!(has("rights-request.json"));
    assert!(has("evidence/rights-answer-1.json"));

    let ics = engine.rights_calendar(Some(&g.id), &[]).await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count(),
        2,
        "RBI and DPDP deadlines"
    );

    // A correction about a signal: the lender's copy names it; the context shows the bin the
    // latest offer scored for it.
    let offer = engine.latest_offer().await.unwrap().expect("an offer");
    let signal = offer.contributions[0].signal.clone();
    let ctx = engine
        .correction_context(&lender.id, &signal)
        .await
        .unwrap();
    assert_eq!(
        ctx.bin.as_deref(),
        Some(offer.contributions[0].bin.as_str())
    );
    assert_eq!(ctx.offer_id.as_deref(), Some(offer.id.as_str()));
    let c = engine
        .request_right(
            &lender.id,
            RightsKindView::Correction,
            "My income is higher than that.".into(),
            RightsSubject {
                signal: Some(signal.clone()),
                offer_id: Some(offer.id.clone()),
                consent_id: None,
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(c.about.signal.as_deref(), Some(signal.as_str()));
    assert!(c.ticket.is_some());
    assert!(c.clocks.iter().all(|k| !k.notified && k.due_at.is_none()));
    let unknown = engine
        .request_right(
            &lender.id,
            RightsKindView::Correction,
            "x".into(),
            RightsSubject {
                signal: Some("no_such_signal".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "invalid_input");
    engine.close().await;
}
