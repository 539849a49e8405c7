//! The vault handle: opening (create / open / restore) and the typed record API.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::error::{Result, VaultError};
use crate::keys::{Custody, DataKey, KeyFile, KeyStore, RecoveryKey, key_file_path};
use crate::ledger::{self, Appender, ChainReport, LedgerEntry};
use crate::model::*;
use crate::schema;

pub mod engine_store;

/// How to unlock (or, at creation, protect) a vault's data key.
pub enum Unlock<'a> {
    /// The key lives in an OS keychain (normally [`crate::KeyringStore`]).
    Keychain(&'a dyn KeyStore),
    /// The key is wrapped under an Argon2id-derived key (see [`crate::Argon2Params`]); for
    /// machines without a reachable keychain. The passphrase string is the caller's to zeroize.
    Passphrase(&'a str),
}

impl Unlock<'_> {
    fn custody(&self) -> Custody {
        match self {
            Unlock::Keychain(_) => Custody::Keychain,
            Unlock::Passphrase(_) => Custody::Passphrase,
        }
    }
}

/// An open vault. One per process is the intended use; the app keeps it behind a mutex.
pub struct Vault {
    conn: Connection,
    path: PathBuf,
    vault_id: String,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("vault_id", &self.vault_id)
            .finish_non_exhaustive()
    }
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Domain-separated SHA-256 of a shared value, for [`NewShareEvent::value_digest`]: the vault
/// records *that* a value was shared and can later prove which, without keeping it.
pub fn digest_value(value: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::new()
        .chain_update(b"khata-value v1\0")
        .chain_update(value)
        .finalize()
        .into()
}

fn sidecar_paths(path: &Path) -> [PathBuf; 3] {
    let s = path.as_os_str();
    let mut wal = s.to_owned();
    wal.push("-wal");
    let mut shm = s.to_owned();
    shm.push("-shm");
    [path.to_owned(), wal.into(), shm.into()]
}

/// Opens the SQLite connection and applies the key and pragmas.
///
/// Durability: WAL with `synchronous = NORMAL`. A commit is in the WAL (the OS page cache)
/// before `COMMIT` returns, so acknowledged commits survive the process being killed
/// (tested with SIGKILL); only an OS crash or power cut may lose the last few commits, and
/// never corrupts the file. FULL would fsync every commit and cut bulk-ingest throughput for
/// a risk the app does not face between two fsyncs that SQLite's checkpoints already do.
fn open_connection(
    path: &Path,
    key: Option<&DataKey>,
    create: bool,
    key_checked: bool,
) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
            VaultError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "cannot open database file"),
            )
        }
        e => e.into(),
    })?;
    if let Some(key) = key {
        // Wipe SQLCipher's freed memory (including key schedules) before the key goes in.
        // It is process-wide and costs bulk ingest about a third (mlock/munlock and a
        // byte-wise wipe on every allocation; see docs/BENCHMARKS.md), a price the issue
        // accepts for keeping key schedules and decrypted pages out of freed memory.
        conn.execute_batch("PRAGMA cipher_memory_security = ON;")?;
        conn.execute_batch(&key.pragma_statement())?;
    }
    // The first read authenticates page 1 with the key.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        return Err(match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::NotADatabase && !key_checked =>
            {
                VaultError::WrongKey
            }
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
                ) =>
            {
                VaultError::Corrupt {
                    details: "the first page fails authentication with the right key".into(),
                }
            }
            e => e.into(),
        });
    }
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(VaultError::Invalid(format!(
            "could not switch the vault to WAL (got {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;

    schema::migrations()
        .to_latest(&mut conn)
        .map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => match VaultError::from(err) {
                c @ VaultError::Corrupt { .. } => c,
                other => VaultError::Migration(other.to_string()),
            },
            other => VaultError::Migration(other.to_string()),
        })?;
    Ok(conn)
}

/// The first 16 bytes of the file (SQLCipher's salt), if it has them.
fn read_head(path: &Path) -> Result<Option<[u8; 16]>> {
    let mut f = fs::File::open(path).map_err(|e| VaultError::io(path, e))?;
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < 16 {
        match f
            .read(&mut head[n..])
            .map_err(|e| VaultError::io(path, e))?
        {
            0 => break,
            k => n += k,
        }
    }
    Ok((n == 16).then_some(head))
}

