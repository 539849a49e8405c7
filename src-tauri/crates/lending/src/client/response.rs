//! What the client makes of a response once its bytes are read, with no network involved:
//! status and content type, JSON, signature checks against the pinned keys, the typed parse.
//! Kept pure so the fuzz targets run exactly this code. Lender text kept in an error (a problem
//! document's strings, a parse error quoting the body) is cleaned here (`lender_text`), before
//! anything logs, stores or shows it.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::transport::check_url;
use crate::error::{LendingError, Result};
use crate::lender_text::{sanitize, sanitize_opt};
use crate::redact;
use crate::signing::{KeyRing, SignError};
use crate::types::*;

use super::Signed;

/// How to check the signatures in a response body.
#[derive(Clone, Copy)]
pub(super) enum Sig {
    /// Unsigned (catalog, consent requests, token).
    None,
    /// The body is one signed object.
    One,
    /// The body's `items` are signed objects.
    Items,
    /// A receipt: signed, and so is the consent inside it.
    Receipt,
}

/// A response read in full: an error status becomes [`LendingError::Http`] (with the lender's
/// problem document when it sent one), anything but JSON is refused, JSON is parsed.
pub(super) fn decode_body(status: StatusCode, content_type: &str, bytes: &[u8]) -> Result<Value> {
    if !status.is_success() {
        return Err(LendingError::Http {
            status: status.as_u16(),
            problem: Box::new(problem_from(status, content_type, bytes)),
        });
    }
    if !content_type.starts_with("application/json") {
        return Err(LendingError::Malformed {
            detail: sanitize(&format!("expected application/json, got {content_type:?}")),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| LendingError::Malformed {
        detail: sanitize(&format!("invalid JSON: {e}")),
    })
}

/// The checks a discovery document must pass before its keys are pinned: https (or loopback)
/// URLs that all share one origin (scheme, host and port) — `fetched_from`'s, the address the
/// document came from, when known, else the API base's — Ed25519 keys that decode, at least one
/// key, and declared apps whose ids look like app ids (`khata_contract::apps`). One origin
/// means the bearer token, the authorization code and the refresh token only ever go to the
/// server that published the keys, and plain-http loopback endpoints only when the discovery
/// itself was plain-http loopback.
pub(super) fn check_discovery(
    discovery: &Discovery,
    fetched_from: Option<&Url>,
) -> Result<(Url, KeyRing)> {
    let api_base = check_url(&discovery.api_base)?;
    let home = fetched_from.unwrap_or(&api_base).origin();
    for (endpoint, raw) in [
        ("apiBase", &discovery.api_base),
        ("authorizationEndpoint", &discovery.authorization_endpoint),
        ("tokenEndpoint", &discovery.token_endpoint),
    ] {
        let url = check_url(raw)?;
        if url.origin() != home {
            return Err(LendingError::ForeignOrigin {
                endpoint,
                url: sanitize(url.as_str()),
                origin: sanitize(&home.ascii_serialization()),
            });
        }
    }
    let keys = KeyRing::from_public(&discovery.keys)?;
    if keys.is_empty() {
        return Err(LendingError::Malformed {
            detail: "discovery document publishes no keys".into(),
        });
    }
    khata_contract::apps::check(&discovery.apps).map_err(|e| LendingError::Malformed {
        detail: e.to_string(),
    })?;
    Ok((api_base, keys))
}

/// A token endpoint's answer: RFC 6749 §5.1, bearer tokens only.
pub(super) fn parse_token(value: Value) -> Result<TokenResponse> {
    let tok: TokenResponse = parse(value)?;
    if !tok.token_type.eq_ignore_ascii_case("bearer") {
        return Err(LendingError::Malformed {
            detail: sanitize(&format!("unsupported token_type {}", tok.token_type)),
        });
    }
    Ok(tok)
}

/// The lender's problem document with every string cleaned, or a stand-in when it sent none
/// (or an unreadable one).
fn problem_from(status: StatusCode, content_type: &str, body: &[u8]) -> Problem {
    if (content_type.starts_with("application/problem+json")
        || content_type.starts_with("application/json"))
        && let Ok(p) = serde_json::from_slice::<Problem>(body)
    {
        return Problem {
            type_uri: sanitize(&p.type_uri),
            title: sanitize(&p.title),
            status: p.status,
            detail: sanitize_opt(p.detail),
            instance: sanitize_opt(p.instance),
            error: sanitize_opt(p.error),
        };
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

/// Checks the signatures `sig` says the body carries, on the JSON as received.
pub(super) fn verify(keys: &KeyRing, value: &Value, sig: Sig) -> Result<(), SignError> {
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
pub(super) fn page_with_raw(value: Value) -> Result<(DisclosurePage, Vec<Value>)> {
    let raw = value
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let page: DisclosurePage = parse(plain(value, Sig::Items)?)?;
    Ok((page, raw))
}

/// The plain form of a verified body for the typed parse: a redactable statement (contract v2)
/// is revealed — the body itself, or each of its `items` — and a 1.x one left as it is. A
/// disclosure that does not match its commitment is refused like any malformed statement.
pub(super) fn plain(value: Value, sig: Sig) -> Result<Value> {
    let reveal = |v: Value| {
        redact::plain(v).map_err(|e| LendingError::Malformed {
            detail: sanitize(&e.to_string()),
        })
    };
    match (sig, value) {
        (Sig::None, v) => Ok(v),
        (Sig::One | Sig::Receipt, v) => reveal(v),
        (Sig::Items, Value::Object(mut map)) => {
            if let Some(Value::Array(items)) = map.remove("items") {
                let items = items.into_iter().map(reveal).collect::<Result<Vec<_>>>()?;
                map.insert("items".into(), Value::Array(items));
            }
            Ok(Value::Object(map))
        }
        (Sig::Items, v) => Ok(v),
    }
}

/// A statement whose signature checked, revealed and parsed, with its JSON as received.
pub(super) fn signed<T: DeserializeOwned>(raw: Value) -> Result<Signed<T>> {
    let value = parse(plain(raw.clone(), Sig::One)?)?;
    Ok(Signed { value, raw })
}

/// The typed parse; JSON that does not fit the wire types is [`LendingError::Malformed`] (serde's
/// message quotes the offending value, so it is lender text).
pub(super) fn parse<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| LendingError::Malformed {
        detail: sanitize(&e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lender_text::{MAX_CHARS, is_unsafe};
    use crate::signing::LenderKey;

    fn discovery(api: &str, authorize: &str, token: &str) -> Discovery {
        Discovery {
            lender_id: "L".into(),
            name: "L".into(),
            api_base: api.into(),
            authorization_endpoint: authorize.into(),
            token_endpoint: token.into(),
            spec_version: "1.0.0".into(),
            keys: vec![LenderKey::generate().public_info()],
            key_endorsement: None,
            apps: vec![],
        }
    }

    #[test]
    fn every_endpoint_shares_the_discovery_origin() {
        let home = Url::parse("https://lender.example/.well-known/x").unwrap();
        let ok = discovery(
            "https://lender.example/api/v1",
            "https://lender.example:443/oauth/authorize",
            "https://LENDER.example/oauth/token",
        );
        assert!(check_discovery(&ok, Some(&home)).is_ok());
        for (bad, endpoint) in [
            (
                discovery(
                    "https://api.lender.example",
                    "https://lender.example/a",
                    "https://lender.example/t",
                ),
                "apiBase",
            ),
            (
                discovery(
                    "https://lender.example",
                    "https://lender.example:8443/a",
                    "https://lender.example/t",
                ),
                "authorizationEndpoint",
            ),
            // Plain-http loopback only with a plain-http loopback discovery.
            (
                discovery(
                    "https://lender.example",
                    "https://lender.example/a",
                    "http://127.0.0.1:8080/t",
                ),
                "tokenEndpoint",
            ),
        ] {
            let Err(LendingError::ForeignOrigin {
                endpoint: got,
                origin,
                ..
            }) = check_discovery(&bad, Some(&home))
            else {
                panic!("{endpoint} elsewhere must be refused");
            };
            assert_eq!((got, origin.as_str()), (endpoint, "https://lender.example"));
        }
        // A stored document (origin unknown): its endpoints must agree among themselves.
        let local = discovery(
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/a",
            "http://localhost:9/t",
        );
        assert!(matches!(
            check_discovery(&local, None),
            Err(LendingError::ForeignOrigin {
                endpoint: "tokenEndpoint",
                ..
            })
        ));
    }

    #[test]
    fn declared_apps_must_look_like_app_ids() {
        use crate::types::{AppPlatform, LenderApp};
        let mut d = discovery(
            "https://lender.example",
            "https://lender.example/a",
            "https://lender.example/t",
        );
        d.apps = vec![
            LenderApp {
                platform: AppPlatform::Android,
                id: "in.khata.sandbox.lender".into(),
            },
            LenderApp {
                platform: AppPlatform::Ios,
                id: "in.khata.sandbox.Lender".into(),
            },
        ];
        assert!(check_discovery(&d, None).is_ok());
        // Forged log lines, escapes or megabytes in an id refuse the whole document, and the
        // refusal never repeats the id.
        for hostile in [
            "in.khata\n2026-01-01 INFO connected".to_string(),
            "in.khata.\u{1b}[2Jx".to_string(),
            format!("in.{}", "k".repeat(1 << 20)),
        ] {
            d.apps[0].id = hostile.clone();
            let Err(LendingError::Malformed { detail }) = check_discovery(&d, None) else {
                panic!("{hostile:.40} must be refused");
            };
            assert!(detail.starts_with("apps[0]: "), "{detail}");
            assert!(
                detail.len() < 200 && !detail.chars().any(is_unsafe),
                "{detail}"
            );
        }
        d.apps = vec![d.apps[1].clone(); crate::apps::MAX_APPS + 1];
        assert!(matches!(
            check_discovery(&d, None),
            Err(LendingError::Malformed { .. })
        ));
    }

    #[test]
    fn parse_errors_quoting_lender_text_are_cleaned() {
        let quoted = format!("\n\x1b[2J\u{202E}{}", "y".repeat(100_000));
        let Err(LendingError::Malformed { detail }) = parse::<u16>(Value::String(quoted)) else {
            panic!("a string is no u16");
        };
        // serde quotes the value escaped; what it does not bound is the length.
        assert!(
            detail.starts_with(r#"invalid type: string "\n\u{1b}[2J\u{202e}yyy"#),
            "{detail}"
        );
        assert_eq!(detail.chars().count(), MAX_CHARS);
        assert!(!detail.chars().any(is_unsafe));
        let Err(LendingError::Http { problem, .. }) = decode_body(
            StatusCode::BAD_REQUEST,
            "application/problem+json",
            br#"{"type":"about:blank","title":"Bad\u001b[31m","status":400}"#,
        ) else {
            panic!("400 is an error");
        };
        assert_eq!(problem.title, "Bad[31m");
    }
}
