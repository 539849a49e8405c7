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

#[tokio::test]
async fn raw_results_are_the_hand_computed_figures() {
    let dir = tempfile::tempdir().unwrap();
    hand_pool(dir.path());
    let results = run_standard(dir.path()).await;
    let raw = runner::raw_json(&results, None).unwrap();

    assert_eq!(
        raw["lenders"]["columns"],
        json!([
            "lender",
            "donors",
            "prohibited",
            "after_revocation",
            "observed_undeclared",
            "above_frequency"
        ])
    );
    assert_eq!(
        rows_of(&raw, "lenders"),
        vec![
            json!(["alpha", 3, 1, 2, 1, 1]),
            json!(["beta", 1, 0, 0, 0, 0]),
            json!(["gamma", 2, 1, 0, 0, 1])
        ]
    );
    assert_eq!(
        rows_of(&raw, "disclosures_by_signal"),
        vec![
            json!(["alpha", "contacts", 2, 1, 2, 0]),
            json!(["alpha", "location", 1, 1, 0, 0]),
            json!(["alpha", "sms_income", 5, 3, 0, 1]),
            json!(["beta", "sms_income", 1, 1, 0, 0]),
            json!(["gamma", "call_log", 1, 1, 1, 0]),
        ]
    );
    assert_eq!(rows_of(&raw, "pool"), vec![json!([5, 3, 10])]);

    // APR: alpha's three offers with both figures (D2's second has no stated APR).
    let apr = rows_of(&raw, "apr");
    assert_eq!(apr.len(), 2);
    assert_eq!(
        apr[0].as_array().unwrap()[..5],
        [json!("alpha"), json!(3), json!(3), json!(2), json!(2)]
    );
    let mean = apr[0][5].as_f64().unwrap();
    let mean_abs = apr[0][6].as_f64().unwrap();
    assert!((mean - (-0.05 - 6.5 + 0.2) / 3.0).abs() < 1e-9, "{mean}");
    assert!(
        (mean_abs - (0.05 + 6.5 + 0.2) / 3.0).abs() < 1e-9,
        "{mean_abs}"
    );
    assert_eq!(apr[1], json!(["gamma", 1, 1, 0, 0, 0.0, 0.0]));

    // Split views: gamma's two roots at size 5, one donor each; alpha's agreeing heads, none.
    assert_eq!(
        rows_of(&raw, "split_views"),
        vec![
            json!([
                "gamma",
                5,
                ROOT_1,
                1,
                1,
                1_735_700_000_000i64,
                1_735_700_000_000i64,
                "key-1",
                "key-1"
            ]),
            json!([
                "gamma",
                5,
                ROOT_2,
                1,
                1,
                1_735_700_000_000i64,
                1_735_700_000_000i64,
                "key-1",
                "key-1"
            ]),
        ]
    );

    // Every file has a result, rows sorted by their JSON text.
    for file in runner::embedded_sql() {
        let rows = rows_of(&raw, file.result_name());
        let texts: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted, "{}", file.file_name);
    }
}

#[tokio::test]
async fn a_split_view_is_found_only_where_roots_differ() {
    let dir = tempfile::tempdir().unwrap();
    let pool = PoolDir::create(dir.path(), "b").unwrap();
    // Same size, same root from two donors (and a computed root that agrees): consistent.
    pool.write(
        schema::TREE_HEADS,
        Some(("calm", "2025-01")),
        &[
            head(D1, 7, ROOT_1, "held"),
            head(D2, 7, ROOT_1, "held"),
            head(D3, 7, ROOT_1, "computed"),
        ],
    )
    .unwrap();
    // Same size, different roots, from two donors: a split view. Other sizes do not matter.
    pool.write(
        schema::TREE_HEADS,
        Some(("forked", "2025-01")),
        &[
            head(D1, 9, ROOT_1, "held"),
            head(D2, 9, ROOT_2, "held"),
            head(D2, 12, ROOT_A, "held"),
        ],
    )
    .unwrap();
    let raw = runner::raw_json(&run_standard(dir.path()).await, None).unwrap();
    let split = rows_of(&raw, "split_views");
    assert_eq!(split.len(), 2, "{split:?}");
    for row in &split {
        assert_eq!(row[0], "forked");
        assert_eq!(row[1], 9);
        assert_eq!(row[3], 1);
    }
    assert_ne!(split[0][2], split[1][2]);
}

