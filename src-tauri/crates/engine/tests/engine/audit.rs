//! The auditor toolkit end to end: the real sandbox lender (over-collector and salaried-good)
//! over loopback, a real SQLCipher vault, the engine's sync and export, then the audit rules
//! and the offline verifier — including a tamper test of the export.
//!
//! `KHATA_TAMPER_MUTATIONS=10000 cargo test -p khata-engine --test engine audit::tamper -- --nocapture`
//! runs the full tamper count (default: 40 — debug builds verify Ed25519 slowly).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use khata_engine::audit::{self, Rule, verify};
use khata_engine::report_words::ReportLanguage;
use khata_engine::views::*;
use khata_engine::*;
use khata_lending::ClientConfig;
use khata_sandbox::Scenario;
use khata_sandbox::launcher::Launcher;
use khata_vault::MemoryKeyStore;
use serde_json::Value;

use crate::{decide_first_request, export_json};

pub(super) fn config(dir: &Path, keys: &Arc<MemoryKeyStore>, scenario: Scenario) -> EngineConfig {
    let mut c = EngineConfig::new(dir);
    c.key_store = Some(keys.clone());
    c.token_store = Some(Arc::new(MemoryTokenStore::default()));
    c.client = ClientConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        max_retries: 4,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(50),
        ..ClientConfig::default()
    };
    // Contract 1.x: these tests read and mutate the version 1 export's structure (the
    // version 2 export has its own, in `log.rs` and the evidence crate's tests).
    c.sandbox = Some(Arc::new(crate::contract_v1(Launcher::new(scenario))));
    c.outbox_backoff_base = Duration::from_millis(5);
    c.outbox_backoff_cap = Duration::from_millis(50);
    c
}

fn noop(_: Progress) {}

async fn confirm(engine: &Engine, id: &str) {
    for _ in 0..300 {
        if engine.revocation(id).await.unwrap().state == DeliveryState::Confirmed {
            return;
        }
        let _ = engine.deliver_outbox().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("revocation {id} never confirmed");
}

/// Connect, grant with two signals denied, sync, a what-if quote, revoke one signal, then
/// revoke the rest, letting the lender collect in between; returns the engine and its export.
pub(super) async fn scenario_export(dir: &Path, scenario: Scenario) -> (Engine, Value, Vec<u8>) {
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir, &keys, scenario)).await.unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    let consent = decide_first_request(&engine, &lender.id, |signal| {
        !["location_stability", "life_events"].contains(&signal)
    })
    .await;
    engine.sync(&lender.id, noop).await.unwrap();
    engine.what_if(vec!["sms_income".into()]).await.unwrap();
    let r = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    confirm(&engine, &r.id).await;
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let r = engine.revoke(&consent.id, vec![]).await.unwrap();
    confirm(&engine, &r.id).await;
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let out = dir.join("export.json");
    let bytes = export_json(&engine, &out).await;
    let doc = serde_json::from_slice(&bytes).unwrap();
    (engine, doc, bytes)
}

