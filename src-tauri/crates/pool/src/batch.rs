//! One batch of donations being written into `_khata/staging/<batch>/`: a Parquet writer per
//! table partition (snappy, row groups of [`ROW_GROUP_ROWS`]), rows buffered only up to
//! [`FLUSH_ROWS`] per file, so memory stays flat however many donations a batch holds.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::PathBuf;

use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::rows::{Row, Rows, to_batch};
use crate::schema::{self, DONATIONS};
use crate::store::{CommittedFile, LEAVES, NOTES, Pool};

pub const ROW_GROUP_ROWS: usize = 128 * 1024;
pub const FLUSH_ROWS: usize = 8 * 1024;

struct Part {
    table: &'static str,
    path: String,
    writer: ArrowWriter<File>,
    buffered: Vec<Row>,
    rows: u64,
}

pub struct Batch {
    pub id: String,
    dir: PathBuf,
    parts: BTreeMap<(&'static str, String, String), Part>,
    extra: Vec<String>,
    pub rows: u64,
}

impl Batch {
    pub fn new(pool: &Pool, id: String) -> anyhow::Result<Batch> {
        let dir = pool.staging(&id);
        fs::create_dir_all(&dir)?;
        Ok(Batch {
            id,
            dir,
            parts: BTreeMap::new(),
            extra: Vec::new(),
            rows: 0,
        })
    }

    fn part(
        &mut self,
        table: &'static str,
        lender: &str,
        month: &str,
    ) -> anyhow::Result<&mut Part> {
        let key = (table, lender.to_owned(), month.to_owned());
        if !self.parts.contains_key(&key) {
            let path = if schema::is_partitioned(table) {
                format!(
                    "{table}/lender={lender}/month={month}/part-{}.parquet",
                    self.id
                )
            } else {
                format!("{table}/part-{}.parquet", self.id)
            };
            let full = self.dir.join(&path);
            fs::create_dir_all(full.parent().expect("a parent"))?;
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
                .build();
            let schema = schema::file_schema(table).expect("a known table");
            let writer = ArrowWriter::try_new(File::create(&full)?, schema, Some(props))?;
            self.parts.insert(
                key.clone(),
                Part {
                    table,
                    path,
                    writer,
                    buffered: Vec::new(),
                    rows: 0,
                },
            );
        }
        Ok(self.parts.get_mut(&key).expect("inserted"))
    }

    /// Adds one donation's rows (its `donations` row and every partition's rows).
    pub fn add(&mut self, donation: Row, rows: Rows) -> anyhow::Result<()> {
        self.push(DONATIONS, "", "", vec![donation])?;
        for ((table, lender, month), rows) in rows.parts {
            self.push(table, &lender, &month, rows)?;
        }
        Ok(())
    }

    pub fn push(
        &mut self,
        table: &'static str,
        lender: &str,
        month: &str,
        rows: Vec<Row>,
    ) -> anyhow::Result<()> {
        self.rows += rows.len() as u64;
        let part = self.part(table, lender, month)?;
        part.rows += rows.len() as u64;
        part.buffered.extend(rows);
        if part.buffered.len() >= FLUSH_ROWS {
            flush(part)?;
        }
        Ok(())
    }

    /// Stages a file that is not a table (a note, a donor's leaf hashes) at `path`.
    pub fn stage_file(&mut self, path: String, bytes: &[u8]) -> anyhow::Result<()> {
        let full = self.dir.join(&path);
        fs::create_dir_all(full.parent().expect("a parent"))?;
        fs::write(&full, bytes)?;
        self.extra.push(path);
        Ok(())
    }

    /// Removes what was staged for a donation refused after its files were staged.
    pub fn unstage_donation(&mut self, donation_id: &str) -> anyhow::Result<()> {
        let note = format!("{NOTES}/{donation_id}.txt");
        let leaves = format!("{LEAVES}/{donation_id}/");
        self.extra.retain(|p| p != &note && !p.starts_with(&leaves));
        let _ = fs::remove_file(self.dir.join(&note));
        let _ = fs::remove_dir_all(self.dir.join(LEAVES).join(donation_id));
        Ok(())
    }

    /// Closes every writer; the files the batch adds, for its commit.
    pub fn finish(self) -> anyhow::Result<Vec<CommittedFile>> {
        let mut files = Vec::new();
        for (_, mut part) in self.parts {
            flush(&mut part)?;
            part.writer.close()?;
            files.push(CommittedFile {
                path: part.path,
                rows: part.rows,
                table: Some(part.table.to_owned()),
            });
        }
        files.extend(self.extra.into_iter().map(|path| CommittedFile {
            path,
            rows: 0,
            table: None,
        }));
        Ok(files)
    }
}

fn flush(part: &mut Part) -> anyhow::Result<()> {
    if part.buffered.is_empty() {
        return Ok(());
    }
    let schema = schema::file_schema(part.table).expect("a known table");
    let batch = to_batch(&schema, &part.buffered)?;
    part.writer.write(&batch)?;
    part.buffered.clear();
    Ok(())
}
