//! The engine facade: open the vault, connect lenders, sync, decide, revoke through the outbox,
//! and read everything back for the UI — offline-first, from the vault.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use khata_lending::types as wire;
use khata_lending::{ClientConfig, KeyRing, LendingClient};
use khata_sandbox::{Faults, RunningSandbox, SandboxConfig, Scenario};
use khata_vault::{
    ConsentStatus, KeyStore, LenderDisclosure, LenderLink, Statement, StoredConsentRequest, Vault,
    now_ms,
};
use serde_json::Value;

use crate::convert::{self, Catalog};
use crate::custody::{CustodyView, VaultProbe, VaultUnlock};
use crate::error::{EngineError, Result};
use crate::tokens::TokenStore;
use crate::views::*;

/// File name of the vault inside the data directory.
pub const VAULT_FILE: &str = "khata.vault";
/// Folder of the built-in sandbox lender's state inside the data directory.
pub const SANDBOX_DIR: &str = "sandbox-lender";
/// The built-in sandbox's lender id.
pub const SANDBOX_LENDER_ID: &str = "khata-sandbox-lender";

/// How to open an engine.
#[derive(Clone)]
pub struct EngineConfig {
    /// Where the vault (and the sandbox lender's state) live.
    pub data_dir: PathBuf,
    /// The keychain holding the vault key; `None` uses the OS keychain
    /// ([`khata_vault::KeyringStore`]).
    pub key_store: Option<Arc<dyn KeyStore>>,
    /// How the vault key is unlocked: keychain (default), passphrase or recovery key.
    pub unlock: VaultUnlock,
    /// Lender tokens; `None` uses the OS keychain ([`crate::KeyringTokenStore`]).
    pub token_store: Option<Arc<dyn TokenStore>>,
    /// Scenario of the built-in sandbox lender on its first start.
    pub sandbox_scenario: Scenario,
    /// Faults injected into the built-in sandbox (tests and demos).
    pub sandbox_faults: Option<Faults>,
    /// Restart the built-in sandbox on open when one was connected before.
    pub start_sandbox_on_open: bool,
    /// OAuth client id presented to lenders.
    pub client_id: String,
    pub client: ClientConfig,
    /// Full-jitter backoff of outbox retries: `random(0, min(cap, base · 2^attempt))`.
    pub outbox_backoff_base: Duration,
    pub outbox_backoff_cap: Duration,
}

impl EngineConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            key_store: None,
            unlock: VaultUnlock::Keychain,
            token_store: None,
            sandbox_scenario: Scenario::SalariedGood,
            sandbox_faults: None,
            start_sandbox_on_open: true,
            client_id: "khata-desktop".into(),
            client: ClientConfig::default(),
            outbox_backoff_base: Duration::from_secs(2),
            outbox_backoff_cap: Duration::from_secs(600),
        }
    }

    pub fn vault_path(&self) -> PathBuf {
        self.data_dir.join(VAULT_FILE)
    }
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("data_dir", &self.data_dir)
            .field("sandbox_scenario", &self.sandbox_scenario)
            .finish_non_exhaustive()
    }
}

/// The engine. `Send + Sync`; share it in an `Arc`.
pub struct Engine {
    pub(crate) vault: Arc<Mutex<Option<Vault>>>,
    custody: CustodyView,
    pub(crate) cfg: EngineConfig,
    tokens: Arc<dyn TokenStore>,
    clients: tokio::sync::Mutex<HashMap<String, LendingClient>>,
    sandbox: tokio::sync::Mutex<Option<RunningSandbox>>,
    pub(crate) deliver_lock: tokio::sync::Mutex<()>,
    /// The last timeline total: (filter, newest event id then, total). Disclosures are only
    /// appended, so the count stays right while the newest id is unchanged; this spares a
    /// full count on every page of a large timeline.
    count_cache: Arc<Mutex<Option<(String, i64, i64)>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("data_dir", &self.cfg.data_dir)
            .finish_non_exhaustive()
    }
}

/// Canonical bytes of a typed lender statement, after checking that its signature verifies on
/// exactly those bytes (so an offline verifier can check it again).
pub(crate) fn signed_bytes<T: serde::Serialize>(keys: &KeyRing, t: &T) -> Result<(Value, Vec<u8>)> {
    let v = serde_json::to_value(t)?;
    keys.verify_value(&v)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    let bytes = khata_lending::signing::canonical_json(&v)
        .map_err(|e| EngineError::SignatureInvalid(e.to_string()))?;
    Ok((v, bytes))
}

pub(crate) fn sig_bytes(s: &wire::Signature) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&s.value)
        .ok()
}

