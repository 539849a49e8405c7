//! Connecting lenders and keeping an authorised client for each: discovery with pinned keys,
//! the lender's identity checked against what is pinned (`identity`), OAuth (headless for the
//! sandbox, PKCE through the browser for a real lender), tokens where the vault key is kept
//! (keychain or vault), and the cache of clients the other use cases borrow.

use std::time::Duration;

use khata_lending::LendingClient;
use khata_lending::types::{self as wire, PublicKeyInfo};
use khata_vault::LenderLink;
use serde_json::Value;
use zeroize::Zeroizing;

use super::Engine;
use super::identity::{self, Pinning, SANDBOX_ORIGIN};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

impl Engine {
    /// Records a lender and how to reach it (keeping an existing sync cursor), once its
    /// identity is checked against what is pinned ([`identity::check`]): a refused identity
    /// leaves everything stored as it was.
    async fn record_lender(
        &self,
        disc: &wire::Discovery,
        is_sandbox: bool,
        origin: String,
        repin: Option<String>,
    ) -> Result<(LenderView, Vec<PublicKeyInfo>)> {
        let disc = disc.clone();
        self.with_vault(move |v| {
            let pinning = identity::check(v, &disc, &origin, repin.as_deref())?;
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
            if pinning != Pinning::Same || v.lender_identity(&disc.lender_id)?.is_none() {
                let lender = khata_lending::lender_text::sanitize(&disc.lender_id);
                tracing::info!(%lender, ?pinning, "lender identity pinned");
                identity::pin(v, &disc, &origin)?;
            }
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
            let history = Engine::key_history_of(v, &disc.lender_id)?;
            Ok((convert::lender_view(&disc.name, &link), history))
        })
        .await
    }

    /// [`identity::check`] before anything is asked of the borrower or stored.
    async fn check_identity(
        &self,
        disc: &wire::Discovery,
        origin: &str,
        repin: Option<&str>,
    ) -> Result<Pinning> {
        let (disc, origin, repin) = (disc.clone(), origin.to_string(), repin.map(str::to_string));
        self.with_vault(move |v| identity::check(v, &disc, &origin, repin.as_deref()))
            .await
    }

    /// Starts the built-in sandbox lender in-process on 127.0.0.1 (state kept in the data
    /// directory), connects to it, completes OAuth without a browser and records the lender.
    pub async fn connect_sandbox(
        &self,
        progress: impl Fn(Progress) + Send + Sync,
    ) -> Result<LenderView> {
        self.connect_sandbox_playing(None, progress).await
    }

    /// [`Engine::connect_sandbox`], the lender playing `scenario` (one of
    /// [`Engine::sandbox_scenarios`]) rather than the launcher's own: testers pick one on
    /// Connect. A scenario is a lender's first start's; once it runs, asking for one is refused.
    pub async fn connect_sandbox_playing(
        &self,
        scenario: Option<String>,
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
        let url = self.ensure_sandbox(scenario.as_deref()).await?;
        step("discovery", 1);
        let client = LendingClient::connect(&url, self.cfg.client.clone()).await?;
        self.check_identity(client.discovery(), SANDBOX_ORIGIN, None)
            .await?;
        step("authorising", 2);
        let tok = client.authorize_headless(&self.cfg.client_id).await?;
        let client = client.with_access_token(tok.access_token);
        let (view, history) = self
            .record_lender(client.discovery(), true, SANDBOX_ORIGIN.into(), None)
            .await?;
        let client = client.with_retired_keys(&history)?;
        self.clients.lock().await.insert(view.id.clone(), client);
        step("connected", 3);
        Ok(view)
    }

    /// Connects a real lender: discovery (keys pinned), OAuth with PKCE through the system
    /// browser (`open_browser` is handed the authorize URL), tokens kept where the vault key
    /// is (the OS keychain, or the vault under a passphrase). A token that cannot be kept
    /// fails the connect before the lender is recorded: a lender that cannot be synced later
    /// is never shown as connected. A lender claiming the id of one already connected, from
    /// another origin or with other keys, is refused ([`EngineError::LenderIdentityConflict`]);
    /// see [`Engine::connect_repinning`].
    pub async fn connect<F, Fut>(&self, lender_url: &str, open_browser: F) -> Result<LenderView>
    where
        F: FnOnce(url::Url) -> Fut,
        Fut: std::future::Future<Output = khata_lending::Result<()>>,
    {
        self.connect_repinning(lender_url, None, open_browser).await
    }

