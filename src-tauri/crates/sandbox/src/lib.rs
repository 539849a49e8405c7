//! Khata's sandbox lender: the whole lending contract (openapi.yaml in `khata-lending`) over
//! axum, scored by a real points scorecard, with deterministic scenarios and fault injection.
//! The `khata sandbox` command runs it; tests embed it with [`start`], and the desktop app's
//! engine starts it through `launcher::Launcher` (feature `engine`).
//!
//! State (consents, receipts, idempotency keys, disclosures and their Merkle log, offers,
//! grants) lives in SQLite in the state directory, next to the lender's Ed25519 key, so a
//! restart on the same directory loses no revocation, replays idempotent responses and keeps
//! old signatures valid.

pub mod api;
pub mod catalog_texts;
pub mod faults;
pub mod kfs;
#[cfg(feature = "engine")]
pub mod launcher;
pub mod log;
pub mod oauth;
pub mod phone_report;
pub mod scenario;
pub mod scorecard;
pub mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use khata_lending::signing::LenderKey;
use rand::SeedableRng as _;
use rand::rngs::StdRng;

pub use faults::Faults;
pub use scenario::Scenario;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// 0 picks a free port. The sandbox always binds 127.0.0.1.
    pub port: u16,
    pub scenario: Scenario,
    /// Seeds fault draws and value digests.
    pub seed: u64,
    /// Faults on top of the scenario's defaults.
    pub faults: Option<Faults>,
    /// Where the SQLite file and signing key live; a fresh temporary directory when `None`
    /// (deleted when the sandbox is dropped).
    pub state_dir: Option<PathBuf>,
    /// A pre-registered bearer token (for conformance runs and tests); never use outside a
    /// sandbox.
    pub dev_token: Option<String>,
    /// The bearer token the admin routes (`/_sandbox/…`) require; a random one when `None`
    /// ([`RunningSandbox::admin_token`] tells it).
    pub admin_token: Option<String>,
    /// Run a collection round this often (like a lender's periodic fetch); off when `None`.
    pub collect_every: Option<Duration>,
    /// The lender id its discovery document claims; [`DEFAULT_LENDER_ID`] when `None` (tests
    /// that need two distinct lenders at once give the second another).
    pub lender_id: Option<String>,
    /// On a state directory started before, play the scenario it was first started with rather
    /// than `scenario` (the app's built-in lender: the scenario a tester picked stays after a
    /// restart).
    pub keep_first_scenario: bool,
}

/// The sandbox lender's id unless [`SandboxConfig::lender_id`] says otherwise.
pub const DEFAULT_LENDER_ID: &str = "khata-sandbox-lender";

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            scenario: Scenario::SalariedGood,
            seed: 42,
            faults: None,
            state_dir: None,
            dev_token: None,
            admin_token: None,
            collect_every: None,
            lender_id: None,
            keep_first_scenario: false,
        }
    }
}

/// A running sandbox. Dropping it without [`RunningSandbox::shutdown`] stops the server too.
pub struct RunningSandbox {
    base_url: String,
    addr: SocketAddr,
    state_dir: PathBuf,
    admin_token: String,
    inner: api::Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    collector: Option<tokio::task::JoinHandle<()>>,
    _tmp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("base_url", &self.base_url)
            .field("state_dir", &self.state_dir)
            .finish_non_exhaustive()
    }
}