impl Engine {
    /// Opens the vault in `config.data_dir`, creating it on first run. On first run the
    /// recovery key is returned (display form) to be shown once; it is never stored.
    pub async fn open(mut config: EngineConfig) -> Result<(Engine, Option<String>)> {
        std::fs::create_dir_all(&config.data_dir)?;
        // The engine keeps no copy of a typed secret once the vault is open.
        let unlock = std::mem::take(&mut config.unlock);
        let key_store: Arc<dyn KeyStore> = match &config.key_store {
            Some(k) => k.clone(),
            None => default_key_store()?,
        };
        let custody = unlock.resulting_custody();
        let tokens: Arc<dyn TokenStore> = match (&config.token_store, custody) {
            (Some(t), _) => t.clone(),
            (None, CustodyView::Keychain) => default_token_store()?,
            // No keychain to hold lender tokens: keep them for this session only (a real
            // lender asks to be connected again after a restart) rather than in a file.
            (None, CustodyView::Passphrase) => Arc::new(crate::tokens::MemoryTokenStore::default()),
        };
        let path = config.vault_path();
        let (vault, recovery) = tokio::task::spawn_blocking(move || {
            crate::custody::open_vault(&path, &unlock, key_store.as_ref())
        })
        .await??;
        let engine = Engine {
            vault: Arc::new(Mutex::new(Some(vault))),
            custody,
            cfg: config,
            tokens,
            clients: tokio::sync::Mutex::new(HashMap::new()),
            sandbox: tokio::sync::Mutex::new(None),
            deliver_lock: tokio::sync::Mutex::new(()),
            count_cache: Arc::new(Mutex::new(None)),
        };
        // Messages left "sent" by a previous run never got their receipt: due again now
        // (same idempotency key, so the lender replays rather than repeats).
        engine
            .with_vault(|v| {
                let now = now_ms();
                for item in v.due_outbox(i64::MAX, 10_000)? {
                    if item.state == khata_vault::OutboxState::Sent {
                        v.mark_outbox_failed(&item.id, "interrupted before the receipt", now)?;
                    }
                }
                Ok(())
            })
            .await?;
        if engine.cfg.start_sandbox_on_open {
            let has_sandbox = engine
                .with_vault(|v| Ok(v.lender_links()?.iter().any(|l| l.is_sandbox)))
                .await?;
            if has_sandbox && let Err(e) = engine.ensure_sandbox().await {
                tracing::warn!(error = %e, "could not restart the sandbox lender");
            }
        }
        Ok((engine, recovery))
    }

    /// Whether a vault exists in `data_dir` and how its key is kept, without opening it.
    pub fn probe(data_dir: &Path) -> Result<VaultProbe> {
        crate::custody::probe(&data_dir.join(VAULT_FILE))
    }

    /// Where this engine's vault key is kept.
    pub fn custody(&self) -> CustodyView {
        self.custody
    }