    /// [`Engine::connect`], re-pinning the lender when `repin` is the fingerprint of the keys
    /// it now offers: what the borrower passes after comparing the two fingerprints of a
    /// refused connect. The keys pinned before are kept (retired), so statements signed with
    /// them still verify. The identity is checked before the browser opens: a refused connect
    /// changes no token, link or key.
    pub async fn connect_repinning<F, Fut>(
        &self,
        lender_url: &str,
        repin: Option<String>,
        open_browser: F,
    ) -> Result<LenderView>
    where
        F: FnOnce(url::Url) -> Fut,
        Fut: std::future::Future<Output = khata_lending::Result<()>>,
    {
        let client = LendingClient::connect(lender_url, self.cfg.client.clone()).await?;
        let origin = identity::origin_of(lender_url)?;
        self.check_identity(client.discovery(), &origin, repin.as_deref())
            .await?;
        let tok = client
            .authorize_loopback(&self.cfg.client_id, open_browser, Duration::from_secs(300))
            .await?;
        let lender_id = client.discovery().lender_id.clone();
        let secret = Zeroizing::new(
            serde_json::json!({
                "accessToken": tok.access_token,
                "refreshToken": tok.refresh_token,
            })
            .to_string(),
        );
        // After the identity check above, before anything is recorded: a lender whose token
        // cannot be kept is not connected.
        self.keep_token(&lender_id, secret).await?;
        let client = client.with_access_token(tok.access_token);
        let (view, history) = self
            .record_lender(client.discovery(), false, origin, repin)
            .await?;
        let client = client.with_retired_keys(&history)?;
        self.clients.lock().await.insert(view.id.clone(), client);
        Ok(view)
    }

    /// An authorised client for a stored lender.
    pub(crate) async fn client(&self, lender_id: &str) -> Result<LendingClient> {
        if let Some(c) = self.clients.lock().await.get(lender_id) {
            return Ok(c.clone());
        }
        let id = lender_id.to_string();
        let (link, history) = self
            .with_vault(move |v| {
                let link = v
                    .lender_link(&id)?
                    .ok_or_else(|| EngineError::NotFound(format!("no connected lender {id}")))?;
                Ok((link, Engine::key_history_of(v, &id)?))
            })
            .await?;
        let mut link = link;
        if link.is_sandbox {
            self.ensure_sandbox(None).await?;
            let id = lender_id.to_string();
            link = self
                .with_vault(move |v| {
                    v.lender_link(&id)?
                        .ok_or_else(|| EngineError::NotFound(format!("no connected lender {id}")))
                })
                .await?;
        }
        let disc: wire::Discovery = serde_json::from_str(&link.discovery)?;
        let client = LendingClient::from_discovery(disc, self.cfg.client.clone())?
            .with_retired_keys(&history)?;
        let client = if link.is_sandbox {
            let tok = client.authorize_headless(&self.cfg.client_id).await?;
            client.with_access_token(tok.access_token)
        } else {
            let secret = self.token(lender_id).await?.ok_or_else(|| {
                EngineError::InvalidInput(
                    "this lender needs to be connected again (no token kept for it)".into(),
                )
            })?;
            let v: Value = serde_json::from_str(&secret)?;
            let mut tok = Zeroizing::new(v["accessToken"].as_str().unwrap_or_default().to_string());
            // Start each session with a fresh access token when the lender gave a refresh
            // token (refresh tokens rotate, so the new pair goes back where it was kept).
            if let Some(refresh) = v["refreshToken"].as_str() {
                let fresh = client.refresh_token(&self.cfg.client_id, refresh).await?;
                let secret = Zeroizing::new(
                    serde_json::json!({
                        "accessToken": fresh.access_token,
                        "refreshToken": fresh.refresh_token.as_deref().unwrap_or(refresh),
                    })
                    .to_string(),
                );
                self.keep_token(lender_id, secret).await?;
                tok = Zeroizing::new(fresh.access_token);
            }
            client.with_access_token(tok.as_str())
        };
        self.clients
            .lock()
            .await
            .insert(lender_id.to_string(), client.clone());
        Ok(client)
    }

    /// The token pair kept for a lender, read on the blocking pool (a keychain call may take
    /// up to its deadline; a vault read waits for the vault's lock).
    async fn token(&self, lender_id: &str) -> Result<Option<Zeroizing<String>>> {
        let (tokens, id) = (self.tokens.clone(), lender_id.to_owned());
        tokio::task::spawn_blocking(move || tokens.get(&id)).await?
    }

    /// Keeps a lender's token pair, on the blocking pool like [`Self::token`].
    async fn keep_token(&self, lender_id: &str, secret: Zeroizing<String>) -> Result<()> {
        let (tokens, id) = (self.tokens.clone(), lender_id.to_owned());
        tokio::task::spawn_blocking(move || tokens.set(&id, &secret))
            .await?
            .inspect_err(|e| tracing::warn!(code = e.code(), "could not keep a lender's token"))
    }

    /// Drops a cached client (stale token, lender restarted): the next call builds it afresh.
    pub(crate) async fn forget_client(&self, lender_id: &str) {
        self.clients.lock().await.remove(lender_id);
    }

    pub(super) async fn set_reachable(&self, lender_id: &str, reachable: bool) {
        let id = lender_id.to_string();
        let _ = self
            .with_vault(move |v| Ok(v.set_lender_reachable(&id, reachable)?))
            .await;
    }
}
