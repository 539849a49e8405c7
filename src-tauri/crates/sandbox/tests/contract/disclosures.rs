//! What each lender discloses: the well-behaved one only what was consented, the
//! over-collector beyond it (the behaviour the audit must catch).

use std::collections::HashSet;

use khata_lending::types::*;
use khata_sandbox::Scenario;

use crate::{all_disclosures, client_for, decide, key, start};

#[tokio::test]
async fn a_well_behaved_lender_discloses_only_what_was_consented() {
    let sb = start(Scenario::SalariedGood).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &["sms_income"]).await;
    // A second round the same day adds nothing: frequency is once a day.
    assert_eq!(sb.collect().unwrap(), 0);
    let ds = all_disclosures(&c, 3).await;
    assert_eq!(ds.len(), consent.signals_granted.len());
    let named: HashSet<&str> = consent
        .onward_recipients
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    for (i, d) in ds.iter().enumerate() {
        assert_eq!(d.seq, i as u64 + 1, "append-only, gap-free");
        assert_eq!(d.consent_id.as_deref(), Some(consent.consent_id.as_str()));
        assert!(consent.signals_granted.contains(&d.signal));
        assert!(d.data_range.from >= consent.fi_data_range.from);
        assert!(d.data_range.to <= consent.fi_data_range.to);
        assert!(d.value_digest.starts_with("sha256:") && d.value_digest.len() == 71);
        if let Some(r) = &d.onward_recipient {
            assert!(named.contains(r.as_str()));
        }
    }
    // Bulk seeding (for benchmarks) pages through intact, in order.
    sb.seed_disclosures(250).unwrap();
    let all = all_disclosures(&c, 100).await;
    assert_eq!(all.len(), ds.len() + 250);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    // After revocation nothing more is collected.
    c.revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    assert_eq!(sb.collect().unwrap(), 0);
}

#[tokio::test]
async fn the_over_collector_collects_beyond_consent() {
    let sb = start(Scenario::OverCollector).await;
    let c = client_for(&sb).await;
    let consent = decide(&c, &["location_stability"]).await;
    let receipt = c
        .revoke(&consent.consent_id, &RevokeBody::default(), &key())
        .await
        .unwrap();
    let ds = all_disclosures(&c, 7).await;
    let named: HashSet<&str> = consent
        .onward_recipients
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        ds.iter().any(|d| d.collected_at > receipt.effective_at),
        "after revocation"
    );
    assert!(
        ds.iter()
            .any(|d| consent.signals_denied.contains(&d.signal)),
        "denied signal"
    );
    assert!(
        ds.iter().any(|d| d.signal == "contacts_network"),
        "prohibited contacts"
    );
    assert!(
        ds.iter().any(|d| d.signal == "call_log_pattern"),
        "prohibited call log"
    );
    assert!(ds.iter().any(|d| d.consent_id.is_none()), "without consent");
    assert!(
        ds.iter()
            .any(|d| d.data_range.from < consent.fi_data_range.from),
        "outside range"
    );
    assert!(
        ds.iter().any(|d| d
            .onward_recipient
            .as_deref()
            .is_some_and(|r| !named.contains(r))),
        "unnamed recipient"
    );
    let first_round: Vec<&Disclosure> = ds
        .iter()
        .filter(|d| d.signal == "kyc_verified" && d.collected_at <= receipt.effective_at)
        .collect();
    assert!(
        first_round.len() > consent.frequency.value as usize,
        "above frequency"
    );
}