fn rule_set(r: &audit::AuditReport) -> BTreeSet<&'static str> {
    r.findings.iter().map(|f| f.rule.id()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_collector_triggers_every_rule_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, doc, bytes) = scenario_export(dir.path(), Scenario::OverCollector).await;
    let report = engine.audit().await.unwrap();
    let got = rule_set(&report);
    eprintln!("over-collector: {:?}", report.summary);
    // What the over-collector does (sandbox/src/api/collection.rs, collect_round): every rule below.
    let want = [
        Rule::CollectedAfterRevocation,
        Rule::CollectedAfterSignalRevocation,
        Rule::SignalDenied,
        Rule::SignalNotGranted,
        Rule::OutsideDataRange,
        Rule::AboveFrequency,
        Rule::ProhibitedSignal,
        Rule::KycOnlySignalReused,
        Rule::UnnamedRecipient,
        Rule::NoConsent,
        Rule::PurposeMismatch,
    ];
    for r in want {
        assert!(got.contains(r.id()), "{} not found; got {got:?}", r.id());
    }
    assert!(
        report.summary.unreadable.is_empty(),
        "{:?}",
        report.summary.unreadable
    );
    // Every finding carries the signed statements that prove it, or the borrower's own
    // ledgered request (a revocation counts from the moment the borrower asked).
    for f in &report.findings {
        assert!(
            !f.evidence.is_empty()
                && f.evidence
                    .iter()
                    .all(|e| e.statement["signature"].is_object()
                        || (e.kind == "borrower-request" && e.statement["type"].is_string()))
        );
    }
    // The export verifies and audits the same as the vault.
    let v = verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("a fresh export verifies");
    assert!(v.signatures_checked > 0 && v.ledger_entries > 0);
    let now = khata_vault::now_ms();
    let from_export = audit::audit(&audit::load::from_export(&doc, now));
    assert_eq!(rule_set(&from_export), got);
    assert_eq!(from_export.findings.len(), report.findings.len());
    // The vault's audit (disclosures streamed a page at a time) is the export's, finding for
    // finding, evidence included (no data life runs out between the two "now"s).
    assert_eq!(report, from_export);
    // Straight from the bytes (what `khata audit` does): the same report.
    let mut seen = 0u64;
    let streamed = audit::load::audit_export_bytes(&bytes, now, |_| seen += 1).unwrap();
    assert_eq!(streamed, from_export);
    assert_eq!(seen, report.summary.disclosures);
    // Grouped: one finding per rule, lender, consent and signal (rules whose proof differs by
    // recipient, purpose, pause or cited consent may have several), each counting its
    // occurrences and listing the records up to the sample size.
    let mut keys = BTreeSet::new();
    for f in &report.findings {
        let key = (f.rule, &f.lender_id, &f.consent_id, &f.signal);
        let varies = matches!(
            f.rule,
            Rule::UnnamedRecipient
                | Rule::PurposeMismatch
                | Rule::CollectedWhilePaused
                | Rule::NoConsent
        );
        assert!(keys.insert(key) || varies, "{key:?} twice");
        assert!(f.count >= 1 && f.at <= f.last_at, "{f:?}");
        let listed = f.records.iter().filter(|r| r.kind == "disclosure").count() as u64;
        assert!(listed <= 2 * audit::RECORD_SAMPLE_EACH_END as u64);
        if listed > 0 {
            assert_eq!(listed + f.records_omitted, f.count, "{f:?}");
        }
    }
    assert!(report.findings.iter().map(|f| f.count).sum::<u64>() >= report.findings.len() as u64);
    if let Ok(p) = std::env::var("KHATA_KEEP_EXPORT") {
        std::fs::write(p, &bytes).unwrap();
    }

    // The grievance: the draft holds every finding against the lender for the UI to word;
    // the packet holds the letter the borrower read with the signed evidence, and filing it
    // through the lender API records its ticket and due date.
    let lender = khata_engine::SANDBOX_LENDER_ID;
    let draft = engine.grievance_draft(lender).await.unwrap();
    assert_eq!(draft.findings, report.findings);
    assert!(
        draft.lender_name.contains("Sandbox Lender"),
        "{}",
        draft.lender_name
    );
    assert!(draft.drafted_at > 0);
    assert!(!draft.consent_ids.is_empty(), "{:?}", draft.consent_ids);
    // The letter names each cited signal as the lender's catalogue does, and is signed with the
    // customer id the lender's consent carries until the borrower gives one.
    for f in &draft.findings {
        if let Some(s) = &f.signal {
            let info = draft
                .signals
                .iter()
                .find(|i| &i.id == s)
                .expect("cited signal");
            assert!(!info.name.is_empty());
        }
    }
    assert!(
        draft.signals.iter().any(|i| i.name != i.id),
        "{:?}",
        draft.signals
    );
    let customer_id = draft.signer.customer_id.clone().expect("the consent's id");
    assert!(customer_id.starts_with("cust-"), "{customer_id}");
    assert_eq!(draft.signer.full_name, "");
    assert_eq!(draft.detail_max, 10_000);
    for f in &draft.findings {
        if let Some(c) = &f.consent_id {
            assert!(
                draft.consent_ids.contains(c),
                "{c} not in {:?}",
                draft.consent_ids
            );
        }
    }
    // As the UI would word it in Hindi: the packet keeps it byte for byte (UTF-8).
    let letter = format!(
        "सेवा में: शिकायत अधिकारी, {}\nविषय: डिजिटल व्यक्तिगत डेटा संरक्षण अधिनियम, 2023 की धारा 13 के तहत शिकायत\n",
        draft.lender_name
    );
    let packet = dir.path().join("grievance.zip");
    // A link planted at the old staging name is not followed; the packet is the borrower's only.
    #[cfg(unix)]
    let elsewhere = {
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, b"not the packet's").unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("grievance.zip.part")).unwrap();
        elsewhere
    };
    let saved = engine
        .save_grievance_packet(lender, &letter, ReportLanguage::Hi, &packet)
        .await
        .unwrap();
    assert_eq!(saved.bytes, std::fs::metadata(&packet).unwrap().len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert!(
            std::fs::read(&elsewhere).unwrap() == b"not the packet's",
            "the planted link was followed"
        );
        let meta = std::fs::symlink_metadata(&packet).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    // Read back with an independent zip reader (Python's zipfile, which checks every CRC).
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(chr(10).join(z.namelist())); sys.stdout.flush(); sys.stdout.buffer.write(z.read('grievance-letter.txt'))"])
        .arg(&packet)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = listing.lines().take(saved.files as usize).collect();
    assert_eq!(
        &names[..4],
        [
            "README.txt",
            "grievance-letter.txt",
            "findings.json",
            "evidence/lender-keys.json"
        ]
    );
    assert!(
        names[4..]
            .iter()
            .all(|n| n.starts_with("evidence/") && n.ends_with(".json"))
    );
    assert!(names.len() > 4, "evidence files: {names:?}");
    // The packet's guide is in the borrower's language (Hindi here, as the letter is).
    let guide = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('README.txt'))"])
        .arg(&packet)
        .output()
        .expect("python3");
    let guide = String::from_utf8(guide.stdout).unwrap();
    assert!(guide.starts_with("इस पैकेट में क्या है\n"), "{guide}");
    assert!(
        guide.contains(&format!("{} से शिकायत", draft.lender_name)),
        "{guide}"
    );
    assert!(
        listing.ends_with(&format!("\n{letter}")),
        "the letter as given: {listing}"
    );
    // A letter too large for a person to have read is refused, and writes nothing.
    let huge = "क".repeat(khata_engine::grievance::LETTER_MAX);
    let big = dir.path().join("big.zip");
    let err = engine
        .save_grievance_packet(lender, &huge, ReportLanguage::En, &big)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(!big.exists());
    assert_eq!(
        engine
            .file_grievance(lender, &huge, None)
            .await
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    // A letter longer than the lender's endpoint takes is never cut: without a summary it is
    // refused, with one the summary is filed (the whole letter goes in the packet).
    let long = letter.repeat(draft.detail_max as usize / letter.chars().count() + 1);
    assert!(long.len() <= khata_engine::grievance::LETTER_MAX);
    assert_eq!(
        engine
            .file_grievance(lender, &long, None)
            .await
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let summary = "सारांश: पूरा पत्र पैकेट में संलग्न है।";
    let filed = engine
        .file_grievance(lender, &long, Some(summary))
        .await
        .unwrap();
    assert_eq!(filed.details.as_deref(), Some(summary));
    let filed = engine.file_grievance(lender, &letter, None).await.unwrap();
    assert_eq!(
        filed.details.as_deref(),
        Some(letter.as_str()),
        "filed whole"
    );
    assert_eq!(filed.kind, RightsKindView::Grievance);
    assert!(filed.ticket.is_some(), "the lender's ticket: {filed:?}");
    assert!(filed.due_at.is_some(), "the lender's due date: {filed:?}");
    assert!(
        engine
            .rights_requests()
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == filed.id && r.kind == RightsKindView::Grievance)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salaried_good_triggers_none() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _doc, bytes) = scenario_export(dir.path(), Scenario::SalariedGood).await;
    let report = engine.audit().await.unwrap();
    assert_eq!(report.findings, vec![], "{:#?}", report.summary);
    assert!(
        report.summary.disclosures > 0 && report.summary.offers > 0 && report.summary.quotes > 0
    );
    verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("a fresh export verifies");
    // Nothing to complain about: no packet, no filing.
    let lender = khata_engine::SANDBOX_LENDER_ID;
    assert_eq!(
        engine.grievance_draft(lender).await.unwrap().findings,
        vec![]
    );
    let err = engine
        .save_grievance_packet(
            lender,
            "To: Sandbox Lender",
            ReportLanguage::En,
            dir.path().join("g.zip"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(!dir.path().join("g.zip").exists());
    assert_eq!(
        engine
            .file_grievance(lender, "To: Sandbox Lender", None)
            .await
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    if let Ok(p) = std::env::var("KHATA_KEEP_GOOD_EXPORT") {
        std::fs::write(p, &bytes).unwrap();
    }
}

/// xorshift64*: reproducible without a dependency.
pub(super) struct Rng(pub(super) u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Byte ranges of the document that the verifier protects: signed statements, disclosures and
/// the ledger. (Display-only sections — lender names, the signal catalogue, consent record
/// summaries, local rights-request state, `exportedAt` — are not signed; see docs/export.md.)
fn protected_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    // Top-level members are written in this order; search each after the previous one.
    let mut from = 0;
    let mut next = |pat: &str| {
        let at = from
            + bytes[from..]
                .windows(pat.len())
                .position(|w| w == pat.as_bytes())
                .unwrap_or_else(|| panic!("{pat} not in export"));
        from = at;
        at
    };
    let offers = next("\"offers\":[");
    let rights = next("\"rightsRequests\":[");
    let rights_st = next("\"rightsStatements\":[");
    let signals = next("\"signals\":[");
    let disclosures = next("\"disclosures\":[");
    vec![
        (offers, rights),
        (rights_st, signals),
        (disclosures, bytes.len()),
    ]
}

fn mutate(
    doc: &Value,
    bytes: &[u8],
    spans: &[(usize, usize)],
    rng: &mut Rng,
) -> (&'static str, Vec<u8>) {
    let mut d = doc.clone();
    let ser = |d: &Value| serde_json::to_vec(d).unwrap();
    let n_disc = d["disclosures"].as_array().unwrap().len();
    let n_led = d["ledger"]["entries"].as_array().unwrap().len();
    match rng.below(8) {
        0 | 1 => {
            let total: usize = spans.iter().map(|(a, b)| b - a).sum();
            let mut k = rng.below(total);
            let mut pos = 0;
            for (a, b) in spans {
                if k < b - a {
                    pos = a + k;
                    break;
                }
                k -= b - a;
            }
            let mut out = bytes.to_vec();
            out[pos] ^= 1 << rng.below(8);
            ("byte flip", out)
        }
        2 => {
            let which = rng.below(3);
            if which == 0 {
                d["disclosures"]
                    .as_array_mut()
                    .unwrap()
                    .remove(rng.below(n_disc));
            } else if which == 1 {
                d["ledger"]["entries"]
                    .as_array_mut()
                    .unwrap()
                    .remove(rng.below(n_led));
            } else {
                let key = ["offers", "quotes", "receipts"][rng.below(3)];
                let a = d[key].as_array_mut().unwrap();
                let n = a.len();
                a.remove(rng.below(n));
            }
            ("dropped record", ser(&d))
        }
        3 => {
            let (key, n) = if rng.below(2) == 0 {
                ("/disclosures", n_disc)
            } else {
                ("/ledger/entries", n_led)
            };
            let a = d.pointer_mut(key).unwrap().as_array_mut().unwrap();
            let i = rng.below(n);
            let mut j = rng.below(n);
            if i == j {
                j = (i + 1) % n;
            }
            a.swap(i, j);
            ("reordered records", ser(&d))
        }
        4 => {
            let p = match rng.below(4) {
                0 => format!(
                    "/offers/{}/amountInr",
                    rng.below(d["offers"].as_array().unwrap().len())
                ),
                1 => format!(
                    "/quotes/{}/aprMonthlyBps",
                    rng.below(d["quotes"].as_array().unwrap().len())
                ),
                2 => format!(
                    "/offers/{}/explanation/score",
                    rng.below(d["offers"].as_array().unwrap().len())
                ),
                _ => format!("/disclosures/{}/statement/seq", rng.below(n_disc)),
            };
            let v = d.pointer_mut(&p).unwrap();
            *v = Value::from(v.as_i64().unwrap() + 1 + rng.below(1000) as i64);
            ("edited amount", ser(&d))
        }
        5 => {
            let i = rng.below(n_disc);
            let mut j = rng.below(n_disc);
            if i == j {
                j = (i + 1) % n_disc;
            }
            let a = d["disclosures"][i]["statement"]["signature"].clone();
            let b = d["disclosures"][j]["statement"]["signature"].clone();
            d["disclosures"][i]["statement"]["signature"] = b;
            d["disclosures"][j]["statement"]["signature"] = a;
            ("swapped signatures", ser(&d))
        }
        6 => {
            let i = rng.below(n_disc);
            let t = d["disclosures"][i]["collectedAt"].as_i64().unwrap();
            d["disclosures"][i]["collectedAt"] = Value::from(t - 1 - rng.below(86_400_000) as i64);
            ("edited time", ser(&d))
        }
        _ => {
            let i = rng.below(n_led);
            let e = &mut d["ledger"]["entries"][i];
            e["at"] = Value::from(e["at"].as_i64().unwrap() + 1);
            ("edited ledger entry", ser(&d))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tamper_every_mutation_is_detected_without_panics() {
    let n: usize = std::env::var("KHATA_TAMPER_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let dir = tempfile::tempdir().unwrap();
    let (_engine, doc, bytes) = scenario_export(dir.path(), Scenario::OverCollector).await;
    verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("the original verifies");
    let spans = protected_spans(&bytes);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut by_kind: std::collections::BTreeMap<&str, [u64; 3]> = Default::default();
    let started = std::time::Instant::now();
    let mut missed = Vec::new();
    for k in 0..n {
        let (kind, m) = mutate(&doc, &bytes, &spans, &mut rng);
        let r = std::panic::catch_unwind(|| verify::verify_export_bytes(&m, &mut |_, _| {}));
        let slot = by_kind.entry(kind).or_default();
        match r {
            Err(_) => panic!("verify panicked on mutation {k} ({kind})"),
            Ok(Ok(_)) if m != bytes => {
                let pos = m.iter().zip(&bytes).position(|(a, b)| a != b).unwrap_or(0);
                let ctx =
                    String::from_utf8_lossy(&m[pos.saturating_sub(40)..(pos + 40).min(m.len())])
                        .into_owned();
                eprintln!("missed {k} {kind} at byte {pos}: …{ctx}…");
                missed.push((k, kind))
            }
            Ok(Ok(_)) => slot[0] += 1, // a flip that restored the original cannot happen; counted apart
            Ok(Err(e)) => slot[e.exit_code() as usize] += 1,
        }
    }
    eprintln!(
        "tamper: {n} mutations of a {} byte export in {:.1} s; per kind [identical, exit 1, exit 2]: {by_kind:?}; missed: {}",
        bytes.len(),
        started.elapsed().as_secs_f64(),
        missed.len()
    );
    assert!(missed.is_empty(), "undetected mutations: {missed:?}");
}
