//! What the tests of real donations share: the fixture donations (made by `khata pool
//! generate`, see `tests/fixtures/donations/README.md`), the `khata-pool` binary, and a pool's
//! tables read back with the Parquet reader as JSON rows.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow::array::{Array, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use zip::write::SimpleFileOptions;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_khata-pool"))
}

/// The fixture donations, in file-name order.
pub fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/donations");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".khata-donation.zip"))
        .collect();
    out.sort();
    assert_eq!(out.len(), 3, "three fixture donations in {}", dir.display());
    out
}

/// A donation's two members: the manifest (parsed) and the export's bytes.
pub struct Opened {
    pub manifest: Value,
    pub export: Vec<u8>,
}

pub fn open(path: &Path) -> Opened {
    let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    let mut manifest = Vec::new();
    zip.by_name("donation.json")
        .unwrap()
        .read_to_end(&mut manifest)
        .unwrap();
    let mut export = Vec::new();
    zip.by_name("export.khata.json")
        .unwrap()
        .read_to_end(&mut export)
        .unwrap();
    Opened {
        manifest: serde_json::from_slice(&manifest).unwrap(),
        export,
    }
}

/// A donation file of `manifest` and `export`, as the writer lays it out (export stored).
pub fn write_donation(dir: &Path, manifest: &Value, export: &[u8]) -> PathBuf {
    let id = manifest["donationId"].as_str().unwrap();
    let path = dir.join(format!("{id}.khata-donation.zip"));
    let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
    zip.start_file("donation.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&serde_json::to_vec(manifest).unwrap())
        .unwrap();
    zip.start_file(
        "export.khata.json",
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    zip.write_all(export).unwrap();
    zip.finish().unwrap();
    path
}

/// `khata-pool add INPUTS --pool POOL`: exit status and stdout.
pub fn add(pool: &Path, inputs: &[&Path]) -> (i32, String) {
    let out = bin()
        .arg("add")
        .args(inputs)
        .arg("--pool")
        .arg(pool)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Every Parquet file under `dir`, appended to `out`.
pub fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            parquet_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
}

fn cell(column: &dyn Array, row: usize) -> Value {
    if column.is_null(row) {
        return Value::Null;
    }
    let any = column.as_any();
    match column.data_type() {
        DataType::Utf8 => any.downcast_ref::<StringArray>().unwrap().value(row).into(),
        DataType::Int64 => any.downcast_ref::<Int64Array>().unwrap().value(row).into(),
        DataType::Int32 => any.downcast_ref::<Int32Array>().unwrap().value(row).into(),
        DataType::Boolean => any
            .downcast_ref::<BooleanArray>()
            .unwrap()
            .value(row)
            .into(),
        DataType::Float64 => any
            .downcast_ref::<Float64Array>()
            .unwrap()
            .value(row)
            .into(),
        other => panic!("no reader for {other}"),
    }
}

fn rows_of(batch: &RecordBatch, prefix: &[Value], out: &mut Vec<Vec<Value>>) {
    for r in 0..batch.num_rows() {
        let mut row = prefix.to_vec();
        row.extend(batch.columns().iter().map(|c| cell(c.as_ref(), r)));
        out.push(row);
    }
}

/// Every row of `table`: for a partitioned table `[lender, month, columns…]` (the partition
/// values from the file's path), else `[columns…]`.
pub fn table(pool: &Path, table: &str) -> Vec<Vec<Value>> {
    let mut files = Vec::new();
    if pool.join(table).exists() {
        parquet_files(&pool.join(table), &mut files);
    }
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(pool.join(table)).unwrap();
        let prefix: Vec<Value> = rel
            .components()
            .filter_map(|c| {
                let s = c.as_os_str().to_str().unwrap();
                s.split_once('=').map(|(_, v)| Value::from(v))
            })
            .collect();
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            rows_of(&b.unwrap(), &prefix, &mut out);
        }
    }
    out
}

/// Rows as sorted JSON texts, to compare as multisets.
pub fn sorted(rows: impl IntoIterator<Item = Vec<Value>>) -> Vec<String> {
    let mut out: Vec<String> = rows
        .into_iter()
        .map(|r| serde_json::to_string(&r).unwrap())
        .collect();
    out.sort();
    out
}
