//! The published report: k-anonymity, what never leaves the pool, hostile strings.

use super::*;

/// One result of one batch, its columns nullable as the engine's are.
fn one_batch(columns: Vec<(&str, arrow::array::ArrayRef)>) -> runner::QueryResult {
    use arrow::array::RecordBatch;
    use arrow::datatypes::{Field, Schema};
    let schema = std::sync::Arc::new(Schema::new(
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
    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let result = one_batch;
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

#[test]
fn an_apr_mean_over_k_donors_is_published_even_when_their_number_is_banded() {
    use arrow::array::{Float64Array, Int64Array, StringArray};
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
        one_batch(columns)
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
