//! The embedded engine's runner: the pool's tables registered over their Parquet files, the
//! standard SQL files run in file-name order, each result kept in memory under its name so later
//! files read it (and the big `disclosures` table is scanned once), and the raw results in the
//! shape the Spark runner writes too (`docs/pool.md`, "The standard report").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Float64Type, Int32Type, Int64Type, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::SessionContext;
use serde_json::Value;

use crate::schema;

/// One standard SQL file: its file name (`NN_name.sql`) and text.
#[derive(Debug, Clone)]
pub struct SqlFile {
    pub file_name: String,
    pub text: String,
}

impl SqlFile {
    /// The name its result is registered and reported under: the part after `NN_`.
    pub fn result_name(&self) -> &str {
        result_name(&self.file_name).expect("checked when the file was loaded")
    }
}

/// `NN_name.sql` → `name`; `None` for any other file name.
fn result_name(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".sql")?;
    let (number, name) = stem.split_once('_')?;
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    (number.len() == 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && plain(name))
    .then_some(name)
}

/// The standard questions, compiled into the binary so a report needs nothing beside it.
const EMBEDDED: [(&str, &str); 7] = [
    (
        "01_disclosure_cells.sql",
        include_str!("../../sql/01_disclosure_cells.sql"),
    ),
    (
        "02_donor_facts.sql",
        include_str!("../../sql/02_donor_facts.sql"),
    ),
    ("03_lenders.sql", include_str!("../../sql/03_lenders.sql")),
    ("04_apr.sql", include_str!("../../sql/04_apr.sql")),
    (
        "05_disclosures_by_signal.sql",
        include_str!("../../sql/05_disclosures_by_signal.sql"),
    ),
    (
        "06_split_views.sql",
        include_str!("../../sql/06_split_views.sql"),
    ),
    ("07_pool.sql", include_str!("../../sql/07_pool.sql")),
];

/// The SQL files compiled into the binary, in run order.
pub fn embedded_sql() -> Vec<SqlFile> {
    EMBEDDED
        .iter()
        .map(|(file_name, text)| SqlFile {
            file_name: (*file_name).into(),
            text: (*text).into(),
        })
        .collect()
}

/// Every `NN_name.sql` in `dir`, in file-name order (other files are ignored), so a changed
/// question can be tried without rebuilding.
pub fn sql_from_dir(dir: &Path) -> Result<Vec<SqlFile>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if result_name(&file_name).is_none() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .with_context(|| format!("reading {}", entry.path().display()))?;
        files.push(SqlFile { file_name, text });
    }
    files.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    if files.is_empty() {
        bail!("{} holds no NN_name.sql file", dir.display());
    }
    Ok(files)
}

/// One file's result: its columns and record batches, held in memory.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// Every file's result, by name, in run order.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub by_name: BTreeMap<String, QueryResult>,
}

impl Results {
    pub fn get(&self, name: &str) -> Result<&QueryResult> {
        self.by_name
            .get(name)
            .ok_or_else(|| anyhow!("the SQL files produced no result named `{name}`"))
    }
}

/// Opens the pool as every command does: its marker checked, its lock taken (an add cannot start
/// while the report reads) and an interrupted add recovered, so the report never sees part of a
/// donation. The returned pool holds the lock; keep it until the last file is read.
pub fn open_pool(pool: &Path) -> Result<crate::store::Pool> {
    crate::store::Pool::open(pool)
}

/// The schema a table has when read: its stored columns, then `lender` and `month` for a
/// partitioned table.
pub fn table_schema(table: &str) -> SchemaRef {
    let file = schema::file_schema(table).expect("a table of schema::TABLES");
    if !schema::is_partitioned(table) {
        return file;
    }
    let mut fields: Vec<Field> = file.fields().iter().map(|f| f.as_ref().clone()).collect();
    for column in schema::PARTITION_COLUMNS {
        fields.push(Field::new(column, DataType::Utf8, false));
    }
    Arc::new(Schema::new(fields))
}

fn holds_parquet(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            holds_parquet(&path)
        } else {
            path.extension().is_some_and(|e| e == "parquet")
        }
    })
}

/// A session with every table of [`schema::TABLES`] registered over `POOL/<table>/`: a
/// Hive-partitioned listing table, or an empty table of the same columns when the directory is
/// missing or holds no Parquet file.
pub async fn session_over(pool: &Path) -> Result<SessionContext> {
    let ctx = SessionContext::new();
    for table in schema::TABLES {
        let dir = pool.join(table);
        if !holds_parquet(&dir) {
            let empty = MemTable::try_new(table_schema(table), vec![vec![]])?;
            ctx.register_table(table, Arc::new(empty))?;
            continue;
        }
        let dir = std::path::absolute(&dir)?;
        let url = ListingTableUrl::parse(format!("{}/", dir.display()))
            .with_context(|| format!("{} as a table location", dir.display()))?;
        let mut options =
            ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
        if schema::is_partitioned(table) {
            options = options.with_table_partition_cols(
                schema::PARTITION_COLUMNS
                    .iter()
                    .map(|c| (c.to_string(), DataType::Utf8))
                    .collect(),
            );
        }
        let config = ListingTableConfig::new(url)
            .with_listing_options(options)
            .with_schema(schema::file_schema(table).expect("a table of schema::TABLES"));
        ctx.register_table(table, Arc::new(ListingTable::try_new(config)?))?;
    }
    Ok(ctx)
}

