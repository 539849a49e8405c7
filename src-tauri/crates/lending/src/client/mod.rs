//! The HTTP client of the lending API.
//!
//! Guarantees: TLS unless the host is loopback; no redirects on API calls (a redirect could
//! downgrade or leak the bearer token); a timeout on every request; retries with full-jitter
//! exponential backoff only for idempotent calls (GET, and POST carrying an `Idempotency-Key`);
//! a response-size cap enforced while streaming; strict parsing; every lender statement's
//! Ed25519 signature checked on the JSON as received, against the keys pinned at connect time.
//!
//! This module holds the client and how it is built; `transport` sends and retries,
//! `authorize` runs OAuth, `resources` has one method per operation of the contract, and
//! `response` turns received bytes into verified values without any network, which is what
//! the fuzz targets drive through `fuzzing` (feature `fuzzing`).

mod authorize;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod resources;
mod response;
mod transport;

use std::time::Duration;

use reqwest::Method;
use url::Url;

use crate::error::Result;
use crate::signing::KeyRing;
use crate::types::*;
use response::{Sig, check_discovery, parse};
use transport::build_http;
pub use transport::{check_url, full_jitter_backoff};

/// Knobs of the client; the defaults suit a desktop app on a phone hotspot.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Whole-request timeout (connect + send + read).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt, for idempotent calls only.
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Responses larger than this are refused with [`LendingError::TooLarge`].
    pub max_response_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_retries: 4,
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(10),
            max_response_bytes: 8 * 1024 * 1024,
        }
    }
}

/// The bearer token, kept out of `Debug` output.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A connected lending API client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LendingClient {
    http: reqwest::Client,
    api_base: Url,
    discovery: Discovery,
    keys: KeyRing,
    token: Option<Secret>,
    config: ClientConfig,
}

impl LendingClient {
    /// Fetches the lender's discovery document from `lender_url`'s origin and pins its keys.
    pub async fn connect(lender_url: &str, config: ClientConfig) -> Result<Self> {
        let base = check_url(lender_url)?;
        let http = build_http(&config)?;
        let mut disc_url = base.clone();
        disc_url.set_path(DISCOVERY_PATH);
        disc_url.set_query(None);
        let probe = Self {
            http,
            api_base: base,
            discovery: Discovery {
                lender_id: String::new(),
                name: String::new(),
                api_base: String::new(),
                authorization_endpoint: String::new(),
                token_endpoint: String::new(),
                spec_version: String::new(),
                keys: vec![],
                key_endorsement: None,
            },
            keys: KeyRing::default(),
            token: None,
            config,
        };
        let value = probe
            .execute(Method::GET, disc_url, None, None, Sig::None, false)
            .await?;
        let discovery: Discovery = parse(value)?;
        Self::from_discovery(discovery, probe.config)
    }

    /// Builds a client from a discovery document the caller already trusts (e.g. stored in the
    /// vault at first connect), without a network round trip.
    pub fn from_discovery(discovery: Discovery, config: ClientConfig) -> Result<Self> {
        let (api_base, keys) = check_discovery(&discovery)?;
        Ok(Self {
            http: build_http(&config)?,
            api_base,
            discovery,
            keys,
            token: None,
            config,
        })
    }

    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }

    /// The pinned keys, for verifying stored statements offline.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// Also trusts `retired`, keys the lender published before (pinned by the caller): a
    /// statement it signed then, and still serves, verifies. The discovery document's own keys
    /// win where a key id is reused.
    pub fn with_retired_keys(mut self, retired: &[PublicKeyInfo]) -> Result<Self> {
        let mut all = retired.to_vec();
        all.extend(self.discovery.keys.iter().cloned());
        self.keys = KeyRing::from_public(&all)?;
        Ok(self)
    }

    /// Sets the bearer token for API calls (read from the keychain by the caller).
    pub fn set_access_token(&mut self, token: impl Into<String>) {
        self.token = Some(Secret(token.into()));
    }

    pub fn with_access_token(mut self, token: impl Into<String>) -> Self {
        self.set_access_token(token);
        self
    }
}
