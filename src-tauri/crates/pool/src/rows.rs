//! Rows as the tables of [`crate::schema`] hold them, one donation's at a time, and their
//! conversion to Arrow record batches by each table's file schema (so a row that does not fit
//! its table is a bug found at once, not a file Spark cannot read).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;

/// One value of a row, in its column's type (`None`: null).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(Option<String>),
    I64(Option<i64>),
    I32(i32),
    Bool(bool),
    F64(Option<f64>),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(Some(s.to_owned()))
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(Some(s))
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Str(s)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::I64(Some(v))
    }
}
impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        Cell::I64(v)
    }
}
impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::I32(v)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}
impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        Cell::F64(v)
    }
}

pub type Row = Vec<Cell>;

/// Where a partitioned table's rows go: `(table, lender, month)`.
pub type PartKey = (&'static str, String, String);

/// One donation's rows: its `donations` row and every other table's rows by partition.
#[derive(Debug, Default)]
pub struct Rows {
    pub parts: BTreeMap<PartKey, Vec<Row>>,
}

impl Rows {
    pub fn push(&mut self, table: &'static str, lender: &str, month: String, row: Row) {
        self.parts
            .entry((table, lender.to_owned(), month))
            .or_default()
            .push(row);
    }

    /// Rows per table.
    pub fn count(&self, table: &str) -> u64 {
        self.parts
            .iter()
            .filter(|((t, _, _), _)| *t == table)
            .map(|(_, r)| r.len() as u64)
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.parts.values().map(|r| r.len() as u64).sum()
    }
}

/// `YYYY-MM` (UTC) of a time in Unix ms.
pub fn month_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m")
        .to_string()
}

/// The rows as one record batch of `schema`. Errors name the column that does not fit.
pub fn to_batch(schema: &SchemaRef, rows: &[Row]) -> anyhow::Result<RecordBatch> {
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (k, field) in schema.fields().iter().enumerate() {
        let cell = |r: &Row| -> anyhow::Result<Cell> {
            r.get(k).cloned().ok_or_else(|| {
                anyhow::anyhow!("a row of {} cells has no {}", r.len(), field.name())
            })
        };
        let wrong = |c: &Cell| {
            anyhow::anyhow!(
                "column {}: {c:?} is not {}",
                field.name(),
                field.data_type()
            )
        };
        let array: ArrayRef = match field.data_type() {
            DataType::Utf8 => {
                let mut b = StringBuilder::new();
                for r in rows {
                    match cell(r)? {
                        Cell::Str(v) => b.append_option(v),
                        c => return Err(wrong(&c)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int64 => {
                let mut b = Int64Builder::new();
                for r in rows {
                    match cell(r)? {
                        Cell::I64(v) => b.append_option(v),
                        c => return Err(wrong(&c)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int32 => {
                let mut b = Int32Builder::new();
                for r in rows {
                    match cell(r)? {
                        Cell::I32(v) => b.append_value(v),
                        c => return Err(wrong(&c)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::new();
                for r in rows {
                    match cell(r)? {
                        Cell::Bool(v) => b.append_value(v),
                        c => return Err(wrong(&c)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::new();
                for r in rows {
                    match cell(r)? {
                        Cell::F64(v) => b.append_option(v),
                        c => return Err(wrong(&c)),
                    }
                }
                Arc::new(b.finish())
            }
            other => anyhow::bail!("column {}: no writer for {other}", field.name()),
        };
        columns.push(array);
    }
    // `try_new` refuses a null in a non-nullable column.
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}
