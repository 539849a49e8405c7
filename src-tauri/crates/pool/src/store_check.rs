//! `khata-pool check`: every file a commit names is in place, and every table file reads back
//! through the Parquet reader with the schema and row count its commit recorded.

use std::fs::File;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::store::Pool;

/// What is wrong, one sentence each (empty: all well).
pub fn check(pool: &Pool) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for c in pool.commits()? {
        for f in &c.files {
            let path = pool.root.join(&f.path);
            if !path.is_file() {
                problems.push(format!("batch {}: {} is missing", c.batch, f.path));
                continue;
            }
            let Some(table) = &f.table else { continue };
            match read_rows(&path, table) {
                Ok(n) if n == f.rows => {}
                Ok(n) => problems.push(format!(
                    "batch {}: {} holds {n} rows, its commit says {}",
                    c.batch, f.path, f.rows
                )),
                Err(e) => problems.push(format!("batch {}: {}: {e:#}", c.batch, f.path)),
            }
        }
    }
    Ok(problems)
}

fn read_rows(path: &std::path::Path, table: &str) -> anyhow::Result<u64> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?;
    let want = crate::schema::file_schema(table)
        .ok_or_else(|| anyhow::anyhow!("unknown table {table}"))?;
    if reader.schema().fields() != want.fields() {
        anyhow::bail!("its columns are not the {table} table's");
    }
    let mut n = 0u64;
    for batch in reader.build()? {
        n += batch?.num_rows() as u64;
    }
    Ok(n)
}
