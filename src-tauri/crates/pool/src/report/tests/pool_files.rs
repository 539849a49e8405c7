//! The pool as the report finds it on disk: empty, missing, mid-add or busy, its rejections,
//! the SQL it embeds and a synthetic pool.

use super::*;

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