impl RunningSandbox {
    /// e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// The bearer token the admin routes (`/_sandbox/…`) require: the configured one, or the
    /// random one made at start.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    pub fn key_id(&self) -> &str {
        &self.inner.signing_key().key_id
    }

    /// Changes faults at run time (same as `PUT /_sandbox/faults`).
    pub fn set_faults(&self, faults: Faults) {
        *self.inner.faults.write().expect("faults lock") = faults;
    }

    pub fn faults(&self) -> Faults {
        self.inner.faults.read().expect("faults lock").clone()
    }

    /// Runs one collection round now; returns how many disclosures were appended.
    pub fn collect(&self) -> anyhow::Result<usize> {
        api::collect_round(&self.inner)
            .map_err(|r| anyhow::anyhow!("collection failed: {}", r.status()))
    }

    /// The phone report of what this lender's app did, from its state and clock now (same as
    /// `GET /_sandbox/phone-report?format=…`).
    pub fn phone_report(&self, format: phone_report::ReportFormat) -> anyhow::Result<Vec<u8>> {
        let input = phone_report::from_running(&self.inner, api::now())?;
        Ok(phone_report::render(&input, format))
    }

    /// Hands the lender to a new borrower: the current one's consents, offers, rights requests
    /// and tokens are forgotten, a new customer id gets the scenario's consent request, and the
    /// disclosure log stays whole (`api::next_borrower`). Returns the new customer id.
    pub fn next_borrower(&self) -> anyhow::Result<String> {
        api::next_borrower(&self.inner)
    }

    /// Appends `count` signed, consented disclosures at once (for sync/export benchmarks);
    /// needs a decided consent. Blocking: call from `spawn_blocking` for large counts.
    pub fn seed_disclosures(&self, count: u64) -> anyhow::Result<u64> {
        api::seed_disclosures(&self.inner, count)
            .map_err(|r| anyhow::anyhow!("seeding failed: {}", r.status()))
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for the server.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(c) = self.collector.take() {
            c.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.context("sandbox server task")?;
        }
        Ok(())
    }

    /// Resolves when the server stops (it only stops on shutdown or a fatal error).
    pub async fn wait(mut self) -> anyhow::Result<()> {
        if let Some(task) = self.task.take() {
            task.await.context("sandbox server task")?;
        }
        Ok(())
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(c) = self.collector.take() {
            c.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The lender's Ed25519 signing key (its 32-byte seed in hex) in a state directory. Copying it
/// into another state directory before its first start makes a second sandbox sign as the same
/// lender (pool generation's lender that shows two histories).
pub const KEY_FILE: &str = "lender-ed25519.key";
/// The sandbox's database in its state directory.
pub(crate) const DB_FILE: &str = "sandbox.sqlite3";

/// Loads the lender's signing key from the state directory, creating it on first start.
fn load_or_create_key(dir: &Path) -> anyhow::Result<LenderKey> {
    let path = dir.join(KEY_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let bytes = hex::decode(text.trim()).context("signing key file is not hex")?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("signing key file does not hold 32 bytes"))?;
        return Ok(LenderKey::from_seed(&seed));
    }
    let key = LenderKey::generate();
    let tmp = dir.join(format!("{KEY_FILE}.tmp"));
    std::fs::write(&tmp, hex::encode(key.seed()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(key)
}

/// Starts a sandbox lender on 127.0.0.1 and returns once it accepts connections.
pub async fn start(config: SandboxConfig) -> anyhow::Result<RunningSandbox> {
    let (state_dir, tmp) = match &config.state_dir {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            (d.clone(), None)
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("khata-sandbox-")
                .tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let key = load_or_create_key(&state_dir)?;
    let conn = store::open(&state_dir.join(DB_FILE)).context("opening the sandbox database")?;
    let log = log::Log::load(&conn).context("loading the disclosure log")?;
    let mut config = config;
    if config.keep_first_scenario
        && let Some(first) = store::meta_get(&conn, "scenario")?
    {
        config.scenario = first.parse().map_err(anyhow::Error::msg)?;
    }

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{}", config.port))?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");

    let mut faults = config.scenario.default_faults();
    if let Some(f) = &config.faults {
        // Explicit faults override the scenario's, field by field where set.
        let d = Faults::default();
        if f.latency_ms != d.latency_ms {
            faults.latency_ms = f.latency_ms;
        }
        if f.drop_next > 0 {
            faults.drop_next = f.drop_next;
        }
        if f.withhold_disclosures > 0 {
            faults.withhold_disclosures = f.withhold_disclosures;
        }
        if f.endless_pages > 0 {
            faults.endless_pages = f.endless_pages;
        }
        if f.foreign_origin.is_some() {
            faults.foreign_origin = f.foreign_origin.clone();
        }
        faults.future_receipts |= f.future_receipts;
        faults.receipt_keeps_active |= f.receipt_keeps_active;
        faults.widen_consent |= f.widen_consent;
        faults.never_acknowledge |= f.never_acknowledge;
        if f.claim_lender_id.is_some() {
            faults.claim_lender_id = f.claim_lender_id.clone();
        }
        if f.reuse_consent_id.is_some() {
            faults.reuse_consent_id = f.reuse_consent_id.clone();
        }
        if f.rotate_key != faults::KeyRotation::None {
            faults.rotate_key = f.rotate_key;
        }
        faults.hide_rbi_flags |= f.hide_rbi_flags;
        faults.forked_history |= f.forked_history;
        faults.drop_leaf |= f.drop_leaf;
        faults.reorder_leaves |= f.reorder_leaves;
        faults.contract_v1 |= f.contract_v1;
        for (dst, src) in [
            (&mut faults.error_rate, f.error_rate),
            (&mut faults.drop_after_commit, f.drop_after_commit),
            (&mut faults.malformed_json, f.malformed_json),
            (&mut faults.oversize_body, f.oversize_body),
            (&mut faults.hostile_problems, f.hostile_problems),
        ] {
            if src > 0.0 {
                *dst = src;
            }
        }
    }
    faults.validate().map_err(anyhow::Error::msg)?;
    let admin_token = match &config.admin_token {
        Some(t) if t.trim().is_empty() || t.trim() != t => {
            anyhow::bail!("the admin token must not be empty or start or end with spaces")
        }
        Some(t) => t.clone(),
        None => khata_lending::oauth::random_token(32),
    };

    let rotated_key = {
        use sha2::Digest as _;
        let seed: [u8; 32] = sha2::Sha256::new()
            .chain_update(b"khata-sandbox rotated key v1\0")
            .chain_update(key.seed())
            .finalize()
            .into();
        LenderKey::from_seed(&seed)
    };
    let inner = Arc::new(api::Inner {
        db: Mutex::new(conn),
        log: Mutex::new(log),
        rotated_key,
        lender_id: config
            .lender_id
            .clone()
            .unwrap_or_else(|| DEFAULT_LENDER_ID.into()),
        key,
        base_url: base_url.clone(),
        port: addr.port(),
        admin_token_digest: api::token_digest(&admin_token),
        scenario: config.scenario,
        seed: config.seed,
        rng: Mutex::new(StdRng::seed_from_u64(config.seed)),
        faults: RwLock::new(faults),
        clock_offset_ms: std::sync::atomic::AtomicI64::new(0),
    });
    initialise(&inner, &config)?;

    let app = api::router(inner.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    let collector = config.collect_every.map(|every| {
        let inner = inner.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(r) = api::collect_round(&inner) {
                    tracing::warn!(status = %r.status(), "collection round failed");
                }
            }
        })
    });
    tracing::info!(%base_url, scenario = %config.scenario, state = %state_dir.display(), "sandbox lender listening");
    Ok(RunningSandbox {
        base_url,
        addr,
        state_dir,
        admin_token,
        inner,
        shutdown: Some(tx),
        task: Some(task),
        collector,
        _tmp: tmp,
    })
}

/// First start on a state directory: a customer id and the scenario's consent request.
fn initialise(inner: &api::Inner, config: &SandboxConfig) -> anyhow::Result<()> {
    let db = inner.db.lock().expect("db lock");
    if store::meta_get(&db, "customer_id")?.is_none() {
        store::meta_set(
            &db,
            "customer_id",
            &format!("cust-{}", uuid::Uuid::new_v4()),
        )?;
        store::meta_set(&db, "scenario", config.scenario.name())?;
        api::create_consent_request(inner, &db, config.scenario.requested_signals(), None, None)?;
    }
    if let Some(t) = &config.dev_token {
        api::insert_token(&db, t, "access", 365 * 24 * 3600)?;
    }
    Ok(())
}
