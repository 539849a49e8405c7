//! Writes pool tables straight into the Hive layout of [`crate::schema`], for synthetic pools
//! (`khata-pool synth`) and the report's test fixtures; `pool add` has its own crash-safe
//! writer. Rows are checked against the table's file schema, so a fixture cannot drift from
//! what `pool add` writes.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, RecordBatch,
    StringBuilder,
};
use arrow::datatypes::DataType;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::schema;

/// One value of a row, in the table's column order.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Float(Option<f64>),
}

pub fn text(s: &str) -> Cell {
    Cell::Text(Some(s.to_owned()))
}
pub fn int(n: i64) -> Cell {
    Cell::Int(Some(n))
}
pub const NULL_TEXT: Cell = Cell::Text(None);
pub const NULL_INT: Cell = Cell::Int(None);

/// Rows of `table` as one record batch of its file schema.
pub fn batch(table: &str, rows: &[Vec<Cell>]) -> Result<RecordBatch> {
    let schema = schema::file_schema(table).with_context(|| format!("no table `{table}`"))?;
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (i, field) in schema.fields().iter().enumerate() {
        let cells = rows.iter().map(|row| {
            ensure!(
                row.len() == schema.fields().len(),
                "a `{table}` row has {} cells",
                row.len()
            );
            Ok(&row[i])
        });
        let wrong =
            |cell: &Cell| anyhow::anyhow!("`{table}.{}` cannot hold {cell:?}", field.name());
        let array: ArrayRef = match field.data_type() {
            DataType::Utf8 => {
                let mut b = StringBuilder::new();
                for cell in cells {
                    match cell? {
                        Cell::Text(v) => b.append_option(v.as_deref()),
                        other => return Err(wrong(other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int64 => {
                let mut b = Int64Builder::new();
                for cell in cells {
                    match cell? {
                        Cell::Int(v) => b.append_option(*v),
                        other => return Err(wrong(other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int32 => {
                let mut b = Int32Builder::new();
                for cell in cells {
                    match cell? {
                        Cell::Int(Some(v)) => b.append_value(i32::try_from(*v)?),
                        other => return Err(wrong(other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::new();
                for cell in cells {
                    match cell? {
                        Cell::Bool(v) => b.append_value(*v),
                        other => return Err(wrong(other)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::new();
                for cell in cells {
                    match cell? {
                        Cell::Float(v) => b.append_option(*v),
                        other => return Err(wrong(other)),
                    }
                }
                Arc::new(b.finish())
            }
            other => bail!("no fixture writer for {other}"),
        };
        columns.push(array);
    }
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// A pool directory being written: its marker, and one Parquet file per table and partition.
pub struct PoolDir {
    root: PathBuf,
    batch: String,
}

/// One open Parquet file of a table partition.
pub struct PartFile {
    writer: ArrowWriter<File>,
}

impl PartFile {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        Ok(self.writer.write(batch)?)
    }
    pub fn close(self) -> Result<()> {
        self.writer.close()?;
        Ok(())
    }
}

impl PoolDir {
    /// Creates `root` (empty or missing) with the pool marker; files get the name
    /// `part-<batch>.parquet`.
    pub fn create(root: &Path, batch: &str) -> Result<PoolDir> {
        if root.exists() && std::fs::read_dir(root)?.next().is_some() {
            bail!("{} exists and is not empty", root.display());
        }
        let khata = root.join("_khata");
        std::fs::create_dir_all(&khata).with_context(|| format!("creating {}", khata.display()))?;
        std::fs::write(
            khata.join("pool.json"),
            br#"{"format":"khata-pool","version":1}"#,
        )?;
        Ok(PoolDir {
            root: root.to_owned(),
            batch: batch.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Opens the file of `table` at `lender`/`month` (both `None` for `donations`).
    pub fn open(&self, table: &str, partition: Option<(&str, &str)>) -> Result<PartFile> {
        let mut dir = self.root.join(table);
        match (schema::is_partitioned(table), partition) {
            (true, Some((lender, month))) => {
                dir = dir
                    .join(format!("lender={lender}"))
                    .join(format!("month={month}"));
            }
            (false, None) => {}
            _ => bail!(
                "`{table}` is written {} a partition",
                if schema::is_partitioned(table) {
                    "with"
                } else {
                    "without"
                }
            ),
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("part-{}.parquet", self.batch));
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(
            file,
            schema::file_schema(table).expect("a table"),
            Some(properties),
        )?;
        Ok(PartFile { writer })
    }

    /// Writes `rows` as the whole file of `table` at `partition`.
    pub fn write(
        &self,
        table: &str,
        partition: Option<(&str, &str)>,
        rows: &[Vec<Cell>],
    ) -> Result<()> {
        let mut file = self.open(table, partition)?;
        file.write(&batch(table, rows)?)?;
        file.close()
    }

    /// Appends one line to `_khata/rejections.jsonl`.
    pub fn reject(&self, line: &serde_json::Value) -> Result<()> {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.root.join("_khata").join("rejections.jsonl"))?;
        writeln!(file, "{line}")?;
        Ok(())
    }
}