/// Refuses files that are plainly not this vault before any key is tried.
fn check_header(path: &Path, kf: &KeyFile) -> Result<()> {
    let not = |reason: String| VaultError::NotAVault {
        path: path.to_owned(),
        reason,
    };
    match read_head(path)? {
        None => {
            // A vault killed before its first checkpoint has its pages only in the WAL.
            let wal = &sidecar_paths(path)[1];
            if fs::metadata(wal).map(|m| m.len() > 0).unwrap_or(false) {
                Ok(())
            } else {
                Err(not("the file is empty or truncated".into()))
            }
        }
        Some(head) if &head == b"SQLite format 3\0" => {
            Err(not("it is an unencrypted SQLite database".into()))
        }
        Some(head) => match &kf.db_salt {
            Some(salt) if *salt != hex::encode(head) => Err(not(format!(
                "it does not belong to its key file (vault {})",
                kf.vault_id
            ))),
            _ => Ok(()),
        },
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_vec(v)?)
}

fn json_str<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    Ok(serde_json::to_string(v)?)
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, col: usize) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn blob32(row: &Row<'_>, col: usize) -> rusqlite::Result<[u8; 32]> {
    let b = row.get_ref(col)?.as_blob()?;
    b.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Blob,
            "digest is not 32 bytes".into(),
        )
    })
}

const EVENT_COLS: &str = "id, signal_id, lender_id, collected_at, purpose, consent_id, \
                          value_digest, onward_recipient, lender_signature";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<ShareEvent> {
    Ok(ShareEvent {
        id: r.get(0)?,
        event: NewShareEvent {
            signal_id: r.get(1)?,
            lender_id: r.get(2)?,
            collected_at: r.get(3)?,
            purpose: r.get(4)?,
            consent_id: r.get(5)?,
            value_digest: blob32(r, 6)?,
            onward_recipient: r.get(7)?,
            lender_signature: r.get(8)?,
        },
    })
}

const CONSENT_COLS: &str = "id, lender_id, purpose_code, purpose_text, signals_granted, \
    signals_denied, consent_start, consent_expiry, fetch_type, frequency_unit, frequency_value, \
    data_life_unit, data_life_value, fi_data_from, fi_data_to, status, signed_artefact, \
    artefact_signature";

fn consent_from_row(r: &Row<'_>) -> rusqlite::Result<Consent> {
    let from: Option<i64> = r.get(13)?;
    let to: Option<i64> = r.get(14)?;
    Ok(Consent {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        purpose_code: r.get(2)?,
        purpose_text: r.get(3)?,
        signals_granted: from_json(&r.get::<_, String>(4)?, 4)?,
        signals_denied: from_json(&r.get::<_, String>(5)?, 5)?,
        consent_start: r.get(6)?,
        consent_expiry: r.get(7)?,
        fetch_type: r.get(8)?,
        frequency: Period {
            unit: r.get(9)?,
            value: r.get(10)?,
        },
        data_life: Period {
            unit: r.get(11)?,
            value: r.get(12)?,
        },
        fi_data_range: from.zip(to).map(|(from, to)| DataRange { from, to }),
        status: r.get(15)?,
        signed_artefact: r.get(16)?,
        artefact_signature: r.get(17)?,
    })
}

const OFFER_COLS: &str = "id, lender_id, consent_id, received_at, decision, amount_minor, \
    currency, apr_bps, tenure_months, method, baseline, score, contributions, reason_codes, \
    signature";

fn offer_from_row(r: &Row<'_>) -> rusqlite::Result<Offer> {
    Ok(Offer {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        consent_id: r.get(2)?,
        received_at: r.get(3)?,
        decision: r.get(4)?,
        amount_minor: r.get(5)?,
        currency: r.get(6)?,
        apr_bps: r.get(7)?,
        tenure_months: r.get(8)?,
        explanation: Explanation {
            method: r.get(9)?,
            baseline: r.get(10)?,
            score: r.get(11)?,
            contributions: from_json(&r.get::<_, String>(12)?, 12)?,
            reason_codes: from_json(&r.get::<_, String>(13)?, 13)?,
        },
        signature: r.get(14)?,
    })
}

const OUTBOX_COLS: &str = "id, kind, record_id, lender_id, idempotency_key, payload, state, \
    attempts, next_attempt_at, last_error, receipt, created_at, updated_at";

fn outbox_from_row(r: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    Ok(OutboxItem {
        id: r.get(0)?,
        kind: r.get(1)?,
        record_id: r.get(2)?,
        lender_id: r.get(3)?,
        idempotency_key: r.get(4)?,
        payload: r.get(5)?,
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        receipt: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

const RIGHTS_COLS: &str = "id, lender_id, kind, status, ticket, details, created_at, due_at";

fn rights_from_row(r: &Row<'_>) -> rusqlite::Result<RightsRequest> {
    let kind: String = r.get(2)?;
    let status: String = r.get(3)?;
    let bad = |col: usize, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            format!("unknown value {v:?}").into(),
        )
    };
    Ok(RightsRequest {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        kind: RightsKind::parse(&kind).ok_or_else(|| bad(2, kind.clone()))?,
        status: RightsStatus::parse(&status).ok_or_else(|| bad(3, status.clone()))?,
        ticket: r.get(4)?,
        details: r.get(5)?,
        created_at: r.get(6)?,
        due_at: r.get(7)?,
    })
}

fn insert_outbox(tx: &Transaction<'_>, led: &mut Appender, item: &OutboxItem) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO outbox ({OUTBOX_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
    ))?
    .execute(rusqlite::params![
        item.id,
        item.kind,
        item.record_id,
        item.lender_id,
        item.idempotency_key,
        item.payload,
        item.state,
        item.attempts,
        item.next_attempt_at,
        item.last_error,
        item.receipt,
        item.created_at,
        item.updated_at
    ])?;
    led.append(tx, "outbox.enqueue", &item.id, &json(item)?)?;
    Ok(())
}