#[tokio::test]
async fn k_anonymity_withholds_small_lenders_and_bands_small_counts() {
    let dir = tempfile::tempdir().unwrap();
    hand_pool(dir.path());
    let results = run_standard(dir.path()).await;
    let rejections = rejections::count(dir.path()).unwrap();

    // k = 3: gamma has k − 1 donors, beta one; both withheld whole.
    let report = published::build(&results, rejections.clone(), 3, "2025-06-01".into()).unwrap();
    assert_eq!(report.lenders_withheld, 2);
    assert_eq!(
        report
            .lenders
            .iter()
            .map(|l| l.lender.as_str())
            .collect::<Vec<_>>(),
        ["alpha"]
    );
    assert!(report.signals.iter().all(|s| s.lender == "alpha"));
    assert!(
        report.split_views.is_empty(),
        "gamma's split view goes with gamma"
    );

    // k = 2: gamma published; counts of one donor banded, a count leaving one out banded too.
    let report = published::build(&results, rejections, 2, "2025-06-01".into()).unwrap();
    assert_eq!(report.lenders_withheld, 1);
    let alpha = &report.lenders[0];
    assert_eq!(alpha.donors, 3);
    assert_eq!(alpha.prohibited.donors, Count::FewerThan { k: 2 });
    assert_eq!(alpha.prohibited.share, None);
    assert_eq!(
        alpha.after_revocation.donors,
        Count::AllButFewerThan { k: 2 }
    );
    assert_eq!(alpha.observed_undeclared.donors, Count::FewerThan { k: 2 });
    let apr = alpha.apr.as_ref().unwrap();
    assert_eq!((apr.donors, apr.offers), (Count::Value(3), Some(3)));
    assert_eq!(
        (apr.donors_differing, apr.offers_differing),
        (Count::AllButFewerThan { k: 2 }, None)
    );
    let gamma = &report.lenders[1];
    assert_eq!(gamma.after_revocation.donors, Count::Value(0));
    assert_eq!(gamma.after_revocation.share, Some(0.0));
    assert_eq!(gamma.split_view_sizes, 1);
    let gamma_apr = gamma.apr.as_ref().unwrap();
    assert_eq!(
        (
            gamma_apr.donors,
            gamma_apr.offers,
            gamma_apr.mean_difference
        ),
        (Count::FewerThan { k: 2 }, None, None)
    );
    assert_eq!(report.split_views.len(), 2);
    assert!(
        report
            .split_views
            .iter()
            .all(|r| r.donors == Count::FewerThan { k: 2 })
    );
    let sms = report
        .signals
        .iter()
        .find(|s| s.lender == "alpha" && s.signal == "sms_income")
        .unwrap();
    assert_eq!((sms.donors, sms.disclosures), (Count::Value(3), Some(5)));
    let contacts = report
        .signals
        .iter()
        .find(|s| s.signal == "contacts")
        .unwrap();
    assert_eq!(
        (contacts.donors, contacts.disclosures, contacts.prohibited),
        (Count::FewerThan { k: 2 }, None, true)
    );
    assert_eq!(
        report.rejections,
        BTreeMap::from([("duplicate".into(), 2), ("export-altered".into(), 1)])
    );

    // Every format states k and shows no banded value.
    let outputs = published_outputs(&report);
    assert!(outputs[0].contains("<b>k = 2.</b>"));
    assert!(outputs[1].contains("k,2\r\n"));
    assert!(outputs[2].contains("\"k\": 2"));
    assert!(outputs[2].contains("\"fewerThan\": 2"));
}

