//! The Key Fact Statement on the real binary: the Offer screen shows the sandbox lender's
//! statement figure for figure (read back from the lender's own database), the annual rate
//! Khata recomputes from the schedule beside the stated one, and, for the `wrong-apr` lender
//! that states 12 × the monthly rate without its fees, the mismatch, in the window and in the
//! audit; then the same screen in Hindi.

use std::time::Duration;

use khata_lending::types::KeyFactStatement;

use crate::crash::consented_in;
use crate::harness::{Profile, Session, devanagari};

/// The newest offer's Key Fact Statement as the sandbox lender signed it.
fn lender_kfs(profile: &Profile) -> KeyFactStatement {
    let db = profile
        .data_dir
        .path()
        .join(khata_engine::SANDBOX_DIR)
        .join("sandbox.sqlite3");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("sandbox database");
    let json: String = conn
        .query_row(
            "SELECT json FROM offers ORDER BY created_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the lender's offer");
    let offer: serde_json::Value = serde_json::from_str(&json).expect("offer JSON");
    serde_json::from_value(offer["kfs"].clone()).expect("the offer carries a KFS")
}

/// Basis points as the window writes a percentage in English: 2626 → `26.26%`, 2160 → `21.6%`.
fn percent(bps: u32) -> String {
    let whole = format!("{}.{:02}", bps / 100, bps % 100);
    let trimmed = whole.trim_end_matches('0');
    format!("{trimmed}%")
}

/// Whole rupees as the window writes them in English: 112081 → `₹1,12,081`.
fn inr(amount: u32) -> String {
    let digits = amount.to_string();
    if digits.len() <= 3 {
        return format!("₹{digits}");
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<String> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (a, b) = rest.split_at(rest.len() - 2);
        groups.insert(0, b.to_string());
        rest = a;
    }
    groups.insert(0, rest.to_string());
    format!("₹{},{last3}", groups.join(","))
}

/// Connects the sandbox playing `scenario`, consents, syncs and opens the Offer.
async fn offer_of(scenario: Option<&str>) -> Session {
    let app = consented_in(scenario).await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{}", khata_engine::SANDBOX_LENDER_ID))
        .await;
    app.find("home-offer-decision").await;
    app.click("nav-offer").await;
    app.find("kfs").await;
    app
}

#[tokio::test(flavor = "multi_thread")]
async fn kfs_the_offer_shows_the_lenders_key_facts_and_an_annual_rate_that_matches_its_schedule() {
    let app = offer_of(None).await;
    let k = lender_kfs(&app.profile);
    // The honest lender's stated APR is the schedule's (its own amortisation) …
    assert_eq!(
        k.apr_annual_bps,
        khata_sandbox::kfs::apr_bps(k.disbursed_inr, &k.schedule)
    );
    assert!(k.apr_annual_bps > k.nominal_rate_bps * 12, "fees included");
    let stated = app.text("kfs-apr-stated").await;
    assert!(stated.contains(&percent(k.apr_annual_bps)), "{stated}");
    // … and Khata's own figure, recomputed from the same schedule, agrees.
    let khata = app.text("kfs-apr-khata").await;
    assert!(khata.contains(&percent(k.apr_annual_bps)), "{khata}");
    app.find("kfs-apr-match").await;
    let how = app.text("kfs-apr-how").await;
    assert!(how.contains(&inr(k.disbursed_inr)), "{how}");
    assert!(
        how.contains(&format!("{} instalments", k.schedule.len())),
        "{how}"
    );
    assert!(how.contains(&inr(k.total_payable_inr)), "{how}");

    let monthly = percent(k.nominal_rate_bps);
    let yearly = percent(k.nominal_rate_bps * 12);
    assert_eq!(
        app.text("kfs-rate").await,
        format!("{monthly} a month ({yearly} a year)")
    );
    // The summary no longer calls the monthly rate an APR.
    assert_eq!(
        app.text("offer-apr").await,
        format!("{monthly} a month ({yearly} a year)")
    );
    assert_eq!(app.text("kfs-loan").await, inr(k.loan_amount_inr));
    assert_eq!(app.text("kfs-disbursed").await, inr(k.disbursed_inr));
    assert_eq!(app.text("kfs-total").await, inr(k.total_payable_inr));
    let fee = app.text("kfs-fee-0").await;
    assert!(fee.starts_with("Processing fee (with GST): "), "{fee}");
    assert!(fee.contains(&inr(k.fees[0].amount_inr)), "{fee}");
    let cooling = app.text("kfs-cooling-off").await;
    assert!(
        cooling.starts_with(&format!("{} days.", k.cooling_off_days)),
        "{cooling}"
    );
    let lender = app.text("kfs-lender").await;
    assert!(
        lender.contains(&k.regulated_entity.registration),
        "{lender}"
    );
    let officer = app.text("kfs-grievance").await;
    assert!(officer.contains(&k.grievance_officer.email), "{officer}");
    app.find("kfs-lsp").await;

    // The EMI schedule, row by row.
    let rows = app.all_with_prefix("kfs-instalment-").await;
    assert_eq!(rows.len(), k.schedule.len());
    for i in &k.schedule {
        let row = app.text(&format!("kfs-instalment-{}", i.number)).await;
        for amount in [i.amount_inr, i.principal_inr, i.interest_inr] {
            assert!(row.contains(&inr(amount)), "{row} lacks {}", inr(amount));
        }
        let year = i.due_date.format("%Y").to_string();
        assert!(row.contains(&year), "{row}");
    }
    assert!(app.all_with_prefix("kfs-apr-mismatch").await.is_empty());
    app.snap("offer-kfs").await;

    // In Hindi: the same facts, in Devanagari.
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !devanagari(&app.text("offer-heading").await) {
        assert!(std::time::Instant::now() < deadline, "still not Hindi");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rate = app.text("kfs-rate").await;
    assert!(devanagari(&rate) && rate.contains(&monthly), "{rate}");
    app.snap("offer-kfs-hi").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kfs_a_lender_that_states_twelve_times_the_monthly_rate_is_flagged() {
    let app = offer_of(Some("wrong-apr")).await;
    let k = lender_kfs(&app.profile);
    assert_eq!(k.apr_annual_bps, k.nominal_rate_bps * 12);
    let honest = khata_sandbox::kfs::apr_bps(k.disbursed_inr, &k.schedule);
    let mismatch = app.text("kfs-apr-mismatch").await;
    assert!(
        mismatch.contains(&format!(
            "give {} a year, not the {} the lender states",
            percent(honest),
            percent(k.apr_annual_bps)
        )),
        "{mismatch}"
    );
    assert!(mismatch.contains("costs more"), "{mismatch}");
    assert!(app.all_with_prefix("kfs-apr-match").await.is_empty());
    app.snap("offer-kfs-wrong-apr").await;

    // The audit reports it, with the computation.
    app.click("nav-audit").await;
    app.find("audit-summary").await;
    let detail = app
        .finding_detail_containing("× 12")
        .await
        .expect("a kfs-apr-mismatch finding");
    assert!(
        detail.contains(&format!(
            "states an annual rate of {}",
            percent(k.apr_annual_bps)
        )),
        "{detail}"
    );
    assert!(detail.contains(&percent(honest)), "{detail}");
    app.close().await;
}
