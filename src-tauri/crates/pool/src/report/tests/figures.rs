//! The raw results of the SQL files on the hand-computed pool, split views included.

use super::*;

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