#[derive(Serialize)]
struct EventPayload<'a> {
    id: i64,
    event: &'a NewShareEvent,
}

impl Vault {
    // -----------------------------------------------------------------------------------------
    // Opening

    /// Creates a new vault at `path` (its key file goes to [`key_file_path`]) and returns it
    /// with the recovery key, which the app must show once and never store.
    ///
    /// With [`Unlock::Keychain`] the key is stored in the keychain *before* any file is
    /// written, so an unreachable keychain fails with [`VaultError::KeychainUnavailable`]
    /// and leaves nothing behind. Refuses to overwrite anything.
    pub fn create(path: impl AsRef<Path>, unlock: Unlock<'_>) -> Result<(Vault, RecoveryKey)> {
        let path = path.as_ref();
        let kf_path = key_file_path(path);
        for p in sidecar_paths(path).iter().chain([&kf_path]) {
            if p.exists() {
                return Err(VaultError::AlreadyExists(p.clone()));
            }
        }
        let vault_id = uuid::Uuid::new_v4().to_string();
        let key = DataKey::generate();
        let recovery = RecoveryKey::generate();
        let mut kf = KeyFile::new(&vault_id, &key, &recovery, unlock.custody());
        match unlock {
            Unlock::Keychain(store) => store.store(&vault_id, &key)?,
            Unlock::Passphrase(p) => kf.set_passphrase(&key, p)?,
        }
        let cleanup = |unlock: &Unlock<'_>| {
            for p in sidecar_paths(path) {
                let _ = fs::remove_file(p);
            }
            let _ = fs::remove_file(&kf_path);
            if let Unlock::Keychain(store) = unlock {
                let _ = store.delete(&vault_id);
            }
        };
        if let Err(e) = kf.write(&kf_path, true) {
            if let Unlock::Keychain(store) = &unlock {
                let _ = store.delete(&vault_id);
            }
            return Err(e);
        }
        let result = open_connection(path, Some(&key), true, true).and_then(|conn| {
            let mut v = Vault {
                conn,
                path: path.to_owned(),
                vault_id: vault_id.clone(),
            };
            v.write(|tx, led| {
                let payload = serde_json::json!({
                    "vault_id": vault_id,
                    "schema_version": schema::SCHEMA_VERSION,
                    "custody": kf.custody,
                });
                led.append(tx, "vault.created", &vault_id, &json(&payload)?)?;
                Ok(())
            })?;
            // Put page 1 in the main file now, then bind the key file to its salt.
            v.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            if let Some(head) = read_head(path)? {
                kf.db_salt = Some(hex::encode(head));
                kf.write(&kf_path, false)?;
            }
            Ok(v)
        });
        match result {
            Ok(v) => {
                tracing::info!(vault_id = %v.vault_id, path = %path.display(), custody = kf.custody.name(), "vault created");
                Ok((v, recovery))
            }
            Err(e) => {
                cleanup(&unlock);
                Err(e)
            }
        }
    }

    /// Opens an existing vault. Never creates or rewrites a file: a wrong key, a damaged file
    /// or a file that is not a vault returns a typed error and leaves the bytes as they were.
    pub fn open(path: impl AsRef<Path>, unlock: Unlock<'_>) -> Result<Vault> {
        let path = path.as_ref();
        let kf = Self::read_key_file(path)?;
        let key = match unlock {
            Unlock::Keychain(store) => {
                if kf.custody != Custody::Keychain {
                    return Err(VaultError::WrongMode {
                        actual: kf.custody.name(),
                        requested: "keychain",
                    });
                }
                store.load(&kf.vault_id)?
            }
            Unlock::Passphrase(p) => kf.unwrap_with_passphrase(p)?,
        };
        if key.check_value() != kf.key_check {
            return Err(VaultError::WrongKey);
        }
        let conn = open_connection(path, Some(&key), false, true)?;
        tracing::info!(vault_id = %kf.vault_id, path = %path.display(), "vault opened");
        Ok(Vault {
            conn,
            path: path.to_owned(),
            vault_id: kf.vault_id,
        })
    }

    /// Re-opens a vault with its recovery key (keychain entry gone, passphrase forgotten,
    /// vault moved to a new machine) and puts the key back under `unlock`: stored again in
    /// the keychain, or wrapped under a new passphrase. The key file is rewritten atomically
    /// only after the key has been proven to open the database.
    pub fn restore(
        path: impl AsRef<Path>,
        recovery: &RecoveryKey,
        unlock: Unlock<'_>,
    ) -> Result<Vault> {
        let path = path.as_ref();
        let mut kf = Self::read_key_file(path)?;
        let key = kf.unwrap_with_recovery(recovery)?;
        if key.check_value() != kf.key_check {
            return Err(VaultError::WrongKey);
        }
        let conn = open_connection(path, Some(&key), false, true)?;
        match unlock {
            Unlock::Keychain(store) => {
                store.store(&kf.vault_id, &key)?;
                kf.custody = Custody::Keychain;
                kf.passphrase = None;
            }
            Unlock::Passphrase(p) => kf.set_passphrase(&key, p)?,
        }
        kf.write(&key_file_path(path), false)?;
        let mut v = Vault {
            conn,
            path: path.to_owned(),
            vault_id: kf.vault_id.clone(),
        };
        let custody = kf.custody;
        v.write(|tx, led| {
            let payload = serde_json::json!({ "custody": custody });
            led.append(tx, "custody.restored", &kf.vault_id, &json(&payload)?)?;
            Ok(())
        })?;
        tracing::info!(vault_id = %v.vault_id, custody = custody.name(), "vault restored with its recovery key");
        Ok(v)
    }

    /// How an existing vault's key is kept, read from its key file without any key: lets
    /// the app ask for a passphrase (or offer the recovery key) before trying to open.
    /// `None` when there is no vault at `path`.
    pub fn custody_of(path: impl AsRef<Path>) -> Result<Option<Custody>> {
        let path = path.as_ref();
        if !path.exists() {
            return Ok(None);
        }
        Ok(Some(Self::read_key_file(path)?.custody))
    }

    fn read_key_file(path: &Path) -> Result<KeyFile> {
        if !path.exists() {
            return Err(VaultError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no vault at this path"),
            ));
        }
        let kf_path = key_file_path(path);
        if !kf_path.exists() {
            let reason = match read_head(path)? {
                Some(h) if &h == b"SQLite format 3\0" => {
                    "it is an unencrypted SQLite database".to_owned()
                }
                _ => format!("its key file {} is missing", kf_path.display()),
            };
            return Err(VaultError::NotAVault {
                path: path.to_owned(),
                reason,
            });
        }
        let kf = KeyFile::read(&kf_path)?;
        check_header(path, &kf)?;
        Ok(kf)
    }

    /// An unencrypted database with the same schema and code paths, for benchmarks that
    /// compare against plain SQLite. Never use it for real data.
    #[doc(hidden)]
    pub fn __plaintext_for_benchmarks(path: impl AsRef<Path>) -> Result<Vault> {
        let path = path.as_ref();
        let conn = open_connection(path, None, true, false)?;
        Ok(Vault {
            conn,
            path: path.to_owned(),
            vault_id: "plaintext-benchmark".into(),
        })
    }

    /// Closes the database, checkpointing the WAL, and reports any error doing so.
    pub fn close(self) -> Result<()> {
        self.conn.close().map_err(|(_, e)| e.into())
    }

    /// The vault's id (the keychain entry's user name).
    pub fn id(&self) -> &str {
        &self.vault_id
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    // -----------------------------------------------------------------------------------------
    // Integrity

    /// Walks the ledger's hash chain; [`VaultError::LedgerBroken`] names the first bad entry.
    pub fn verify(&self) -> Result<ChainReport> {
        ledger::verify_chain(&self.conn)
    }

    /// Full check: SQLCipher's per-page HMACs (`cipher_integrity_check`), SQLite's
    /// `integrity_check`, then the ledger chain. Reads the whole file.
    pub fn check_integrity(&self) -> Result<ChainReport> {
        let mut problems = Vec::new();
        {
            let mut st = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                problems.push(r.get::<_, String>(0)?);
            }
        }
        // A page that fails its HMAC cannot be decrypted: SQLite's own check would stop on
        // it with a generic error instead of naming it, so report the damage found so far.
        if !problems.is_empty() {
            problems.truncate(5);
            return Err(VaultError::Corrupt {
                details: problems.join("; "),
            });
        }
        {
            let mut st = self.conn.prepare("PRAGMA integrity_check")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let line: String = r.get(0)?;
                if line != "ok" {
                    problems.push(line);
                }
            }
        }
        if !problems.is_empty() {
            problems.truncate(5);
            return Err(VaultError::Corrupt {
                details: problems.join("; "),
            });
        }
        self.verify()
    }

    /// Ledger entries after `after_seq`, oldest first, for export and offline verification;
    /// `prev_hash` is filled in from the preceding entry (zeros before the first).
    pub fn ledger_entries(&self, after_seq: i64, limit: usize) -> Result<Vec<LedgerEntry>> {
        let mut prev: [u8; 32] = if after_seq <= 0 {
            ledger::GENESIS_PREV_HASH
        } else {
            self.conn
                .prepare_cached("SELECT hash FROM ledger WHERE seq = ?1")?
                .query_row([after_seq], |r| blob32(r, 0))
                .optional()?
                .ok_or(VaultError::NotFound {
                    kind: "ledger entry",
                    id: after_seq.to_string(),
                })?
        };
        let mut st = self.conn.prepare_cached(
            "SELECT seq, at, kind, record_id, payload_digest, hash FROM ledger \
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut rows = st.query(rusqlite::params![after_seq, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let hash = blob32(r, 5)?;
            out.push(LedgerEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                record_id: r.get(3)?,
                payload_digest: blob32(r, 4)?,
                prev_hash: prev,
                hash,
            });
            prev = hash;
        }
        Ok(out)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction with a ledger appender: the records and
    /// their ledger entries commit together or not at all.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &mut Appender) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut led = Appender::begin(&tx, now_ms())?;
        let out = f(&tx, &mut led)?;
        tx.commit()?;
        Ok(out)
    }

    // -----------------------------------------------------------------------------------------
    // Lenders and signals

    /// Inserts or replaces a lender.
    pub fn upsert_lender(&mut self, l: &Lender) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO lenders (id, name, registration, contact, public_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, \
                 registration = excluded.registration, contact = excluded.contact, \
                 public_key = excluded.public_key",
            )?
            .execute(rusqlite::params![
                l.id,
                l.name,
                l.registration,
                l.contact,
                l.public_key
            ])?;
            led.append(tx, "lender.upsert", &l.id, &json(l)?)?;
            Ok(())
        })
    }

    pub fn lender(&self, id: &str) -> Result<Option<Lender>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, registration, contact, public_key FROM lenders WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Lender {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    registration: r.get(2)?,
                    contact: r.get(3)?,
                    public_key: r.get(4)?,
                })
            })
            .optional()?)
    }

    pub fn lenders(&self) -> Result<Vec<Lender>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, registration, contact, public_key FROM lenders ORDER BY name, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Lender {
                id: r.get(0)?,
                name: r.get(1)?,
                registration: r.get(2)?,
                contact: r.get(3)?,
                public_key: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Inserts or replaces a signal in the catalog.
    pub fn upsert_signal(&mut self, s: &Signal) -> Result<()> {
        let flags = json_str(&s.regulatory_flags)?;
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO signals (id, name, category, sensitivity, regulatory_flags) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET name = excluded.name, \
                 category = excluded.category, sensitivity = excluded.sensitivity, \
                 regulatory_flags = excluded.regulatory_flags",
            )?
            .execute(rusqlite::params![
                s.id,
                s.name,
                s.category,
                s.sensitivity,
                flags
            ])?;
            led.append(tx, "signal.upsert", &s.id, &json(s)?)?;
            Ok(())
        })
    }

    pub fn signals(&self) -> Result<Vec<Signal>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, category, sensitivity, regulatory_flags FROM signals ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Signal {
                id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                sensitivity: r.get(3)?,
                regulatory_flags: from_json(&r.get::<_, String>(4)?, 4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // -----------------------------------------------------------------------------------------
    // Consents

    /// Records a consent artefact; its id must be new.
    pub fn add_consent(&mut self, c: &Consent) -> Result<()> {
        let granted = json_str(&c.signals_granted)?;
        let denied = json_str(&c.signals_denied)?;
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO consents ({CONSENT_COLS}) VALUES \
                 (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"
            ))?
            .execute(rusqlite::params![
                c.id,
                c.lender_id,
                c.purpose_code,
                c.purpose_text,
                granted,
                denied,
                c.consent_start,
                c.consent_expiry,
                c.fetch_type,
                c.frequency.unit,
                c.frequency.value,
                c.data_life.unit,
                c.data_life.value,
                c.fi_data_range.map(|r| r.from),
                c.fi_data_range.map(|r| r.to),
                c.status,
                c.signed_artefact,
                c.artefact_signature
            ])?;
            led.append(tx, "consent.add", &c.id, &json(c)?)?;
            Ok(())
        })
    }

    /// Changes a consent's status (pause, resume, expire). Use [`Vault::revoke_consent`] to
    /// revoke, so the lender is told through the outbox.
    pub fn set_consent_status(&mut self, id: &str, status: ConsentStatus) -> Result<()> {
        if status == ConsentStatus::Revoked {
            return Err(VaultError::Invalid(
                "revoke through revoke_consent so the lender is notified".into(),
            ));
        }
        self.write(|tx, led| {
            let current: Option<ConsentStatus> = tx
                .prepare_cached("SELECT status FROM consents WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match current {
                None => {
                    return Err(VaultError::NotFound {
                        kind: "consent",
                        id: id.into(),
                    });
                }
                Some(ConsentStatus::Revoked) => {
                    return Err(VaultError::Invalid(
                        "a revoked consent stays revoked".into(),
                    ));
                }
                Some(_) => {}
            }
            tx.prepare_cached("UPDATE consents SET status = ?2 WHERE id = ?1")?
                .execute(rusqlite::params![id, status])?;
            let payload = serde_json::json!({ "id": id, "status": status });
            led.append(tx, "consent.status", id, &json(&payload)?)?;
            Ok(())
        })
    }

    pub fn consent(&self, id: &str) -> Result<Option<Consent>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONSENT_COLS} FROM consents WHERE id = ?1"
            ))?
            .query_row([id], consent_from_row)
            .optional()?)
    }

    /// A lender's consents, newest first.
    pub fn consents_for_lender(&self, lender_id: &str) -> Result<Vec<Consent>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {CONSENT_COLS} FROM consents WHERE lender_id = ?1 \
             ORDER BY consent_start DESC, id"
        ))?;
        let rows = st.query_map([lender_id], consent_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Revokes a consent in one transaction: status REVOKED, a revocation record, and an
    /// outbox message (with its idempotency key) that tells the lender.
    pub fn revoke_consent(
        &mut self,
        consent_id: &str,
        reason: Option<&str>,
    ) -> Result<(Revocation, OutboxItem)> {
        self.write(|tx, led| {
            let row: Option<(String, ConsentStatus)> = tx
                .prepare_cached("SELECT lender_id, status FROM consents WHERE id = ?1")?
                .query_row([consent_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (lender_id, status) = row.ok_or_else(|| VaultError::NotFound {
                kind: "consent",
                id: consent_id.into(),
            })?;
            if status == ConsentStatus::Revoked {
                return Err(VaultError::Invalid("the consent is already revoked".into()));
            }
            let now = now_ms();
            tx.prepare_cached("UPDATE consents SET status = 'REVOKED' WHERE id = ?1")?
                .execute([consent_id])?;
            let st = serde_json::json!({ "id": consent_id, "status": ConsentStatus::Revoked });
            led.append(tx, "consent.status", consent_id, &json(&st)?)?;
            let rev = Revocation {
                id: uuid::Uuid::new_v4().to_string(),
                consent_id: consent_id.into(),
                lender_id: lender_id.clone(),
                requested_at: now,
                reason: reason.map(Into::into),
            };
            tx.prepare_cached(
                "INSERT INTO revocations (id, consent_id, lender_id, requested_at, reason) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![
                rev.id,
                rev.consent_id,
                rev.lender_id,
                rev.requested_at,
                rev.reason
            ])?;
            led.append(tx, "revocation.add", &rev.id, &json(&rev)?)?;
            // AA ConsentStatusNotification shape.
            let body = serde_json::json!({
                "consentId": consent_id,
                "consentStatus": "REVOKED",
                "revocationId": rev.id,
                "timestamp": now,
            });
            let item = OutboxItem {
                id: uuid::Uuid::new_v4().to_string(),
                kind: OutboxKind::Revocation,
                record_id: rev.id.clone(),
                lender_id,
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                payload: body.to_string(),
                state: OutboxState::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
                receipt: None,
                created_at: now,
                updated_at: now,
            };
            insert_outbox(tx, led, &item)?;
            Ok((rev, item))
        })
    }

    // -----------------------------------------------------------------------------------------
    // Share events

    /// Records one disclosure; returns its id.
    pub fn record_event(&mut self, e: &NewShareEvent) -> Result<i64> {
        Ok(self.record_events(std::slice::from_ref(e))?[0])
    }

    /// Records many disclosures in one transaction (bulk ingest): all or none.
    pub fn record_events(&mut self, events: &[NewShareEvent]) -> Result<Vec<i64>> {
        self.write(|tx, led| {
            let mut ins = tx.prepare_cached(
                "INSERT INTO share_events (signal_id, lender_id, collected_at, purpose, \
                 consent_id, value_digest, onward_recipient, lender_signature) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut ids = Vec::with_capacity(events.len());
            let mut buf = Vec::with_capacity(512);
            let mut id_str = String::with_capacity(20);
            for e in events {
                ins.execute(rusqlite::params![
                    e.signal_id,
                    e.lender_id,
                    e.collected_at,
                    e.purpose,
                    e.consent_id,
                    &e.value_digest[..],
                    e.onward_recipient,
                    e.lender_signature
                ])?;
                let id = tx.last_insert_rowid();
                buf.clear();
                serde_json::to_writer(&mut buf, &EventPayload { id, event: e })?;
                id_str.clear();
                use std::fmt::Write;
                let _ = write!(id_str, "{id}");
                led.append(tx, "event.add", &id_str, &buf)?;
                ids.push(id);
            }
            tracing::trace!(count = events.len(), "share events recorded");
            Ok(ids)
        })
    }

    pub fn event(&self, id: i64) -> Result<Option<ShareEvent>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLS} FROM share_events WHERE id = ?1"
            ))?
            .query_row([id], event_from_row)
            .optional()?)
    }

    /// The newest `n` events of one lender (the first screen); served by an index.
    pub fn latest_events_for_lender(&self, lender_id: &str, n: usize) -> Result<Vec<ShareEvent>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLS} FROM share_events WHERE lender_id = ?1 \
             ORDER BY collected_at DESC, id DESC LIMIT ?2"
        ))?;
        let rows = st.query_map(rusqlite::params![lender_id, n as i64], event_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Events matching `filter`, newest first, `limit` per page. Pass the previous page's
    /// `next` as `after` for the following page (keyset pagination: stable under inserts,
    /// no OFFSET scans). Lender or signal filters use an index; a date-only filter scans.
    pub fn events(
        &self,
        filter: &EventFilter,
        after: Option<EventCursor>,
        limit: usize,
    ) -> Result<EventPage> {
        use rusqlite::types::Value;
        // One WHERE builder for every event query (see `engine_store::event_where`).
        let (clause, mut params) = engine_store::event_where(filter, None, after);
        params.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT {EVENT_COLS} FROM share_events WHERE {clause} \
             ORDER BY collected_at DESC, id DESC LIMIT ?{}",
            params.len()
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let events: Vec<ShareEvent> = st
            .query_map(rusqlite::params_from_iter(params), event_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let next = if events.len() == limit && limit > 0 {
            events.last().map(|e| EventCursor {
                collected_at: e.event.collected_at,
                id: e.id,
            })
        } else {
            None
        };
        Ok(EventPage { events, next })
    }

    /// Number of recorded events.
    pub fn event_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT n FROM row_counts WHERE name = 'share_events'",
            [],
            |r| r.get(0),
        )?)
    }

    // -----------------------------------------------------------------------------------------
    // Offers

    /// Records an offer or decision with its explanation.
    pub fn add_offer(&mut self, o: &Offer) -> Result<()> {
        let contributions = json_str(&o.explanation.contributions)?;
        let reasons = json_str(&o.explanation.reason_codes)?;
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO offers ({OFFER_COLS}) VALUES \
                 (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"
            ))?
            .execute(rusqlite::params![
                o.id,
                o.lender_id,
                o.consent_id,
                o.received_at,
                o.decision,
                o.amount_minor,
                o.currency,
                o.apr_bps,
                o.tenure_months,
                o.explanation.method,
                o.explanation.baseline,
                o.explanation.score,
                contributions,
                reasons,
                o.signature
            ])?;
            led.append(tx, "offer.add", &o.id, &json(o)?)?;
            Ok(())
        })
    }

    pub fn offer(&self, id: &str) -> Result<Option<Offer>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {OFFER_COLS} FROM offers WHERE id = ?1"))?
            .query_row([id], offer_from_row)
            .optional()?)
    }

    /// A lender's offers, newest first.
    pub fn offers_for_lender(&self, lender_id: &str) -> Result<Vec<Offer>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {OFFER_COLS} FROM offers WHERE lender_id = ?1 ORDER BY received_at DESC, id"
        ))?;
        let rows = st.query_map([lender_id], offer_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // -----------------------------------------------------------------------------------------
    // Rights requests

    /// Files a rights request and queues it for delivery in one transaction.
    pub fn add_rights_request(
        &mut self,
        lender_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        due_at: Option<i64>,
    ) -> Result<(RightsRequest, OutboxItem)> {
        self.write(|tx, led| {
            let now = now_ms();
            let req = RightsRequest {
                id: uuid::Uuid::new_v4().to_string(),
                lender_id: lender_id.into(),
                kind,
                status: RightsStatus::Pending,
                ticket: None,
                details: details.map(Into::into),
                created_at: now,
                due_at,
            };
            tx.prepare_cached(&format!(
                "INSERT INTO rights_requests ({RIGHTS_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"
            ))?
            .execute(rusqlite::params![
                req.id,
                req.lender_id,
                req.kind.as_str(),
                req.status.as_str(),
                req.ticket,
                req.details,
                req.created_at,
                req.due_at
            ])?;
            led.append(tx, "rights.add", &req.id, &json(&req)?)?;
            let body = serde_json::json!({
                "requestId": req.id, "kind": req.kind, "details": req.details, "dueAt": req.due_at,
            });
            let item = OutboxItem {
                id: uuid::Uuid::new_v4().to_string(),
                kind: OutboxKind::RightsRequest,
                record_id: req.id.clone(),
                lender_id: lender_id.into(),
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                payload: body.to_string(),
                state: OutboxState::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
                receipt: None,
                created_at: now,
                updated_at: now,
            };
            insert_outbox(tx, led, &item)?;
            Ok((req, item))
        })
    }

    /// Updates a rights request's status and, once known, the lender's ticket.
    pub fn set_rights_status(
        &mut self,
        id: &str,
        status: RightsStatus,
        ticket: Option<&str>,
    ) -> Result<()> {
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(
                    "UPDATE rights_requests SET status = ?2, ticket = COALESCE(?3, ticket) \
                     WHERE id = ?1",
                )?
                .execute(rusqlite::params![id, status.as_str(), ticket])?;
            if n == 0 {
                return Err(VaultError::NotFound {
                    kind: "rights request",
                    id: id.into(),
                });
            }
            let payload = serde_json::json!({ "id": id, "status": status, "ticket": ticket });
            led.append(tx, "rights.status", id, &json(&payload)?)?;
            Ok(())
        })
    }

    pub fn rights_requests(&self, lender_id: Option<&str>) -> Result<Vec<RightsRequest>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {RIGHTS_COLS} FROM rights_requests WHERE ?1 IS NULL OR lender_id = ?1 \
             ORDER BY created_at DESC, id"
        ))?;
        let rows = st.query_map([lender_id], rights_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    // -----------------------------------------------------------------------------------------
    // Outbox

    /// Messages to (re)send now: pending ones whose backoff has passed, and sent ones whose
    /// acknowledgement is overdue (at-least-once delivery; lenders de-duplicate by key).
    pub fn due_outbox(&self, now: i64, limit: usize) -> Result<Vec<OutboxItem>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE state IN ('pending', 'sent') \
             AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let rows = st.query_map(rusqlite::params![now, limit as i64], outbox_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?1"))?
            .query_row([id], outbox_from_row)
            .optional()?)
    }

    fn update_outbox(
        &mut self,
        id: &str,
        kind: &str,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<OutboxItem> {
        self.write(|tx, led| {
            let n = tx.prepare_cached(sql)?.execute(params)?;
            if n == 0 {
                return Err(VaultError::NotFound {
                    kind: "outbox item in a state that allows this",
                    id: id.into(),
                });
            }
            let item = tx
                .prepare_cached(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?1"))?
                .query_row([id], outbox_from_row)?;
            led.append(tx, kind, id, &json(&item)?)?;
            Ok(item)
        })
    }

    /// The message was handed to the lender; if no acknowledgement arrives by
    /// `ack_due_at` it becomes due again.
    pub fn mark_outbox_sent(&mut self, id: &str, ack_due_at: i64) -> Result<OutboxItem> {
        let now = now_ms();
        self.update_outbox(
            id,
            "outbox.sent",
            "UPDATE outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = ?2, \
             last_error = NULL, updated_at = ?3 WHERE id = ?1 AND state != 'acknowledged'",
            &[&id, &ack_due_at, &now],
        )
    }

    /// Delivery failed; retry at `next_attempt_at` (the caller picks it with full jitter).
    pub fn mark_outbox_failed(
        &mut self,
        id: &str,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<OutboxItem> {
        let now = now_ms();
        self.update_outbox(
            id,
            "outbox.failed",
            "UPDATE outbox SET state = 'pending', attempts = attempts + 1, \
             next_attempt_at = ?2, last_error = ?3, updated_at = ?4 \
             WHERE id = ?1 AND state != 'acknowledged'",
            &[&id, &next_attempt_at, &error, &now],
        )
    }

    /// The lender acknowledged; keeps its signed receipt.
    pub fn mark_outbox_acknowledged(&mut self, id: &str, receipt: &[u8]) -> Result<OutboxItem> {
        let now = now_ms();
        self.update_outbox(
            id,
            "outbox.ack",
            "UPDATE outbox SET state = 'acknowledged', receipt = ?2, last_error = NULL, \
             updated_at = ?3 WHERE id = ?1 AND state != 'acknowledged'",
            &[&id, &receipt, &now],
        )
    }

    /// Runs SQL against the underlying connection. For the crate's tests and benchmarks
    /// (e.g. `EXPLAIN QUERY PLAN`, simulating tampering); not for application code.
    #[doc(hidden)]
    pub fn __connection(&self) -> &Connection {
        &self.conn
    }
}