    /// Stops the sandbox and closes the vault (checkpointing its WAL).
    pub async fn close(self) {
        if let Some(sb) = self.sandbox.lock().await.take() {
            let _ = sb.shutdown().await;
        }
        let vault = self.vault.lock().ok().and_then(|mut g| g.take());
        if let Some(v) = vault {
            let _ = tokio::task::spawn_blocking(move || v.close()).await;
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.cfg.data_dir
    }

    /// The built-in sandbox's base URL, when it runs.
    pub async fn sandbox_url(&self) -> Option<String> {
        self.sandbox
            .lock()
            .await
            .as_ref()
            .map(|s| s.base_url().to_string())
    }

    /// Changes the built-in sandbox's faults at run time (tests and demos).
    pub async fn set_sandbox_faults(&self, faults: Faults) -> Result<()> {
        match self.sandbox.lock().await.as_ref() {
            Some(sb) => {
                sb.set_faults(faults);
                Ok(())
            }
            None => Err(EngineError::NotFound(
                "the sandbox lender is not running".into(),
            )),
        }
    }

    /// Runs one collection round at the built-in sandbox (tests and demos).
    pub async fn sandbox_collect(&self) -> Result<usize> {
        match self.sandbox.lock().await.as_ref() {
            Some(sb) => sb
                .collect()
                .map_err(|e| EngineError::Internal(e.to_string())),
            None => Err(EngineError::NotFound(
                "the sandbox lender is not running".into(),
            )),
        }
    }

    /// Stops the built-in sandbox (tests: the lender goes down).
    pub async fn stop_sandbox(&self) {
        if let Some(sb) = self.sandbox.lock().await.take() {
            let _ = sb.shutdown().await;
        }
        self.clients.lock().await.remove(SANDBOX_LENDER_ID);
    }

    /// Runs `f` on the vault on the blocking pool; the mutex is never held across an await.
    pub(crate) async fn with_vault<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Vault) -> Result<T> + Send + 'static,
    {
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = vault
                .lock()
                .map_err(|_| EngineError::Internal("the vault lock was poisoned".into()))?;
            let v = guard
                .as_mut()
                .ok_or_else(|| EngineError::VaultLocked("the engine is closed".into()))?;
            f(v)
        })
        .await?
    }

    // -----------------------------------------------------------------------------------------
    // Lenders

    /// Starts the built-in sandbox (if not running) on a new port with its kept state, and
    /// points its stored link at the new address. Returns its base URL.
    async fn ensure_sandbox(&self) -> Result<String> {
        let mut guard = self.sandbox.lock().await;
        if let Some(sb) = guard.as_ref() {
            return Ok(sb.base_url().to_string());
        }
        let sb = khata_sandbox::start(SandboxConfig {
            scenario: self.cfg.sandbox_scenario,
            faults: self.cfg.sandbox_faults.clone(),
            state_dir: Some(self.cfg.data_dir.join(SANDBOX_DIR)),
            ..SandboxConfig::default()
        })
        .await
        .map_err(|e| EngineError::Internal(format!("the sandbox lender did not start: {e}")))?;
        let url = sb.base_url().to_string();
        *guard = Some(sb);
        drop(guard);
        self.clients.lock().await.remove(SANDBOX_LENDER_ID);
        // Re-point an existing link at the new port; keys must be the ones pinned before.
        let existing = self
            .with_vault(|v| Ok(v.lender_link(SANDBOX_LENDER_ID)?))
            .await?;
        if let Some(mut link) = existing {
            let client = LendingClient::connect(&url, self.cfg.client.clone()).await?;
            let disc = client.discovery().clone();
            let old: wire::Discovery = serde_json::from_str(&link.discovery)?;
            let old_ids: HashSet<_> = old.keys.iter().map(|k| &k.key_id).collect();
            if !disc.keys.iter().any(|k| old_ids.contains(&k.key_id)) {
                return Err(EngineError::SignatureInvalid(
                    "the sandbox lender's signing key changed since it was connected".into(),
                ));
            }
            link.api_base = disc.api_base.clone();
            link.discovery = serde_json::to_string(&disc)?;
            link.reachable = true;
            self.with_vault(move |v| Ok(v.upsert_lender_link(&link)?))
                .await?;
        }
        Ok(url)
    }

    /// Records a lender and how to reach it (keeping an existing sync cursor).
    async fn record_lender(&self, disc: &wire::Discovery, is_sandbox: bool) -> Result<LenderView> {
        let disc = disc.clone();
        self.with_vault(move |v| {
            let public_key = disc.keys.first().and_then(|k| {
                use base64::Engine as _;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(&k.public_key)
                    .ok()
            });
            v.upsert_lender(&khata_vault::Lender {
                id: disc.lender_id.clone(),
                name: disc.name.clone(),
                registration: None,
                contact: None,
                public_key,
            })?;
            let prev = v.lender_link(&disc.lender_id)?;
            let link = LenderLink {
                lender_id: disc.lender_id.clone(),
                api_base: disc.api_base.clone(),
                discovery: serde_json::to_string(&disc)?,
                is_sandbox,
                sync_cursor: prev.as_ref().and_then(|p| p.sync_cursor.clone()),
                last_sync_at: prev.as_ref().and_then(|p| p.last_sync_at),
                reachable: true,
            };
            v.upsert_lender_link(&link)?;
            Ok(convert::lender_view(&disc.name, &link))
        })
        .await
    }

    /// Starts the built-in sandbox lender in-process on 127.0.0.1 (state kept in the data
    /// directory), connects to it, completes OAuth without a browser and records the lender.
    pub async fn connect_sandbox(
        &self,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<LenderView> {
        let step = |phase: &str, done| {
            progress(Progress {
                task: "connect".into(),
                phase: phase.into(),
                done,
                total: Some(3),
            })
        };
        step("starting", 0);
        let url = self.ensure_sandbox().await?;
        step("discovery", 1);
        let client = LendingClient::connect(&url, self.cfg.client.clone()).await?;
        step("authorising", 2);
        let tok = client.authorize_headless(&self.cfg.client_id).await?;
        let client = client.with_access_token(tok.access_token);
        let view = self.record_lender(client.discovery(), true).await?;
        self.clients.lock().await.insert(view.id.clone(), client);
        step("connected", 3);
        Ok(view)
    }

    /// Connects a real lender: discovery (keys pinned), OAuth with PKCE through the system
    /// browser (`open_browser` is handed the authorize URL), tokens into the OS keychain.
    pub async fn connect<F, Fut>(&self, lender_url: &str, open_browser: F) -> Result<LenderView>
    where
        F: FnOnce(url::Url) -> Fut,
        Fut: std::future::Future<Output = khata_lending::Result<()>>,
    {
        let client = LendingClient::connect(lender_url, self.cfg.client.clone()).await?;
        let tok = client
            .authorize_loopback(&self.cfg.client_id, open_browser, Duration::from_secs(300))
            .await?;
        let lender_id = client.discovery().lender_id.clone();
        let secret = serde_json::json!({
            "accessToken": tok.access_token,
            "refreshToken": tok.refresh_token,
        })
        .to_string();
        self.tokens.set(&lender_id, &secret)?;
        let client = client.with_access_token(tok.access_token);
        let view = self.record_lender(client.discovery(), false).await?;
        self.clients.lock().await.insert(view.id.clone(), client);
        Ok(view)
    }

    /// An authorised client for a stored lender.
    pub(crate) async fn client(&self, lender_id: &str) -> Result<LendingClient> {
        if let Some(c) = self.clients.lock().await.get(lender_id) {
            return Ok(c.clone());
        }
        let id = lender_id.to_string();
        let link = self
            .with_vault(move |v| {
                v.lender_link(&id)?
                    .ok_or_else(|| EngineError::NotFound(format!("no connected lender {id}")))
            })
            .await?;
        let mut link = link;
        if link.is_sandbox {
            self.ensure_sandbox().await?;
            let id = lender_id.to_string();
            link = self
                .with_vault(move |v| {
                    v.lender_link(&id)?
                        .ok_or_else(|| EngineError::NotFound(format!("no connected lender {id}")))
                })
                .await?;
        }
        let disc: wire::Discovery = serde_json::from_str(&link.discovery)?;
        let client = LendingClient::from_discovery(disc, self.cfg.client.clone())?;
        let client = if link.is_sandbox {
            let tok = client.authorize_headless(&self.cfg.client_id).await?;
            client.with_access_token(tok.access_token)
        } else {
            let secret = self.tokens.get(lender_id)?.ok_or_else(|| {
                EngineError::InvalidInput(
                    "this lender needs to be connected again (no token in the keychain)".into(),
                )
            })?;
            let v: Value = serde_json::from_str(&secret)?;
            let mut tok = v["accessToken"].as_str().unwrap_or_default().to_string();
            // Start each session with a fresh access token when the lender gave a refresh
            // token (refresh tokens rotate, so the new pair goes back to the keychain).
            if let Some(refresh) = v["refreshToken"].as_str() {
                let fresh = client.refresh_token(&self.cfg.client_id, refresh).await?;
                let secret = serde_json::json!({
                    "accessToken": fresh.access_token,
                    "refreshToken": fresh.refresh_token.as_deref().unwrap_or(refresh),
                })
                .to_string();
                self.tokens.set(lender_id, &secret)?;
                tok = fresh.access_token;
            }
            client.with_access_token(tok)
        };
        self.clients
            .lock()
            .await
            .insert(lender_id.to_string(), client.clone());
        Ok(client)
    }

    /// Drops a cached client (stale token, lender restarted): the next call builds it afresh.
    pub(crate) async fn forget_client(&self, lender_id: &str) {
        self.clients.lock().await.remove(lender_id);
    }

    /// Pinned keys of a stored lender (for offline verification).
    pub(crate) fn keys_of(v: &Vault, lender_id: &str) -> Result<Option<KeyRing>> {
        let Some(link) = v.lender_link(lender_id)? else {
            return Ok(None);
        };
        let disc: wire::Discovery = serde_json::from_str(&link.discovery)?;
        Ok(KeyRing::from_public(&disc.keys).ok())
    }

    async fn set_reachable(&self, lender_id: &str, reachable: bool) {
        let id = lender_id.to_string();
        let _ = self
            .with_vault(move |v| Ok(v.set_lender_reachable(&id, reachable)?))
            .await;
    }

    // -----------------------------------------------------------------------------------------
    // Sync

    /// Syncs one lender: catalog, consent requests, consents, disclosures (incrementally by
    /// cursor, one transaction per page), offers and rights requests. Signatures are checked
    /// before anything is stored. An unreachable lender gives `Ok` with `reachable: false`.
    pub async fn sync(
        &self,
        lender_id: &str,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<SyncSummary> {
        match self.sync_inner(lender_id, &progress).await {
            Ok(s) => Ok(s),
            Err(e) if e.is_unreachable() => {
                tracing::info!(lender = lender_id, error = %e, "lender unreachable during sync");
                self.set_reachable(lender_id, false).await;
                self.clients.lock().await.remove(lender_id);
                Ok(SyncSummary {
                    lender_id: lender_id.into(),
                    new_disclosures: 0,
                    consents: 0,
                    offers: 0,
                    reachable: false,
                })
            }
            Err(e) => {
                // A stale token or changed lender: build the client afresh next time.
                self.clients.lock().await.remove(lender_id);
                Err(e)
            }
        }
    }

    /// [`Engine::sync`], stopped early once `cancel` is set (checked every 100 ms). Safe at
    /// any point: each page of disclosures and the cursor after it commit in one transaction,
    /// so what was stored stays and the next sync resumes after it.
    pub async fn sync_cancellable(
        &self,
        lender_id: &str,
        progress: impl Fn(Progress) + Send + Sync,
        cancel: Arc<std::sync::atomic::AtomicBool>,
    ) -> Result<SyncSummary> {
        let cancelled = async {
            while !cancel.load(std::sync::atomic::Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            summary = self.sync(lender_id, progress) => summary,
            () = cancelled => {
                // A request may have been cut mid-flight: start the next sync on a fresh client.
                self.forget_client(lender_id).await;
                tracing::info!(lender = lender_id, "sync cancelled");
                Err(EngineError::Cancelled)
            }
        }
    }

    /// Syncs every connected lender.
    pub async fn sync_all(
        &self,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<Vec<SyncSummary>> {
        let ids = self
            .with_vault(|v| {
                Ok(v.lender_links()?
                    .into_iter()
                    .map(|l| l.lender_id)
                    .collect::<Vec<_>>())
            })
            .await?;
        let mut out = vec![];
        for id in ids {
            out.push(self.sync(&id, &progress).await?);
        }
        Ok(out)
    }

    async fn sync_inner(
        &self,
        lender_id: &str,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<SyncSummary> {
        let client = self.client(lender_id).await?;
        let keys = client.keys().clone();
        let lid = lender_id.to_string();
        let report = |phase: &str, done: u64, total: Option<u64>| {
            progress(Progress {
                task: "sync".into(),
                phase: phase.into(),
                done,
                total,
            })
        };

        report("catalog", 0, None);
        let catalog = client.catalog().await?;
        self.store_catalog(&lid, &catalog).await?;

        report("consent_requests", 0, None);
        let reqs = client.consent_requests().await?;
        self.store_requests(&lid, &reqs.items).await?;

        report("consents", 0, None);
        let consents = client.consents().await?;
        let n_consents = consents.items.len() as u32;
        for c in consents.items {
            self.store_consent(&keys, &c).await?;
        }

        let cursor = {
            let id = lid.clone();
            self.with_vault(move |v| Ok(v.lender_link(&id)?.and_then(|l| l.sync_cursor)))
                .await?
        };
        let mut cursor = cursor;
        let mut new = 0u64;
        let mut seen = 0u64;
        loop {
            report("disclosures", seen, None);
            let (page, raw) = client.disclosures_with_raw(cursor.as_deref(), 1000).await?;
            seen += page.items.len() as u64;
            let mut batch = Vec::with_capacity(page.items.len());
            for (d, r) in page.items.iter().zip(&raw) {
                batch.push(convert::disclosure_record(d, r)?);
            }
            let next = page.next_cursor.clone();
            let id = lid.clone();
            let next2 = next.clone();
            let n = self
                .with_vault(move |v| {
                    Ok(v.ingest_disclosures(&id, &batch, next2.as_deref(), now_ms())?)
                })
                .await?;
            new += n as u64;
            match next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }

        report("offers", seen, Some(seen));
        let offers = client.offers().await?;
        let n_offers = offers.items.len() as u32;
        for o in &offers.items {
            self.store_offer(&keys, o).await?;
        }

        report("rights", seen, Some(seen));
        if let Ok(list) = client.rights_requests().await {
            self.store_rights_updates(&keys, &list.items).await?;
        }
        self.set_reachable(lender_id, true).await;
        report("done", seen, Some(seen));
        Ok(SyncSummary {
            lender_id: lid,
            new_disclosures: new,
            consents: n_consents,
            offers: n_offers,
            reachable: true,
        })
    }

    async fn store_catalog(&self, lender_id: &str, catalog: &wire::SignalCatalog) -> Result<()> {
        let json = serde_json::to_vec(catalog)?;
        let version = {
            use sha2::Digest as _;
            let d = sha2::Sha256::digest(&json);
            i64::from_be_bytes(d[..8].try_into().expect("8 bytes")) & i64::MAX
        };
        let signals = catalog.signals.clone();
        let lid = lender_id.to_string();
        self.with_vault(move |v| {
            let known: HashMap<String, khata_vault::Signal> = v
                .signals()?
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect();
            for s in &signals {
                let rec = convert::vault_signal(s);
                if known.get(&s.id) != Some(&rec) {
                    v.upsert_signal(&rec)?;
                }
            }
            v.put_statement(&Statement {
                kind: "catalog".into(),
                id: lid.clone(),
                version,
                lender_id: lid,
                received_at: now_ms(),
                json,
            })?;
            Ok(())
        })
        .await
    }

    async fn store_requests(&self, lender_id: &str, reqs: &[wire::ConsentRequest]) -> Result<()> {
        let rows: Vec<StoredConsentRequest> = reqs
            .iter()
            .map(|r| {
                Ok(StoredConsentRequest {
                    id: r.request_id.clone(),
                    lender_id: lender_id.to_string(),
                    status: match r.status {
                        wire::ConsentRequestStatus::Pending => "PENDING",
                        wire::ConsentRequestStatus::Decided => "DECIDED",
                    }
                    .into(),
                    created_at: r.created_at.timestamp_millis(),
                    json: serde_json::to_string(r)?,
                })
            })
            .collect::<Result<_>>()?;
        self.with_vault(move |v| {
            for r in &rows {
                v.upsert_consent_request(r)?;
            }
            Ok(())
        })
        .await
    }

    pub(crate) async fn store_consent(&self, keys: &KeyRing, c: &wire::Consent) -> Result<()> {
        let (_, bytes) = signed_bytes(keys, c)?;
        let rec = convert::vault_consent(c, bytes.clone());
        let st = Statement {
            kind: "consent".into(),
            id: c.consent_id.clone(),
            version: c.version as i64,
            lender_id: c.lender_id.clone(),
            received_at: now_ms(),
            json: bytes,
        };
        self.with_vault(move |v| {
            // An older version arriving late never overwrites a newer one.
            let newest = v
                .statements("consent", &st.id)?
                .last()
                .map(|s| s.version)
                .unwrap_or(0);
            v.put_statement(&st)?;
            if st.version >= newest {
                v.upsert_consent(&rec)?;
            }
            Ok(())
        })
        .await
    }

    async fn store_offer(&self, keys: &KeyRing, o: &wire::Offer) -> Result<()> {
        let (_, bytes) = signed_bytes(keys, o)?;
        let rec = convert::vault_offer(o);
        let st = Statement {
            kind: "offer".into(),
            id: o.offer_id.clone(),
            version: 0,
            lender_id: o.lender_id.clone(),
            received_at: o.created_at.timestamp_millis(),
            json: bytes,
        };
        self.with_vault(move |v| {
            if v.put_statement(&st)? && v.offer(&rec.id)?.is_none() {
                v.add_offer(&rec)?;
            }
            Ok(())
        })
        .await
    }

    /// Matches the lender's rights requests to ours (by the lender's id kept in the statement)
    /// and records status changes.
    async fn store_rights_updates(
        &self,
        keys: &KeyRing,
        items: &[wire::RightsRequest],
    ) -> Result<()> {
        let mut signed = vec![];
        for r in items {
            if let Ok((_, bytes)) = signed_bytes(keys, r) {
                signed.push((r.clone(), bytes));
            }
        }
        self.with_vault(move |v| {
            let ours = v.statements_of_kind("rights", None)?;
            for (r, bytes) in signed {
                let Some(local) = ours.iter().find(|s| {
                    serde_json::from_slice::<wire::RightsRequest>(&s.json)
                        .map(|x| x.request_id == r.request_id)
                        .unwrap_or(false)
                }) else {
                    continue;
                };
                let status = convert::rights_status(r.status);
                let version = (v.statements("rights", &local.id)?.len()) as i64;
                let last = v
                    .statements("rights", &local.id)?
                    .last()
                    .map(|s| s.json.clone());
                if last.as_deref() != Some(&bytes[..]) {
                    v.put_statement(&Statement {
                        kind: "rights".into(),
                        id: local.id.clone(),
                        version,
                        lender_id: r.lender_id.clone(),
                        received_at: now_ms(),
                        json: bytes,
                    })?;
                    v.set_rights_status(&local.id, status, Some(&r.ticket))?;
                    v.set_rights_due(&local.id, Some(r.due_by.timestamp_millis()))?;
                }
            }
            Ok(())
        })
        .await
    }

    // -----------------------------------------------------------------------------------------
    // Reads (offline-first: from the vault only)

    pub(crate) fn catalog(v: &Vault) -> Result<Catalog> {
        Catalog::load(v)
    }

    /// Everything the Home screen shows.
    pub async fn overview(&self) -> Result<Overview> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let lenders: Vec<LenderView> = v
                .lender_links()?
                .iter()
                .map(|l| {
                    convert::lender_view(
                        names
                            .get(&l.lender_id)
                            .map(String::as_str)
                            .unwrap_or(&l.lender_id),
                        l,
                    )
                })
                .collect();
            let consents = v.all_consents()?;
            let now = now_ms();
            let active = consents
                .iter()
                .filter(|c| c.status == ConsentStatus::Active && c.consent_expiry > now)
                .count() as u32;
            let pending = v
                .consent_requests(None)?
                .iter()
                .filter(|r| r.status == "PENDING")
                .count() as u32;
            let in_flight: Vec<RevocationView> = v
                .consent_actions(None)?
                .iter()
                .map(convert::revocation_view)
                .filter(|r| r.state != DeliveryState::Confirmed)
                .collect();
            let latest_offer = latest_offer_in(v, &cat, &names)?;
            let mut alerts = vec![];
            for l in &lenders {
                if !l.reachable {
                    alerts.push(AlertView {
                        severity: "warning".into(),
                        code: "lender_unreachable".into(),
                        message: format!(
                            "{} could not be reached; Khata shows what is in your vault.",
                            l.name
                        ),
                    });
                }
            }
            if pending > 0 {
                alerts.push(AlertView {
                    severity: "info".into(),
                    code: "consent_requests_pending".into(),
                    message: format!("{pending} consent request(s) wait for your decision."),
                });
            }
            for c in &consents {
                if c.status == ConsentStatus::Active
                    && c.consent_expiry > now
                    && c.consent_expiry - now < 7 * 24 * 3600 * 1000
                {
                    alerts.push(AlertView {
                        severity: "info".into(),
                        code: "consent_expiring".into(),
                        message: "A consent expires within a week.".into(),
                    });
                }
            }
            for r in v.rights_requests(None)? {
                if convert::rights_overdue(&r, now) {
                    alerts.push(AlertView {
                        severity: "critical".into(),
                        code: "rights_request_overdue".into(),
                        message: "A lender is late answering your rights request.".into(),
                    });
                }
            }
            Ok(Overview {
                lenders,
                active_consents: active,
                pending_requests: pending,
                latest_offer,
                revocations_in_flight: in_flight,
                disclosures: v.event_count()?,
                alerts,
            })
        })
        .await
    }

    /// Connected lenders.
    pub async fn lenders(&self) -> Result<Vec<LenderView>> {
        Ok(self.overview().await?.lenders)
    }

    /// Pending consent requests, each with what changed since the lender's previous consent.
    pub async fn consent_requests(&self) -> Result<Vec<ConsentRequestView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let mut out = vec![];
            for r in v.consent_requests(None)? {
                if r.status != "PENDING" {
                    continue;
                }
                let req: wire::ConsentRequest = serde_json::from_str(&r.json)?;
                let previous = match &req.previous_consent_id {
                    Some(id) => v.consent(id)?,
                    None => v.consents_for_lender(&r.lender_id)?.into_iter().next(),
                };
                out.push(convert::request_view(
                    &req,
                    &r.lender_id,
                    &names,
                    &cat,
                    previous.as_ref(),
                ));
            }
            Ok(out)
        })
        .await
    }

    /// Consents, newest first, each with its revocations and delivery state.
    pub async fn consents(&self) -> Result<Vec<ConsentView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            let mut keys: HashMap<String, Option<KeyRing>> = HashMap::new();
            let mut out = vec![];
            for c in v.all_consents()? {
                let ring = match keys.get(&c.lender_id) {
                    Some(k) => k.clone(),
                    None => {
                        let k = Self::keys_of(v, &c.lender_id)?;
                        keys.insert(c.lender_id.clone(), k.clone());
                        k
                    }
                };
                let actions = v.consent_actions(Some(&c.id))?;
                out.push(convert::consent_view(
                    &c,
                    &names,
                    &cat,
                    &actions,
                    ring.as_ref(),
                ));
            }
            Ok(out)
        })
        .await
    }

    /// One consent.
    pub async fn consent(&self, consent_id: &str) -> Result<ConsentView> {
        let id = consent_id.to_string();
        self.with_vault(move |v| consent_view_in(v, &id)).await
    }

    /// The signals timeline: keyset pagination from the vault, newest first.
    pub async fn timeline(&self, q: TimelineQuery) -> Result<TimelinePage> {
        let cache = self.count_cache.clone();
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let limit = match q.limit {
                0 => 100,
                n => n.min(1000) as usize,
            };
            let filter = khata_vault::EventFilter {
                lender_id: q.lender_id.clone(),
                signal_id: q.signal.clone(),
                from: q.from,
                to: q.to,
            };
            let by_cat: Option<Vec<String>> = q.dpv_category.as_ref().map(|c| cat.signals_in(c));
            let after = match &q.cursor {
                Some(c) => Some(parse_cursor(c)?),
                None => None,
            };
            let rows = v.events_with_statements(&filter, by_cat.as_deref(), after, limit)?;
            let key = format!(
                "{:?}|{:?}|{:?}|{:?}|{:?}",
                filter.lender_id, filter.signal_id, filter.from, filter.to, by_cat
            );
            let max_id = v.max_event_id()?;
            let cached = cache
                .lock()
                .ok()
                .and_then(|g| g.clone())
                .filter(|(k, m, _)| *k == key && *m == max_id)
                .map(|(_, _, t)| t);
            let total = match cached {
                Some(t) => t,
                None => {
                    let t = v.count_events(&filter, by_cat.as_deref())?;
                    if let Ok(mut g) = cache.lock() {
                        *g = Some((key, max_id, t));
                    }
                    t
                }
            };
            let next_cursor = (rows.len() == limit)
                .then(|| {
                    rows.last()
                        .map(|(e, _, _)| format!("{}:{}", e.event.collected_at, e.id))
                })
                .flatten();
            Ok(TimelinePage {
                items: rows
                    .iter()
                    .map(|(e, _, _)| convert::disclosure_view(e, &cat))
                    .collect(),
                next_cursor,
                total,
            })
        })
        .await
    }

    /// The proof behind one disclosure, checked offline against the lender's pinned key.
    pub async fn evidence(&self, disclosure_id: i64) -> Result<EvidenceView> {
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let e = v
                .event(disclosure_id)?
                .ok_or_else(|| EngineError::NotFound(format!("no disclosure {disclosure_id}")))?;
            let (_, statement) = v.event_statement(disclosure_id)?.unwrap_or((None, None));
            let value: Option<Value> = statement
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok());
            let keys = Self::keys_of(v, &e.event.lender_id)?;
            let verified = match (&value, &keys) {
                (Some(val), Some(k)) => k.verify_value(val).is_ok(),
                _ => false,
            };
            let key_id = value
                .as_ref()
                .and_then(|v| v["signature"]["keyId"].as_str().map(String::from));
            let consent = match &e.event.consent_id {
                Some(id) if v.consent(id)?.is_some() => Some(consent_view_in(v, id)?),
                _ => None,
            };
            Ok(EvidenceView {
                disclosure: convert::disclosure_view(&e, &cat),
                consent,
                statement_json: value
                    .as_ref()
                    .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
                    .unwrap_or_default(),
                signature_key_id: key_id,
                signature_verified: verified,
                ledger_seq: v.ledger_seq_for("event.add", &disclosure_id.to_string())?,
            })
        })
        .await
    }

    /// The newest offer from any lender, with its explanation.
    pub async fn latest_offer(&self) -> Result<Option<OfferView>> {
        self.with_vault(|v| {
            let cat = Self::catalog(v)?;
            let names = lender_names(v)?;
            latest_offer_in(v, &cat, &names)
        })
        .await
    }

    /// Asks the lender for a counterfactual quote of the latest offer with `withhold`
    /// signals treated as missing, and shows it next to the real offer.
    pub async fn what_if(&self, withhold: Vec<String>) -> Result<WhatIfView> {
        let (offer_stmt, names, cat) = self
            .with_vault(|v| {
                let st = newest_offer_statement(v)?
                    .ok_or_else(|| EngineError::NotFound("there is no offer yet".into()))?;
                Ok((st, lender_names(v)?, Self::catalog(v)?))
            })
            .await?;
        let offer: wire::Offer = serde_json::from_slice(&offer_stmt.json)?;
        let known: HashSet<&str> = offer
            .explanation
            .contributions
            .iter()
            .map(|c| c.signal.as_str())
            .collect();
        if let Some(bad) = withhold.iter().find(|s| !known.contains(s.as_str())) {
            return Err(EngineError::InvalidInput(format!(
                "the offer does not use the signal {bad}"
            )));
        }
        let client = self.client(&offer.lender_id).await?;
        let key = uuid::Uuid::new_v4().to_string();
        let quote = client
            .quote(
                &wire::QuoteBody {
                    offer_id: Some(offer.offer_id.clone()),
                    withhold: withhold.clone(),
                },
                Some(&key),
            )
            .await?;
        let (_, bytes) = signed_bytes(client.keys(), &quote)?;
        let st = Statement {
            kind: "quote".into(),
            id: quote.quote_id.clone(),
            version: 0,
            lender_id: quote.lender_id.clone(),
            received_at: now_ms(),
            json: bytes,
        };
        self.with_vault(move |v| Ok(v.put_statement(&st)?)).await?;
        let offer_view = convert::offer_view(&offer, &names, &cat, true);
        let quote_view = convert::quote_view(&quote, &names, &cat);
        Ok(WhatIfView {
            score_change: quote_view.score - offer_view.score,
            amount_change: quote_view.amount_inr as i64 - offer_view.amount_inr as i64,
            offer: offer_view,
            quote: quote_view,
        })
    }

    /// Answers a consent request: `choices` per signal (a signal left out is denied). Returns
    /// the signed consent as stored.
    pub async fn decide(
        &self,
        request_id: &str,
        choices: Vec<SignalChoice>,
    ) -> Result<ConsentView> {
        let rid = request_id.to_string();
        let stored = self
            .with_vault(move |v| {
                v.consent_requests(None)?
                    .into_iter()
                    .find(|r| r.id == rid)
                    .ok_or_else(|| EngineError::NotFound(format!("no consent request {rid}")))
            })
            .await?;
        if stored.status != "PENDING" {
            return Err(EngineError::InvalidInput(
                "this consent request was already decided".into(),
            ));
        }
        let req: wire::ConsentRequest = serde_json::from_str(&stored.json)?;
        let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
        if let Some(bad) = choices
            .iter()
            .find(|c| !requested.contains(c.signal.as_str()))
        {
            return Err(EngineError::InvalidInput(format!(
                "the lender did not ask for the signal {}",
                bad.signal
            )));
        }
        let decisions = req
            .signals
            .iter()
            .map(|s| wire::SignalDecision {
                signal: s.clone(),
                decision: if choices.iter().any(|c| &c.signal == s && c.grant) {
                    wire::Decision::Grant
                } else {
                    wire::Decision::Deny
                },
            })
            .collect();
        let client = self.client(&stored.lender_id).await?;
        let key = uuid::Uuid::new_v4().to_string();
        let consent = client
            .decide(request_id, &wire::ConsentDecisionBody { decisions }, &key)
            .await?;
        self.store_consent(client.keys(), &consent).await?;
        let mut decided = req.clone();
        decided.status = wire::ConsentRequestStatus::Decided;
        self.store_requests(&stored.lender_id, &[decided]).await?;
        // The lender scores the new consent at once: fetch the offer (best effort).
        if let Ok(offers) = client.offers().await {
            for o in &offers.items {
                self.store_offer(client.keys(), o).await?;
            }
        }
        self.consent(&consent.consent_id).await
    }

    /// Rights requests, newest first.
    pub async fn rights_requests(&self) -> Result<Vec<RightsRequestView>> {
        self.with_vault(|v| {
            let names = lender_names(v)?;
            let now = now_ms();
            Ok(v.rights_requests(None)?
                .iter()
                .filter_map(|r| convert::rights_view(r, &names, now))
                .collect())
        })
        .await
    }

    /// Files a rights request with a lender: recorded and queued in one transaction, then
    /// delivered (now if the lender answers, later by the outbox otherwise).
    pub async fn request_right(
        &self,
        lender_id: &str,
        kind: RightsKindView,
        details: String,
    ) -> Result<RightsRequestView> {
        if details.trim().is_empty() || details.len() > 4000 {
            return Err(EngineError::InvalidInput(
                "describe the request in 1 to 4000 characters".into(),
            ));
        }
        let lid = lender_id.to_string();
        let vkind = convert::rights_kind(kind);
        let (req, _) = self
            .with_vault(move |v| {
                if v.lender(&lid)?.is_none() {
                    return Err(EngineError::NotFound(format!("no connected lender {lid}")));
                }
                Ok(v.add_rights_request(&lid, vkind, Some(&details), None)?)
            })
            .await?;
        let _ = self.deliver_outbox().await;
        let id = req.id.clone();
        self.with_vault(move |v| {
            let names = lender_names(v)?;
            let r = v
                .rights_requests(None)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| EngineError::NotFound(format!("no rights request {id}")))?;
            convert::rights_view(&r, &names, now_ms())
                .ok_or_else(|| EngineError::Internal("unknown rights kind".into()))
        })
        .await
    }

    /// The vault's ledger head (hex) and entry count, after walking the whole chain.
    pub async fn verify_ledger(&self) -> Result<(String, u64)> {
        self.with_vault(|v| {
            let r = v.verify()?;
            Ok((hex::encode(r.head_hash), r.entries))
        })
        .await
    }
}

