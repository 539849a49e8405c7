//! OAuth 2.0 for native apps against the lender: the authorize URL with PKCE, the code and
//! refresh grants, and the loopback-redirect flow (with a browser, or headless for lenders
//! that approve at once).

use std::time::Duration;

use reqwest::header;
use url::Url;

use super::LendingClient;
use super::response::parse_token;
use super::transport::{check_url, map_reqwest};
use crate::error::{LendingError, Result};
use crate::oauth::{LoopbackRedirect, Pkce, random_token};
use crate::types::*;

impl LendingClient {
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
}

/// A token request's form body (`application/x-www-form-urlencoded`).
fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}
