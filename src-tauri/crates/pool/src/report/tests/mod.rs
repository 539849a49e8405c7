//! The standard report on small pools computed by hand: the raw results of every SQL file,
//! k-anonymity in the published report, split views, hostile strings and what must never leave
//! the pool.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::parquet_out::{Cell, NULL_TEXT, PoolDir, int, text};
use super::published::{Count, Report};
use super::{csv, html, published, rejections, runner, synth};
use crate::schema;

mod figures;
mod pool_files;
mod publishing;

// Donation ids shaped like the real ones (UUID v4), so a leak would be found by value.
const D1: &str = "11111111-1111-4111-a111-111111111111";
const D2: &str = "22222222-2222-4222-a222-222222222222";
const D3: &str = "33333333-3333-4333-a333-333333333333";
const D4: &str = "44444444-4444-4444-a444-444444444444";
const D5: &str = "55555555-5555-4555-a555-555555555555";
const CONSENT_REF: &str = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ffee0001";
const NOTE: &str = "My name is Asha and the agent called my mother";
const ROOT_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const ROOT_1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const ROOT_2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

fn disclosure(id: &str, signal: &str, prohibited: bool, after_revocation: bool) -> Vec<Cell> {
    vec![
        text(id),
        text(signal),
        NULL_TEXT,
        Cell::Bool(prohibited),
        Cell::Bool(false),
        int(1_735_689_600_000),
        text(if after_revocation {
            "revoked"
        } else {
            "granted"
        }),
        Cell::Bool(after_revocation),
        NULL_TEXT,
    ]
}

fn finding(id: &str, rule: &str) -> Vec<Cell> {
    vec![text(id), text(rule), text("high"), int(1), Cell::Int(None)]
}

fn offer(id: &str, stated: Option<f64>, computed: Option<f64>) -> Vec<Cell> {
    vec![
        text(id),
        text("approved"),
        text("10k-50k"),
        Cell::Float(stated),
        Cell::Float(computed),
        int(1_735_689_600_000),
    ]
}

fn head(id: &str, size: i64, root: &str, kind: &str) -> Vec<Cell> {
    vec![
        text(id),
        int(size),
        text(root),
        int(1_735_700_000_000),
        text("key-1"),
        text(kind),
    ]
}

/// The hand-computed pool (expected figures in [`raw_results_are_the_hand_computed_figures`]):
/// `alpha` with donors D1, D2, D3 (consistent heads), `beta` with D4 alone, `gamma` with D1 and
/// D5 (two roots at size 5: a split view).
fn hand_pool(root: &Path) -> PoolDir {
    let pool = PoolDir::create(root, "fixture").unwrap();
    let jan = Some(("alpha", "2025-01"));
    pool.write(
        schema::DISCLOSURES,
        jan,
        &[
            disclosure(D1, "contacts", true, false),
            disclosure(D1, "contacts", true, false),
            disclosure(D1, "sms_income", false, false),
            disclosure(D2, "sms_income", false, false),
            disclosure(D2, "sms_income", false, false),
            disclosure(D2, "sms_income", false, true),
        ],
    )
    .unwrap();
    pool.write(
        schema::DISCLOSURES,
        Some(("alpha", "2025-02")),
        &[
            disclosure(D3, "sms_income", false, false),
            disclosure(D3, "location", false, false),
        ],
    )
    .unwrap();
    pool.write(
        schema::DISCLOSURES,
        Some(("beta", "2025-01")),
        &[disclosure(D4, "sms_income", false, false)],
    )
    .unwrap();
    pool.write(
        schema::DISCLOSURES,
        Some(("gamma", "2025-03")),
        &[disclosure(D5, "call_log", true, false)],
    )
    .unwrap();
    pool.write(
        schema::FINDINGS,
        jan,
        &[
            finding(D1, "prohibited-signal"),
            finding(D2, "observed-undeclared"),
            finding(D3, "collected-after-signal-revocation"),
            finding(D3, "above-frequency"),
            finding(D3, "kfs-apr-mismatch"),
        ],
    )
    .unwrap();
    pool.write(
        schema::FINDINGS,
        Some(("gamma", "2025-03")),
        &[finding(D5, "above-frequency")],
    )
    .unwrap();
    pool.write(
        schema::OFFERS,
        jan,
        &[
            offer(D1, Some(24.0), Some(24.05)),
            offer(D2, Some(20.0), Some(26.5)),
            offer(D2, None, Some(26.5)),
            offer(D3, Some(30.0), Some(29.8)),
        ],
    )
    .unwrap();
    pool.write(
        schema::OFFERS,
        Some(("gamma", "2025-03")),
        &[offer(D1, Some(15.0), Some(15.0))],
    )
    .unwrap();
    pool.write(
        schema::CONSENTS,
        jan,
        &[vec![
            text(D1),
            text(CONSENT_REF),
            int(1_735_689_600_000),
            Cell::Int(None),
            int(3),
            int(0),
            text("daily"),
            text("credit"),
        ]],
    )
    .unwrap();
    pool.write(
        schema::TREE_HEADS,
        jan,
        &[
            head(D1, 10, ROOT_A, "held"),
            head(D2, 10, ROOT_A, "held"),
            head(D3, 10, ROOT_A, "computed"),
        ],
    )
    .unwrap();
    pool.write(
        schema::TREE_HEADS,
        Some(("beta", "2025-01")),
        &[head(D4, 3, ROOT_A, "held")],
    )
    .unwrap();
    pool.write(
        schema::TREE_HEADS,
        Some(("gamma", "2025-03")),
        &[head(D1, 5, ROOT_1, "held"), head(D5, 5, ROOT_2, "conflict")],
    )
    .unwrap();
    let donation = |id: &str| {
        vec![
            text(id),
            text("2025-01"),
            int(1_740_000_000_000),
            text(&"e".repeat(64)),
            int(1000),
            Cell::Int(Some(1)),
            int(1),
            int(0),
            text("[]"),
        ]
    };
    pool.write(schema::DONATIONS, None, &[D1, D2, D3, D4, D5].map(donation))
        .unwrap();
    std::fs::create_dir_all(root.join("_khata/notes")).unwrap();
    std::fs::write(root.join("_khata/notes").join(format!("{D1}.txt")), NOTE).unwrap();
    pool.reject(&json!({"at": 1, "file": "x.zip", "sha256": "00", "donationId": D4, "reason": "duplicate", "detail": NOTE}))
        .unwrap();
    pool.reject(&json!({"at": 2, "file": "y.zip", "sha256": "01", "reason": "export-altered", "detail": ""}))
        .unwrap();
    pool.reject(
        &json!({"at": 3, "file": "z.zip", "sha256": "02", "reason": "duplicate", "detail": ""}),
    )
    .unwrap();
    pool
}

async fn run_standard(root: &Path) -> runner::Results {
    runner::run(root, &runner::embedded_sql()).await.unwrap()
}

fn rows_of(raw: &Value, name: &str) -> Vec<Value> {
    raw[name]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no `{name}` in {raw}"))
        .clone()
}