#[test]
fn a_count_is_shown_only_when_it_and_its_complement_describe_k_or_more() {
    let k = 10;
    assert_eq!(Count::of(0, 30, k), Count::Value(0));
    assert_eq!(Count::of(1, 30, k), Count::FewerThan { k });
    assert_eq!(Count::of(9, 30, k), Count::FewerThan { k });
    assert_eq!(Count::of(10, 30, k), Count::Value(10));
    assert_eq!(Count::of(20, 30, k), Count::Value(20));
    assert_eq!(Count::of(21, 30, k), Count::AllButFewerThan { k });
    assert_eq!(Count::of(30, 30, k), Count::Value(30));
    assert_eq!(Count::alone(9, k), Count::FewerThan { k });
    assert_eq!(Count::alone(10, k), Count::Value(10));
}

/// HTML, the CSV files joined, and JSON.
fn published_outputs(report: &Report) -> [String; 3] {
    let csv: String = csv::render(report)
        .into_iter()
        .map(|(name, text)| format!("{name}\n{text}"))
        .collect();
    [
        html::render(report),
        csv,
        serde_json::to_string_pretty(report).unwrap(),
    ]
}

#[tokio::test]
async fn nothing_identifying_reaches_a_published_report() {
    let dir = tempfile::tempdir().unwrap();
    hand_pool(dir.path());
    let results = run_standard(dir.path()).await;
    for k in [2, 3, 10] {
        let report = published::build(
            &results,
            rejections::count(dir.path()).unwrap(),
            k,
            "2025-06-01".into(),
        )
        .unwrap();
        for output in published_outputs(&report) {
            for secret in [D1, D2, D3, D4, D5, CONSENT_REF, NOTE, "x.zip", "Asha"] {
                assert!(!output.contains(secret), "k = {k}: `{secret}` in {output}");
            }
        }
    }
}

#[test]
fn html_escapes_hostile_strings_and_loads_nothing() {
    let hostile = "<script>alert('x')</script>\"&";
    let mut report = published::build(
        &empty_results_with_lender(hostile),
        BTreeMap::new(),
        2,
        "2025-06-01".into(),
    )
    .unwrap();
    report
        .rejections
        .insert("<img src=x onerror=alert(1)>".into(), 1);
    let page = html::render(&report);
    assert!(
        page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"),
        "{page}"
    );
    for forbidden in [
        "<script", "<img", " src=\"", "href=", "<link", "url(", "@import", "http:", "https:",
    ] {
        assert!(!page.contains(forbidden), "`{forbidden}` in the page");
    }
    assert_eq!(page.matches("<svg").count(), 4, "one chart per measure");
    let csv = &csv::render(&report)[1].1;
    assert!(
        csv.contains("\"<script>alert('x')</script>\"\"&\""),
        "{csv}"
    );
    assert_eq!(
        csv::field("=HYPERLINK(\"x\")"),
        "\"'=HYPERLINK(\"\"x\"\")\""
    );
    assert_eq!(csv::field("-1+1|cmd"), "'-1+1|cmd");
    assert_eq!(
        csv::field("-4.9544"),
        "-4.9544",
        "a negative number stays a number"
    );
}

