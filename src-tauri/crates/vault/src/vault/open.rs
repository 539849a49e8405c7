//! Opening a vault: creating one with its key file, opening it with the keychain or a
//! passphrase, restoring it with the recovery key, and the SQLCipher connection every path
//! shares. Nothing here writes records except the ledger entries that say a vault was created
//! or restored.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OpenFlags};

use super::{Vault, json};
use crate::error::{Result, VaultError};
use crate::keys::{Custody, DataKey, KeyFile, KeyStore, RecoveryKey, key_file_path};
use crate::schema;

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

fn sidecar_paths(path: &Path) -> [PathBuf; 3] {
    let s = path.as_os_str();
    let mut wal = s.to_owned();
    wal.push("-wal");
    let mut shm = s.to_owned();
    shm.push("-shm");
    [path.to_owned(), wal.into(), shm.into()]
}

/// Whether vaults opened from now on switch SQLCipher's memory security on (see
/// [`Vault::__memory_security_for_benchmarks`]).
static MEMORY_SECURITY: AtomicBool = AtomicBool::new(false);

/// The most page cache the vault's connection keeps, in KiB (`PRAGMA cache_size = -KiB`).
pub(super) const PAGE_CACHE_KIB: u32 = 64 * 1024;

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
        // `cipher_memory_security` stays off (SQLCipher's default since 4.5): the key and the
        // decrypted pages are in the process's memory while the vault is open whichever way,
        // and wiping and mlocking every allocation halved bulk ingest. The reasoning is in
        // docs/security.md, the measurements in docs/BENCHMARKS.md. Only the benchmark turns
        // it on, to measure it (it is process-wide and cannot be turned off again).
        if MEMORY_SECURITY.load(Ordering::Relaxed) {
            conn.execute_batch("PRAGMA cipher_memory_security = ON;")?;
        }
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
    // 64 MiB of page cache at most instead of SQLite's 2 MiB (pages are allocated as they
    // are read, so opening a vault costs no more). The bundled SQLite is built with memory
    // management: every connection in the process shares one page-cache group, and once the
    // group holds more pages than the connections' sizes add up to, each page a statement
    // lets go of is freed at once. With the sandbox lender's database in the same process, a
    // log sync re-read (and decrypted) the pages every insert looks up, about four per leaf;
    // at 8 MiB it still did at 200,000 leaves (docs/BENCHMARKS.md, "Contract v2 at 1M
    // disclosures, end to end").
    conn.execute_batch(&format!("PRAGMA cache_size = -{PAGE_CACHE_KIB};"))?;

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

impl Vault {
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

    /// Makes every vault opened afterwards in this process switch SQLCipher's
    /// `cipher_memory_security` on, so the benchmark can measure what it costs. Process-wide
    /// and one-way (SQLCipher cannot turn it off again). Not for application code.
    #[doc(hidden)]
    pub fn __memory_security_for_benchmarks() {
        MEMORY_SECURITY.store(true, Ordering::Relaxed);
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
}
