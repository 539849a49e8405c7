//! The HTTP client of the lending API.
//!
//! Guarantees: TLS unless the host is loopback; no redirects on API calls (a redirect could
//! downgrade or leak the bearer token); a timeout on every request; retries with full-jitter
//! exponential backoff only for idempotent calls (GET, and POST carrying an `Idempotency-Key`);
//! a response-size cap enforced while streaming; strict parsing; every lender statement's
//! Ed25519 signature checked on the JSON as received, against the keys pinned at connect time.

use std::time::Duration;

use rand::Rng as _;
use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::error::{LendingError, Result};
use crate::oauth::{LoopbackRedirect, Pkce, random_token};
use crate::signing::{KeyRing, SignError};
use crate::types::*;

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

/// Full jitter: `random(0, min(cap, base · 2^attempt))`.
pub fn full_jitter_backoff(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.min(30)));
    let ceiling = exp.min(cap);
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

/// Accepts `https://…`, or `http://` only to loopback (127.0.0.0/8, ::1, localhost).
pub fn check_url(raw: &str) -> Result<Url> {
    let insecure = |reason: &str| LendingError::InsecureUrl {
        url: raw.to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(raw).map_err(|e| insecure(&e.to_string()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if loopback {
                Ok(url)
            } else {
                Err(insecure("plain http is only allowed to loopback"))
            }
        }
        _ => Err(insecure("scheme must be https")),
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

/// How to check the signatures in a response body.
#[derive(Clone, Copy)]
enum Sig {
    /// Unsigned (catalog, consent requests, token).
    None,
    /// The body is one signed object.
    One,
    /// The body's `items` are signed objects.
    Items,
    /// A receipt: signed, and so is the consent inside it.
    Receipt,
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

    /// Sets the bearer token for API calls (read from the keychain by the caller).
    pub fn set_access_token(&mut self, token: impl Into<String>) {
        self.token = Some(Secret(token.into()));
    }

    pub fn with_access_token(mut self, token: impl Into<String>) -> Self {
        self.set_access_token(token);
        self
    }

    // ---- OAuth ----

    /// The URL to open in the borrower's browser.
    pub fn authorize_url(
        &self,
        client_id: &str,
        redirect_uri: &str,
        pkce: &Pkce,
        state: &str,
    ) -> Result<Url> {
        let mut url = check_url(&self.discovery.authorization_endpoint)?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", state);
        Ok(url)
    }

    /// Exchanges an authorization code for tokens (never retried: codes are single-use).
    pub async fn exchange_code(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
            ("client_id", client_id),
        ])
        .await
    }

    pub async fn refresh_token(
        &self,
        client_id: &str,
        refresh_token: &str,
    ) -> Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
        ])
        .await
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<TokenResponse> {
        let url = check_url(&self.discovery.token_endpoint)?;
        let body = serde_urlencoded_pairs(form);
        let req = self
            .http
            .post(url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(body);
        let value = self.read_response(req).await?;
        parse_token(value)
    }

    /// Runs the whole native-app flow: binds a loopback redirect, hands the authorize URL to
    /// `open` (which opens the system browser), waits for the redirect and exchanges the code.
    pub async fn authorize_loopback<F, Fut>(
        &self,
        client_id: &str,
        open: F,
        wait: Duration,
    ) -> Result<TokenResponse>
    where
        F: FnOnce(Url) -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let redirect = LoopbackRedirect::bind().await?;
        let redirect_uri = redirect.redirect_uri.clone();
        let pkce = Pkce::generate();
        let state = random_token(16);
        let url = self.authorize_url(client_id, &redirect_uri, &pkce, &state)?;
        let (opened, callback) = tokio::join!(open(url), redirect.wait(&state, wait));
        opened?;
        let callback = callback?;
        self.exchange_code(client_id, &callback.code, &redirect_uri, &pkce.verifier)
            .await
    }

    /// The same flow without a browser, for lenders that approve at once (the sandbox): the
    /// authorize URL is fetched and its redirect followed to our own loopback listener.
    pub async fn authorize_headless(&self, client_id: &str) -> Result<TokenResponse> {
        let http = reqwest::Client::builder()
            .timeout(self.config.timeout)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() > 3 || check_url(attempt.url().as_str()).is_err() {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| LendingError::Network(e.to_string()))?;
        self.authorize_loopback(
            client_id,
            |url| async move {
                let resp = http.get(url).send().await.map_err(map_reqwest)?;
                if !resp.status().is_success() {
                    return Err(LendingError::Usage(format!(
                        "the lender did not approve without a browser (HTTP {})",
                        resp.status().as_u16()
                    )));
                }
                Ok(())
            },
            self.config.timeout,
        )
        .await
    }

    // ---- API ----

    /// The discovery document as the lender serves it now (unsigned).
    pub async fn discover(&self) -> Result<Discovery> {
        self.get(DISCOVERY_PATH, Sig::None).await
    }

    pub async fn catalog(&self) -> Result<SignalCatalog> {
        self.get("signals", Sig::None).await
    }

    pub async fn consent_requests(&self) -> Result<ConsentRequestList> {
        self.get("consent-requests", Sig::None).await
    }

    pub async fn consent_request(&self, request_id: &str) -> Result<ConsentRequest> {
        self.get(&format!("consent-requests/{}", seg(request_id)), Sig::None)
            .await
    }

    /// Answers a consent request, one decision per requested signal; returns the signed artefact.
    pub async fn decide(
        &self,
        request_id: &str,
        body: &ConsentDecisionBody,
        idempotency_key: &str,
    ) -> Result<Consent> {
        self.post(
            &format!("consent-requests/{}/decision", seg(request_id)),
            body,
            Some(idempotency_key),
            Sig::One,
        )
        .await
    }

    pub async fn consents(&self) -> Result<ConsentList> {
        self.get("consents", Sig::Items).await
    }

    pub async fn consent(&self, consent_id: &str) -> Result<Consent> {
        self.get(&format!("consents/{}", seg(consent_id)), Sig::One)
            .await
    }

    /// Revokes the whole consent (`signals: None`) or some of its signals.
    pub async fn revoke(
        &self,
        consent_id: &str,
        body: &RevokeBody,
        idempotency_key: &str,
    ) -> Result<Receipt> {
        self.post(
            &format!("consents/{}/revoke", seg(consent_id)),
            body,
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    pub async fn pause(&self, consent_id: &str, idempotency_key: &str) -> Result<Receipt> {
        self.post(
            &format!("consents/{}/pause", seg(consent_id)),
            &StatusChangeBody::default(),
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    pub async fn resume(&self, consent_id: &str, idempotency_key: &str) -> Result<Receipt> {
        self.post(
            &format!("consents/{}/resume", seg(consent_id)),
            &StatusChangeBody::default(),
            Some(idempotency_key),
            Sig::Receipt,
        )
        .await
    }

    /// One page of the disclosure log, from `cursor` (the start when `None`).
    pub async fn disclosures(&self, cursor: Option<&str>, limit: u32) -> Result<DisclosurePage> {
        let mut path = format!("disclosures?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&seg(c));
        }
        self.get(&path, Sig::Items).await
    }

    /// Like [`LendingClient::disclosures`], also returning each item's JSON exactly as
    /// received (its signature already checked), for callers that keep the lender's statements
    /// as evidence for offline verification.
    pub async fn disclosures_with_raw(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<(DisclosurePage, Vec<Value>)> {
        let mut path = format!("disclosures?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&seg(c));
        }
        let url = self.url(&path)?;
        let value = self
            .execute(Method::GET, url, None, None, Sig::Items, true)
            .await?;
        page_with_raw(value)
    }

    pub async fn offers(&self) -> Result<OfferList> {
        self.get("offers", Sig::Items).await
    }

    pub async fn offer(&self, offer_id: &str) -> Result<Offer> {
        self.get(&format!("offers/{}", seg(offer_id)), Sig::One)
            .await
    }

    /// A soft counterfactual; with a key it is retried safely, without one it is sent once.
    pub async fn quote(&self, body: &QuoteBody, idempotency_key: Option<&str>) -> Result<Quote> {
        self.post("quotes", body, idempotency_key, Sig::One).await
    }

    pub async fn create_rights_request(
        &self,
        body: &RightsRequestBody,
        idempotency_key: &str,
    ) -> Result<RightsRequest> {
        self.post("rights-requests", body, Some(idempotency_key), Sig::One)
            .await
    }

    pub async fn rights_requests(&self) -> Result<RightsRequestList> {
        self.get("rights-requests", Sig::Items).await
    }

    pub async fn rights_request(&self, request_id: &str) -> Result<RightsRequest> {
        self.get(&format!("rights-requests/{}", seg(request_id)), Sig::One)
            .await
    }

    // ---- plumbing ----

    fn url(&self, path: &str) -> Result<Url> {
        let mut base = self.api_base.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.join(path.trim_start_matches('/'))
            .map_err(|e| LendingError::Usage(format!("bad path {path}: {e}")))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, sig: Sig) -> Result<T> {
        let url = if path.starts_with('/') {
            let mut u = self.api_base.clone();
            u.set_path(path);
            u.set_query(None);
            u
        } else {
            self.url(path)?
        };
        let v = self
            .execute(Method::GET, url, None, None, sig, true)
            .await?;
        parse(v)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
        sig: Sig,
    ) -> Result<T> {
        let url = self.url(path)?;
        let body = serde_json::to_vec(body).map_err(|e| LendingError::Usage(e.to_string()))?;
        let v = self
            .execute(Method::POST, url, Some(body), idempotency_key, sig, true)
            .await?;
        parse(v)
    }

    /// Sends with retries (when idempotent), reads with the size cap, verifies signatures.
    async fn execute(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
        sig: Sig,
        auth: bool,
    ) -> Result<Value> {
        let idempotent = method == Method::GET || idempotency_key.is_some();
        let mut attempt = 0;
        loop {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(header::ACCEPT, "application/json, application/problem+json");
            if auth && let Some(token) = &self.token {
                req = req.bearer_auth(&token.0);
            }
            if let Some(k) = idempotency_key {
                req = req.header(IDEMPOTENCY_KEY, k);
            }
            if let Some(b) = &body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let result = self.read_response(req).await;
            match result {
                Ok(value) => {
                    verify(&self.keys, &value, sig)?;
                    return Ok(value);
                }
                Err(e) if idempotent && e.is_transient() && attempt < self.config.max_retries => {
                    let wait = full_jitter_backoff(
                        self.config.backoff_base,
                        self.config.backoff_cap,
                        attempt,
                    );
                    tracing::debug!(%method, path = url.path(), attempt, ?wait, error = %e, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn read_response(&self, req: reqwest::RequestBuilder) -> Result<Value> {
        let mut resp = req.send().await.map_err(map_reqwest)?;
        let status = resp.status();
        let limit = self.config.max_response_bytes;
        if let Some(len) = resp.content_length()
            && len > limit as u64
        {
            return Err(LendingError::TooLarge { limit });
        }
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map_reqwest)? {
            if bytes.len() + chunk.len() > limit {
                return Err(LendingError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        decode_body(status, &content_type, &bytes)
    }
}

/// A response read in full: an error status becomes [`LendingError::Http`] (with the lender's
/// problem document when it sent one), anything but JSON is refused, JSON is parsed.
fn decode_body(status: StatusCode, content_type: &str, bytes: &[u8]) -> Result<Value> {
    if !status.is_success() {
        return Err(LendingError::Http {
            status: status.as_u16(),
            problem: Box::new(problem_from(status, content_type, bytes)),
        });
    }
    if !content_type.starts_with("application/json") {
        return Err(LendingError::Malformed {
            detail: format!("expected application/json, got {content_type:?}"),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| LendingError::Malformed {
        detail: format!("invalid JSON: {e}"),
    })
}

/// The checks a discovery document must pass before its keys are pinned: https (or loopback)
/// URLs, Ed25519 keys that decode, at least one key.
fn check_discovery(discovery: &Discovery) -> Result<(Url, KeyRing)> {
    let api_base = check_url(&discovery.api_base)?;
    check_url(&discovery.authorization_endpoint)?;
    check_url(&discovery.token_endpoint)?;
    let keys = KeyRing::from_public(&discovery.keys)?;
    if keys.is_empty() {
        return Err(LendingError::Malformed {
            detail: "discovery document publishes no keys".into(),
        });
    }
    Ok((api_base, keys))
}

/// A token endpoint's answer: RFC 6749 §5.1, bearer tokens only.
fn parse_token(value: Value) -> Result<TokenResponse> {
    let tok: TokenResponse = parse(value)?;
    if !tok.token_type.eq_ignore_ascii_case("bearer") {
        return Err(LendingError::Malformed {
            detail: format!("unsupported token_type {}", tok.token_type),
        });
    }
    Ok(tok)
}

fn build_http(config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("khata/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LendingError::Network(format!("cannot build HTTP client: {e}")))
}

fn map_reqwest(e: reqwest::Error) -> LendingError {
    if e.is_timeout() {
        LendingError::Timeout
    } else {
        // Without the URL: it is not secret, but it keeps messages short and stable.
        LendingError::Network(e.without_url().to_string())
    }
}

fn problem_from(status: StatusCode, content_type: &str, body: &[u8]) -> Problem {
    if (content_type.starts_with("application/problem+json")
        || content_type.starts_with("application/json"))
        && let Ok(p) = serde_json::from_slice::<Problem>(body)
    {
        return p;
    }
    Problem {
        type_uri: "about:blank".into(),
        title: status
            .canonical_reason()
            .unwrap_or("HTTP error")
            .to_string(),
        status: status.as_u16(),
        detail: Some("the lender sent an error without a problem document".into()),
        instance: None,
        error: None,
    }
}

fn verify(keys: &KeyRing, value: &Value, sig: Sig) -> Result<(), SignError> {
    match sig {
        Sig::None => Ok(()),
        Sig::One => keys.verify_value(value),
        Sig::Items => match value.get("items").and_then(Value::as_array) {
            Some(items) => keys.verify_values(items),
            None => Err(SignError::Malformed("no items array".into())),
        },
        Sig::Receipt => {
            keys.verify_value(value)?;
            keys.verify_value(value.get("consent").ok_or(SignError::Missing)?)
        }
    }
}

/// A verified disclosure page, parsed, with each item's JSON as received.
fn page_with_raw(value: Value) -> Result<(DisclosurePage, Vec<Value>)> {
    let raw = value
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let page: DisclosurePage = parse(value)?;
    Ok((page, raw))
}

fn parse<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| LendingError::Malformed {
        detail: e.to_string(),
    })
}

/// Percent-encodes one path segment or query value.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The client's handling of a response body, without a network: for the fuzz targets in
/// `src-tauri/fuzz` (feature `fuzzing`). Each call runs exactly the code the client runs on
/// what a lender sent once the bytes are read — status and content type, JSON, signature
/// checks against the pinned keys, then the typed parse.
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    use super::*;

    /// Which call the response answers; each parses and verifies differently.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Endpoint {
        Discovery,
        Token,
        Catalog,
        ConsentRequests,
        ConsentRequest,
        Decide,
        Consents,
        Consent,
        Receipt,
        Disclosures,
        DisclosuresWithRaw,
        Offers,
        Offer,
        Quote,
        RightsRequests,
        RightsRequest,
    }

    pub const ENDPOINTS: [Endpoint; 16] = [
        Endpoint::Discovery,
        Endpoint::Token,
        Endpoint::Catalog,
        Endpoint::ConsentRequests,
        Endpoint::ConsentRequest,
        Endpoint::Decide,
        Endpoint::Consents,
        Endpoint::Consent,
        Endpoint::Receipt,
        Endpoint::Disclosures,
        Endpoint::DisclosuresWithRaw,
        Endpoint::Offers,
        Endpoint::Offer,
        Endpoint::Quote,
        Endpoint::RightsRequests,
        Endpoint::RightsRequest,
    ];

    /// What the client does with `body` answering `endpoint` (status and content type as
    /// the lender sent them). `Ok` means the client would have accepted it.
    pub fn handle_response(
        keys: &KeyRing,
        endpoint: Endpoint,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> Result<()> {
        let status =
            StatusCode::from_u16(status).map_err(|e| LendingError::Usage(e.to_string()))?;
        let value = decode_body(status, &content_type.to_ascii_lowercase(), body)?;
        let signed = |sig| verify(keys, &value, sig).map_err(LendingError::from);
        match endpoint {
            Endpoint::Discovery => check_discovery(&parse::<Discovery>(value)?).map(drop),
            Endpoint::Token => parse_token(value).map(drop),
            Endpoint::Catalog => parse::<SignalCatalog>(value).map(drop),
            Endpoint::ConsentRequests => parse::<ConsentRequestList>(value).map(drop),
            Endpoint::ConsentRequest => parse::<ConsentRequest>(value).map(drop),
            Endpoint::Decide | Endpoint::Consent => {
                signed(Sig::One)?;
                parse::<Consent>(value).map(drop)
            }
            Endpoint::Consents => {
                signed(Sig::Items)?;
                parse::<ConsentList>(value).map(drop)
            }
            Endpoint::Receipt => {
                signed(Sig::Receipt)?;
                parse::<Receipt>(value).map(drop)
            }
            Endpoint::Disclosures => {
                signed(Sig::Items)?;
                parse::<DisclosurePage>(value).map(drop)
            }
            Endpoint::DisclosuresWithRaw => {
                signed(Sig::Items)?;
                page_with_raw(value).map(drop)
            }
            Endpoint::Offers => {
                signed(Sig::Items)?;
                parse::<OfferList>(value).map(drop)
            }
            Endpoint::Offer | Endpoint::Quote => {
                signed(Sig::One)?;
                if endpoint == Endpoint::Offer {
                    parse::<Offer>(value).map(drop)
                } else {
                    parse::<Quote>(value).map(drop)
                }
            }
            Endpoint::RightsRequests => {
                signed(Sig::Items)?;
                parse::<RightsRequestList>(value).map(drop)
            }
            Endpoint::RightsRequest => {
                signed(Sig::One)?;
                parse::<RightsRequest>(value).map(drop)
            }
        }
    }

    /// The typed parse alone, as if the signature had verified: a lender holds its key and
    /// can sign anything, so the parse must be safe on any JSON too.
    pub fn parse_as(endpoint: Endpoint, value: Value) -> Result<()> {
        match endpoint {
            Endpoint::Discovery => check_discovery(&parse::<Discovery>(value)?).map(drop),
            Endpoint::Token => parse_token(value).map(drop),
            Endpoint::Catalog => parse::<SignalCatalog>(value).map(drop),
            Endpoint::ConsentRequests => parse::<ConsentRequestList>(value).map(drop),
            Endpoint::ConsentRequest => parse::<ConsentRequest>(value).map(drop),
            Endpoint::Decide | Endpoint::Consent => parse::<Consent>(value).map(drop),
            Endpoint::Consents => parse::<ConsentList>(value).map(drop),
            Endpoint::Receipt => parse::<Receipt>(value).map(drop),
            Endpoint::Disclosures => parse::<DisclosurePage>(value).map(drop),
            Endpoint::DisclosuresWithRaw => page_with_raw(value).map(drop),
            Endpoint::Offers => parse::<OfferList>(value).map(drop),
            Endpoint::Offer => parse::<Offer>(value).map(drop),
            Endpoint::Quote => parse::<Quote>(value).map(drop),
            Endpoint::RightsRequests => parse::<RightsRequestList>(value).map(drop),
            Endpoint::RightsRequest => parse::<RightsRequest>(value).map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_skip_tls() {
        for ok in [
            "https://lender.example/api",
            "http://127.0.0.1:8080",
            "http://localhost:1/x",
            "http://[::1]:9/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://lender.example",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "nonsense",
        ] {
            assert!(
                matches!(check_url(bad), Err(LendingError::InsecureUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn backoff_stays_under_the_ceiling() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_millis(1000);
        for attempt in 0..40 {
            let d = full_jitter_backoff(base, cap, attempt);
            let ceiling = (base * 2u32.saturating_pow(attempt.min(30))).min(cap);
            assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
        }
    }
}
