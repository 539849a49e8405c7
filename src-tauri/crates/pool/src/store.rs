//! The pool on disk (docs/pool.md, "The pool on disk"): its marker and secret, the commit
//! protocol that makes a batch of donations appear whole or not at all, and the recovery every
//! command runs first.
//!
//! A batch is written under `_khata/staging/<batch>/`, mirroring the paths its files will
//! have. Every staged file and directory is fsynced, then `_khata/commits/<batch>.json` is
//! written beside as `.tmp`, fsynced and renamed into place: that rename is the commit. Only
//! then are the staged files renamed into the tables. Recovery rolls a committed batch forward
//! (moving what is still staged) and deletes a staging directory without a commit.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

pub const STATE_DIR: &str = "_khata";
pub const MARKER: &str = "_khata/pool.json";
pub const SECRET: &str = "_khata/secret";
pub const COMMITS: &str = "_khata/commits";
pub const STAGING: &str = "_khata/staging";
pub const REJECTIONS: &str = "_khata/rejections.jsonl";
pub const NOTES: &str = "_khata/notes";
pub const LEAVES: &str = "_khata/leaves";
/// Held exclusively by every command while the pool is open (`Pool::open`).
pub const LOCK: &str = "_khata/lock";

/// The environment variable of the fault hook: `KHATA_POOL_ABORT_AT=<step>` aborts the process
/// at that step of the commit protocol, so tests can show every crash recovers.
pub const ABORT_AT: &str = "KHATA_POOL_ABORT_AT";
/// The steps, in order.
pub const STEPS: [&str; 5] = ["staged", "commit-written", "committed", "moving", "moved"];

/// Aborts here if the fault hook names `step`.
pub fn fault(step: &str) {
    if std::env::var(ABORT_AT).is_ok_and(|s| s == step) {
        std::process::abort();
    }
}

/// One donation as a commit records it: what de-duplication and computed heads need later.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommittedDonation {
    pub donation_id: String,
    pub export_sha256: String,
    pub consent_refs: Vec<String>,
    /// Per lender: the donor's leaves (their count) and its held heads as `[size, time ms]`.
    pub leaves: BTreeMap<String, u64>,
    pub heads: BTreeMap<String, Vec<(u64, i64)>>,
}

/// A computed root a batch added for a donation (perhaps of an earlier batch).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ComputedHead {
    pub donation_id: String,
    pub lender: String,
    pub size: u64,
}

/// A file a batch added, relative to the pool, with its rows (0 for notes and leaves).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommittedFile {
    pub path: String,
    pub rows: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

/// `_khata/commits/<batch>.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Commit {
    pub batch: String,
    pub committed_at_ms: i64,
    pub donations: Vec<CommittedDonation>,
    #[serde(default)]
    pub computed: Vec<ComputedHead>,
    pub files: Vec<CommittedFile>,
}

/// An open pool.
pub struct Pool {
    pub root: PathBuf,
    /// An exclusive lock on `_khata/lock` for as long as the pool is open: recovery deletes
    /// uncommitted staging, which would be another command's batch in the making.
    _lock: File,
}

fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    // Directories are fsynced through a read-only handle on Unix; elsewhere this is a no-op.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("fsync {}", dir.display()))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file, fsynced and renamed into place.
pub fn write_durably(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).with_context(|| format!("create {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

impl Pool {
    /// Opens the pool at `root`, creating it (marker, secret, directories) if `root` is missing
    /// or empty, then recovers. A non-empty directory without the marker is refused.
    pub fn open_or_create(root: &Path) -> anyhow::Result<Pool> {
        let marker = root.join(MARKER);
        if !marker.exists() {
            if root.exists()
                && fs::read_dir(root)
                    .with_context(|| format!("read {}", root.display()))?
                    .next()
                    .is_some()
            {
                bail!(
                    "{} is neither empty nor a pool (no {MARKER})",
                    root.display()
                );
            }
            fs::create_dir_all(root.join(STATE_DIR))?;
            let mut secret = [0u8; 32];
            rand::Rng::fill(&mut rand::rng(), &mut secret[..]);
            let path = root.join(SECRET);
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(&path)?;
            f.write_all(&secret)?;
            f.sync_all()?;
            write_durably(&marker, br#"{"format":"khata-pool","version":1}"#)?;
        }
        Self::open(root)
    }

    /// Opens an existing pool and recovers.
    pub fn open(root: &Path) -> anyhow::Result<Pool> {
        let marker: serde_json::Value = serde_json::from_slice(
            &fs::read(root.join(MARKER))
                .with_context(|| format!("{} is not a pool (no {MARKER})", root.display()))?,
        )
        .context("pool.json is not JSON")?;
        if marker.get("format").and_then(|v| v.as_str()) != Some("khata-pool")
            || marker.get("version").and_then(|v| v.as_u64()) != Some(1)
        {
            bail!("{}: not a version 1 khata-pool", root.display());
        }
        for dir in [COMMITS, STAGING, NOTES, LEAVES] {
            fs::create_dir_all(root.join(dir))?;
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(root.join(LOCK))
            .with_context(|| format!("open {}", root.join(LOCK).display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => bail!(
                "{} is in use by another khata-pool command (an add, a check or a report); \
                 run this one when it has finished",
                root.display()
            ),
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("lock {}", root.join(LOCK).display()));
            }
        }
        let pool = Pool {
            root: root.to_path_buf(),
            _lock: lock,
        };
        pool.recover()?;
        Ok(pool)
    }

    /// The HMAC key of `consent_ref`.
    pub fn secret(&self) -> anyhow::Result<[u8; 32]> {
        let bytes = fs::read(self.root.join(SECRET)).context("the pool's secret")?;
        bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("{SECRET} is not 32 bytes"))
    }

    pub fn staging(&self, batch: &str) -> PathBuf {
        self.root.join(STAGING).join(batch)
    }

    fn commit_path(&self, batch: &str) -> PathBuf {
        self.root.join(COMMITS).join(format!("{batch}.json"))
    }

    /// Every commit, in batch order (batch ids sort by time).
    pub fn commits(&self) -> anyhow::Result<Vec<Commit>> {
        let mut names: Vec<PathBuf> = fs::read_dir(self.root.join(COMMITS))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                serde_json::from_slice(&fs::read(p)?)
                    .with_context(|| format!("commit {} is unreadable", p.display()))
            })
            .collect()
    }

    /// Commits a fully staged batch: the commit file renamed into place, then the files moved.
    pub fn commit(&self, commit: &Commit) -> anyhow::Result<()> {
        let staged = self.staging(&commit.batch);
        sync_tree(&staged)?;
        fault("staged");
        let path = self.commit_path(&commit.batch);
        let tmp = path.with_extension("tmp");
        let mut f = File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(commit)?)?;
        f.sync_all()?;
        drop(f);
        fault("commit-written");
        fs::rename(&tmp, &path)?;
        sync_dir(&self.root.join(COMMITS))?;
        fault("committed");
        self.roll_forward(commit)
    }

    /// Moves whatever of a committed batch is still staged into place, then drops the staging.
    fn roll_forward(&self, commit: &Commit) -> anyhow::Result<()> {
        let staged = self.staging(&commit.batch);
        let mut first = true;
        for file in &commit.files {
            let from = staged.join(&file.path);
            if !from.exists() {
                continue;
            }
            let to = self.root.join(&file.path);
            let parent = to.parent().expect("a file in a directory");
            fs::create_dir_all(parent)?;
            fs::rename(&from, &to).with_context(|| format!("moving {} into place", file.path))?;
            sync_dir(parent)?;
            if first {
                fault("moving");
                first = false;
            }
        }
        fault("moved");
        if staged.exists() {
            fs::remove_dir_all(&staged)?;
            sync_dir(&self.root.join(STAGING))?;
        }
        Ok(())
    }

    /// Rolls committed batches forward, deletes uncommitted staging and stray temporary files.
    pub fn recover(&self) -> anyhow::Result<()> {
        for entry in fs::read_dir(self.root.join(COMMITS))? {
            let p = entry?.path();
            if p.extension().is_some_and(|x| x == "tmp") {
                fs::remove_file(&p)?;
            }
        }
        for entry in fs::read_dir(self.root.join(STAGING))? {
            let dir = entry?.path();
            let batch = dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let commit = self.commit_path(&batch);
            if commit.exists() {
                let c: Commit = serde_json::from_slice(&fs::read(&commit)?)
                    .with_context(|| format!("commit {batch} is unreadable"))?;
                self.roll_forward(&c)?;
            } else if dir.is_dir() {
                fs::remove_dir_all(&dir)?;
            } else {
                fs::remove_file(&dir)?;
            }
        }
        sync_dir(&self.root.join(STAGING))
    }

    /// Appends one rejection to `_khata/rejections.jsonl` and syncs it.
    pub fn log_rejection(&self, record: &serde_json::Value) -> anyhow::Result<()> {
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.root.join(REJECTIONS))?;
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        f.write_all(&line)?;
        f.sync_data()?;
        Ok(())
    }
}

/// Fsyncs every file and directory under `dir` (a staged batch).
fn sync_tree(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            sync_tree(&p)?;
        } else {
            File::open(&p)?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// A new batch id: the time in ms (so ids sort in commit order) and 32 random bits.
pub fn new_batch_id() -> String {
    let r: u32 = rand::random();
    format!(
        "{:013}-{r:08x}",
        chrono::Utc::now().timestamp_millis().max(0)
    )
}