pub(crate) fn lender_names(v: &Vault) -> Result<HashMap<String, String>> {
    Ok(v.lenders()?.into_iter().map(|l| (l.id, l.name)).collect())
}

pub(crate) fn consent_view_in(v: &Vault, id: &str) -> Result<ConsentView> {
    let c = v
        .consent(id)?
        .ok_or_else(|| EngineError::NotFound(format!("no consent {id}")))?;
    let cat = Engine::catalog(v)?;
    let names = lender_names(v)?;
    let keys = Engine::keys_of(v, &c.lender_id)?;
    let actions = v.consent_actions(Some(id))?;
    Ok(convert::consent_view(
        &c,
        &names,
        &cat,
        &actions,
        keys.as_ref(),
    ))
}

fn newest_offer_statement(v: &Vault) -> Result<Option<Statement>> {
    let mut best: Option<(i64, Statement)> = None;
    for s in v.statements_of_kind("offer", None)? {
        let Ok(o) = serde_json::from_slice::<wire::Offer>(&s.json) else {
            continue;
        };
        let t = o.created_at.timestamp_millis();
        if best.as_ref().is_none_or(|(bt, _)| t > *bt) {
            best = Some((t, s));
        }
    }
    Ok(best.map(|(_, s)| s))
}

fn latest_offer_in(
    v: &Vault,
    cat: &Catalog,
    names: &HashMap<String, String>,
) -> Result<Option<OfferView>> {
    let Some(st) = newest_offer_statement(v)? else {
        return Ok(None);
    };
    let value: Value = serde_json::from_slice(&st.json)?;
    let verified = Engine::keys_of(v, &st.lender_id)?
        .map(|k| k.verify_value(&value).is_ok())
        .unwrap_or(false);
    let offer: wire::Offer = serde_json::from_value(value)?;
    Ok(Some(convert::offer_view(&offer, names, cat, verified)))
}

fn parse_cursor(c: &str) -> Result<khata_vault::EventCursor> {
    let bad = || EngineError::InvalidInput("the timeline cursor is not valid".into());
    let (a, b) = c.split_once(':').ok_or_else(bad)?;
    Ok(khata_vault::EventCursor {
        collected_at: a.parse().map_err(|_| bad())?,
        id: b.parse().map_err(|_| bad())?,
    })
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn default_key_store() -> Result<Arc<dyn KeyStore>> {
    Ok(Arc::new(khata_vault::KeyringStore::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn default_key_store() -> Result<Arc<dyn KeyStore>> {
    Err(EngineError::KeychainUnavailable(
        "this platform has no supported keychain".into(),
    ))
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn default_token_store() -> Result<Arc<dyn TokenStore>> {
    Ok(Arc::new(crate::tokens::KeyringTokenStore::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn default_token_store() -> Result<Arc<dyn TokenStore>> {
    Err(EngineError::KeychainUnavailable(
        "this platform has no supported keychain".into(),
    ))
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
}

#[allow(dead_code)]
fn _unused(_: LenderDisclosure) {}