/// Runs `files` in order over the pool at `pool`, each result registered under its name.
pub async fn run(pool: &Path, files: &[SqlFile]) -> Result<Results> {
    let _open = open_pool(pool)?;
    let ctx = session_over(pool).await?;
    let mut results = Results::default();
    for file in files {
        let name = file.result_name().to_owned();
        let frame = ctx
            .sql(&file.text)
            .await
            .with_context(|| format!("planning {}", file.file_name))?;
        let schema: SchemaRef = Arc::new(frame.schema().as_arrow().clone());
        let batches = frame
            .collect()
            .await
            .with_context(|| format!("running {}", file.file_name))?;
        let table = MemTable::try_new(schema.clone(), vec![batches.clone()])?;
        ctx.register_table(name.as_str(), Arc::new(table))
            .with_context(|| format!("registering the result of {} as `{name}`", file.file_name))?;
        results
            .by_name
            .insert(name, QueryResult { schema, batches });
    }
    Ok(results)
}

/// The baseline the report is measured against: one full scan of `disclosures` grouped by
/// lender and signal. Returns the number of groups.
pub const BASELINE_SQL: &str =
    "SELECT lender, signal, COUNT(*) AS disclosures FROM disclosures GROUP BY lender, signal";

pub async fn baseline_scan(pool: &Path) -> Result<usize> {
    let _open = open_pool(pool)?;
    let ctx = session_over(pool).await?;
    let batches = ctx.sql(BASELINE_SQL).await?.collect().await?;
    Ok(batches.iter().map(RecordBatch::num_rows).sum())
}

/// A result's columns and rows as JSON values: integers as integers, floats as numbers (a
/// float that is not finite as null: JSON has no NaN), strings, booleans, nulls as null.
pub fn json_rows(result: &QueryResult) -> Result<(Vec<String>, Vec<Vec<Value>>)> {
    let columns: Vec<String> = result
        .schema
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut rows = Vec::new();
    for batch in &result.batches {
        let values: Vec<Vec<Value>> = batch
            .columns()
            .iter()
            .zip(result.schema.fields())
            .map(|(column, field)| {
                column_values(column).with_context(|| format!("column `{}`", field.name()))
            })
            .collect::<Result<_>>()?;
        for row in 0..batch.num_rows() {
            rows.push(values.iter().map(|column| column[row].clone()).collect());
        }
    }
    Ok((columns, rows))
}

fn column_values(column: &ArrayRef) -> Result<Vec<Value>> {
    let null_or = |i: usize, value: Value| {
        if column.is_null(i) {
            Value::Null
        } else {
            value
        }
    };
    let n = column.len();
    Ok(match column.data_type() {
        DataType::Null => vec![Value::Null; n],
        DataType::Boolean => {
            let a = column.as_boolean();
            (0..n).map(|i| null_or(i, a.value(i).into())).collect()
        }
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 => {
            let a = cast(column, &DataType::Int32)?;
            let a = a.as_primitive::<Int32Type>();
            (0..n).map(|i| null_or(i, a.value(i).into())).collect()
        }
        DataType::Int64 | DataType::UInt32 => {
            let a = cast(column, &DataType::Int64)?;
            let a = a.as_primitive::<Int64Type>();
            (0..n).map(|i| null_or(i, a.value(i).into())).collect()
        }
        DataType::UInt64 => {
            let a = column.as_primitive::<arrow::datatypes::UInt64Type>();
            (0..n).map(|i| null_or(i, a.value(i).into())).collect()
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 | DataType::Decimal128(..) => {
            let a = cast(column, &DataType::Float64)?;
            let a = a.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| {
                    let v = a.value(i);
                    match serde_json::Number::from_f64(v) {
                        Some(number) if !column.is_null(i) => Value::Number(number),
                        _ => Value::Null,
                    }
                })
                .collect()
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            let a = cast(column, &DataType::Utf8)?;
            let a = a.as_string::<i32>();
            (0..n).map(|i| null_or(i, a.value(i).into())).collect()
        }
        other => bail!("a result column of type {other} has no JSON form in the raw results"),
    })
}

/// The raw results of the files named (all of them when `names` is `None`):
/// `{"<name>": {"columns": [..], "rows": [[..], ..]}}`, rows sorted by their JSON text.
pub fn raw_json(results: &Results, names: Option<&[&str]>) -> Result<Value> {
    let mut out = serde_json::Map::new();
    for (name, result) in &results.by_name {
        if names.is_some_and(|names| !names.contains(&name.as_str())) {
            continue;
        }
        let (columns, rows) = json_rows(result).with_context(|| format!("result `{name}`"))?;
        let mut keyed: Vec<(String, Vec<Value>)> = rows
            .into_iter()
            .map(|row| {
                (
                    serde_json::to_string(&row).expect("JSON values serialise"),
                    row,
                )
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let rows: Vec<Value> = keyed
            .into_iter()
            .map(|(_, row)| Value::Array(row))
            .collect();
        out.insert(
            name.clone(),
            serde_json::json!({ "columns": columns, "rows": rows }),
        );
    }
    Ok(Value::Object(out))
}

/// Where the standard SQL files sit in the source tree (for `--sql` and the tests).
pub fn source_sql_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sql")
}