/// Results as the SQL files would give for one lender of 4 donors (1 with prohibited
/// collection) and nothing else.
fn empty_results_with_lender(lender: &str) -> runner::Results {
    use arrow::array::{Float64Array, Int64Array, RecordBatch, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let result = |columns: Vec<(&str, arrow::array::ArrayRef)>| {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(
            schema.clone(),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap();
        runner::QueryResult {
            schema,
            batches: vec![batch],
        }
    };
    let s = |v: &str| Arc::new(StringArray::from(vec![v])) as arrow::array::ArrayRef;
    let i = |v: i64| Arc::new(Int64Array::from(vec![v])) as arrow::array::ArrayRef;
    let empty = |names: &[&str]| {
        let schema = Arc::new(Schema::new(
            names
                .iter()
                .map(|n| Field::new(*n, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        runner::QueryResult {
            schema,
            batches: vec![],
        }
    };
    let mut results = runner::Results::default();
    results.by_name.insert(
        "lenders".into(),
        result(vec![
            ("lender", s(lender)),
            ("donors", i(4)),
            ("prohibited", i(1)),
            ("after_revocation", i(0)),
            ("observed_undeclared", i(0)),
            ("above_frequency", i(0)),
        ]),
    );
    results.by_name.insert(
        "apr".into(),
        result(vec![
            ("lender", s(lender)),
            ("offers", i(4)),
            ("donors", i(4)),
            ("offers_differing", i(0)),
            ("donors_differing", i(0)),
            ("mean_difference", Arc::new(Float64Array::from(vec![0.01]))),
            (
                "mean_abs_difference",
                Arc::new(Float64Array::from(vec![0.02])),
            ),
        ]),
    );
    results.by_name.insert(
        "disclosures_by_signal".into(),
        result(vec![
            ("lender", s(lender)),
            ("signal", s("\"><img src=x onerror=alert(1)>")),
            ("disclosures", i(40)),
            ("donors", i(4)),
            ("prohibited", i(0)),
            ("after_revocation", i(0)),
        ]),
    );
    results
        .by_name
        .insert("split_views".into(), empty(&["lender"]));
    results.by_name.insert(
        "pool".into(),
        result(vec![
            ("donations", i(4)),
            ("lenders", i(1)),
            ("disclosures", i(40)),
        ]),
    );
    results
}

#[tokio::test]
async fn an_empty_pool_reports_empty_tables() {
    let dir = tempfile::tempdir().unwrap();
    PoolDir::create(dir.path(), "e").unwrap();
    let results = run_standard(dir.path()).await;
    let raw = runner::raw_json(&results, None).unwrap();
    assert_eq!(rows_of(&raw, "pool"), vec![json!([0, 0, 0])]);
    assert!(rows_of(&raw, "lenders").is_empty());
    let report = published::build(&results, BTreeMap::new(), 10, "2025-06-01".into()).unwrap();
    assert!(html::render(&report).contains("No lender has 10 or more donors yet."));
}

#[tokio::test]
async fn not_a_pool_is_refused_an_interrupted_add_recovered_and_a_busy_pool_refused() {
    let dir = tempfile::tempdir().unwrap();
    let error = runner::run(dir.path(), &runner::embedded_sql())
        .await
        .unwrap_err();
    assert!(format!("{error:#}").contains("is not a pool"), "{error:#}");
    let pool = dir.path().join("p");
    PoolDir::create(&pool, "s").unwrap();
    // A batch staged but never committed: the add was killed before its commit point.
    let staged = pool.join("_khata/staging/batch-1/disclosures/lender=a/month=2025-01");
    std::fs::create_dir_all(&staged).unwrap();
    std::fs::write(staged.join("part-batch-1.parquet"), b"half a file").unwrap();
    runner::run(&pool, &runner::embedded_sql()).await.unwrap();
    assert!(!pool.join("_khata/staging/batch-1").exists());
    // While another command holds the pool, the report waits for nothing and says why.
    let busy = crate::store::Pool::open(&pool).unwrap();
    let error = runner::run(&pool, &runner::embedded_sql())
        .await
        .unwrap_err();
    assert!(format!("{error:#}").contains("in use"), "{error:#}");
    drop(busy);
    runner::run(&pool, &runner::embedded_sql()).await.unwrap();
}

#[test]
fn rejections_are_counted_by_reason_and_unreadable_lines_kept() {
    let dir = tempfile::tempdir().unwrap();
    let khata = dir.path().join("_khata");
    std::fs::create_dir_all(&khata).unwrap();
    assert!(rejections::count(dir.path()).unwrap().is_empty());
    std::fs::write(
        khata.join("rejections.jsonl"),
        "{\"reason\":\"same-donor\"}\n\n{\"reason\":\"same-donor\"}\n{\"reason\":\"<b>\"}\n{\"reas",
    )
    .unwrap();
    assert_eq!(
        rejections::count(dir.path()).unwrap(),
        BTreeMap::from([("same-donor".into(), 2), (rejections::UNREADABLE.into(), 2)])
    );
}

#[test]
fn the_embedded_sql_is_the_sql_directory() {
    let on_disk = runner::sql_from_dir(&runner::source_sql_dir()).unwrap();
    let embedded = runner::embedded_sql();
    assert_eq!(
        on_disk
            .iter()
            .map(|f| (&f.file_name, &f.text))
            .collect::<Vec<_>>(),
        embedded
            .iter()
            .map(|f| (&f.file_name, &f.text))
            .collect::<Vec<_>>()
    );
    // The APR question's tolerance is the KFS check's fixed part, in percentage points.
    assert_eq!(khata_evidence::kfs::APR_TOLERANCE_BPS, 10);
    let apr = &embedded
        .iter()
        .find(|f| f.result_name() == "apr")
        .unwrap()
        .text;
    assert_eq!(
        apr.matches("ABS(apr_stated - apr_computed) > 0.1").count(),
        2
    );
}

#[tokio::test]
async fn a_synthetic_pool_holds_what_it_says_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pool");
    let summary = synth::write(&root, 150_000, 3).unwrap();
    assert!(
        summary.contains("150000 disclosures, 75 donors"),
        "{summary}"
    );
    let results = run_standard(&root).await;
    let raw = runner::raw_json(&results, Some(&published::PUBLISHED_RESULTS)).unwrap();
    assert_eq!(rows_of(&raw, "pool")[0][0], 75);
    assert_eq!(rows_of(&raw, "pool")[0][2], 150_000);
    let split = rows_of(&raw, "split_views");
    assert!(
        !split.is_empty() && split.iter().all(|r| r[0] == "lender-12"),
        "{split:?}"
    );
    assert!(
        raw.get("disclosure_cells").is_none(),
        "only the files asked for"
    );
    // The same seed writes the same pool, byte for byte.
    let again = dir.path().join("again");
    synth::write(&again, 150_000, 3).unwrap();
    assert_eq!(files_of(&root), files_of(&again));
}

/// Every file under `root`, by path relative to it, with its bytes.
fn files_of(root: &Path) -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if !path.ends_with(crate::store::LOCK) {
                // The lock a command takes while the pool is open is no part of its contents.
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

#[test]
fn an_apr_mean_over_k_donors_is_published_even_when_their_number_is_banded() {
    use arrow::array::{Float64Array, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let mut results = empty_results_with_lender("acme");
    // 3 of the lender's 4 donors have offers with both APRs: with k = 3 their number leaves one
    // donor outside it (banded), but the mean is over 3 donors, which is k.
    let apr = |donors: i64| {
        let columns: Vec<(&str, arrow::array::ArrayRef)> = vec![
            ("lender", Arc::new(StringArray::from(vec!["acme"]))),
            ("offers", Arc::new(Int64Array::from(vec![donors]))),
            ("donors", Arc::new(Int64Array::from(vec![donors]))),
            ("offers_differing", Arc::new(Int64Array::from(vec![donors]))),
            ("donors_differing", Arc::new(Int64Array::from(vec![donors]))),
            ("mean_difference", Arc::new(Float64Array::from(vec![2.5]))),
            (
                "mean_abs_difference",
                Arc::new(Float64Array::from(vec![2.5])),
            ),
        ];
        let schema = Arc::new(arrow::datatypes::Schema::new(
            columns
                .iter()
                .map(|(n, a)| arrow::datatypes::Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(
            schema.clone(),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap();
        runner::QueryResult {
            schema,
            batches: vec![batch],
        }
    };
    results.by_name.insert("apr".into(), apr(3));
    let report = published::build(&results, BTreeMap::new(), 3, "2025-06-01".into()).unwrap();
    let shown = report.lenders[0].apr.as_ref().unwrap();
    assert_eq!(shown.donors, Count::AllButFewerThan { k: 3 });
    assert_eq!(shown.offers, None);
    assert_eq!(
        (shown.mean_difference, shown.mean_abs_difference),
        (Some(2.5), Some(2.5))
    );
    // Over 2 donors (fewer than k) the mean would describe them: withheld.
    results.by_name.insert("apr".into(), apr(2));
    let report = published::build(&results, BTreeMap::new(), 3, "2025-06-01".into()).unwrap();
    let hidden = report.lenders[0].apr.as_ref().unwrap();
    assert_eq!(hidden.donors, Count::FewerThan { k: 3 });
    assert_eq!(
        (hidden.mean_difference, hidden.mean_abs_difference),
        (None, None)
    );
}
