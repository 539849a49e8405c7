//! The HTTP client of the lending API.
//!
//! Guarantees: TLS unless the host is loopback; no redirects on API calls (a redirect could
//! downgrade or leak the bearer token); a timeout on every request; retries with full-jitter
//! exponential backoff only for idempotent calls (GET, and POST carrying an `Idempotency-Key`);
//! a response-size cap enforced while streaming; strict parsing; every lender statement's
//! Ed25519 signature checked on the JSON as received, against the keys pinned at connect time.
//!
//! This module holds the client and how it is built; `transport` sends and retries,
//! `authorize` runs OAuth, `resources` has one method per operation of the contract, `log`
//! reads and checks the v2 disclosure log, and
//! `response` turns received bytes into verified values without any network, which is what
//! the fuzz targets drive through `fuzzing` (feature `fuzzing`).

mod authorize;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod log;
mod resources;
mod response;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use url::Url;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::signing::KeyRing;
use crate::types::*;
pub use log::{
    Checked, HeldLog, LogChecker, LogSync, LogSyncSummary, LogViolation, MAX_LEAF_TEXT,
    VerifiedPage, ViolationKind, check_head, check_leaf,
};
use response::{Sig, check_discovery, parse};
use transport::build_http;
pub use transport::{check_url, full_jitter_backoff};

/// A lender statement whose signature checked: `value` is its typed reading (a redactable
/// statement revealed, withheld members empty), `raw` the JSON exactly as received — what a
/// caller keeps as evidence, since a v2 statement's disclosures are not in `value`'s form.
#[derive(Debug, Clone, PartialEq)]
pub struct Signed<T> {
    pub value: T,
    pub raw: serde_json::Value,
}

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

/// The major version of the lending contract a lender publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractVersion {
    /// Each disclosure signed on its own, listed by cursor (`/disclosures`).
    V1,
    /// The disclosures as a Merkle log under signed tree heads (`/v2/log/*`).
    V2,
}

impl ContractVersion {
    /// `2` or `2.x…` is v2; anything else keeps the v1 path it has always taken.
    pub fn of(spec_version: &str) -> Self {
        match spec_version.strip_prefix('2') {
            Some("") => Self::V2,
            Some(rest) if rest.starts_with('.') => Self::V2,
            _ => Self::V1,
        }
    }
}

/// The bearer token, kept out of `Debug` output. Clones of the client share one buffer,
/// wiped when the last of them is dropped.
#[derive(Clone)]
struct Secret(Arc<Zeroizing<String>>);

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
    /// Fetches the lender's discovery document from `lender_url`'s origin and pins its keys;
    /// every endpoint it names must be on that same origin ([`LendingError::ForeignOrigin`]).
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
                apps: vec![],
            },
            keys: KeyRing::default(),
            token: None,
            config,
        };
        let value = probe
            .execute(Method::GET, disc_url.clone(), None, None, Sig::None, false)
            .await?;
        let discovery: Discovery = parse(value)?;
        let (api_base, keys) = check_discovery(&discovery, Some(&disc_url))?;
        Ok(Self {
            api_base,
            discovery,
            keys,
            ..probe
        })
    }

    /// Builds a client from a discovery document the caller already trusts (e.g. stored in the
    /// vault at first connect), without a network round trip. Its endpoints must still share
    /// one origin.
    pub fn from_discovery(discovery: Discovery, config: ClientConfig) -> Result<Self> {
        let (api_base, keys) = check_discovery(&discovery, None)?;
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

    /// Which contract the lender speaks, from its discovery document's `specVersion`: v2 serves
    /// the disclosure log (`log_*`), v1 the `/disclosures` listing.
    pub fn contract_version(&self) -> ContractVersion {
        ContractVersion::of(&self.discovery.spec_version)
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
        self.token = Some(Secret(Arc::new(Zeroizing::new(token.into()))));
    }

    pub fn with_access_token(mut self, token: impl Into<String>) -> Self {
        self.set_access_token(token);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_version_2_x_is_v2_and_everything_else_stays_v1() {
        for v2 in ["2", "2.0", "2.0.0", "2.13.1-rc1"] {
            assert_eq!(ContractVersion::of(v2), ContractVersion::V2, "{v2}");
        }
        for v1 in ["1.0.0", "1", "", "20.0", "2x", "v2.0", " 2.0"] {
            assert_eq!(ContractVersion::of(v1), ContractVersion::V1, "{v1:?}");
        }
    }

    /// The bearer token lives in one buffer wiped on drop, shared by every clone of the client
    /// (the engine clones one per request), and never shows in `Debug` output.
    #[test]
    fn clones_share_one_wiped_token_buffer() {
        let config = ClientConfig::default();
        let client = LendingClient {
            http: build_http(&config).unwrap(),
            api_base: Url::parse("http://127.0.0.1:9/").unwrap(),
            discovery: Discovery {
                lender_id: String::new(),
                name: String::new(),
                api_base: String::new(),
                authorization_endpoint: String::new(),
                token_endpoint: String::new(),
                spec_version: String::new(),
                keys: vec![],
                key_endorsement: None,
                apps: vec![],
            },
            keys: KeyRing::default(),
            token: None,
            config,
        }
        .with_access_token("at-secret-1");
        let copy = client.clone();
        let (a, b) = (client.token.as_ref().unwrap(), copy.token.as_ref().unwrap());
        let shared: &Arc<Zeroizing<String>> = &a.0;
        assert!(Arc::ptr_eq(shared, &b.0));
        assert_eq!(shared.as_str(), "at-secret-1");
        assert!(!format!("{client:?}").contains("at-secret-1"));
    }
}
