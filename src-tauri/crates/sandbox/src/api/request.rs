//! Reading request bodies as the contract demands: JSON only, no nulls, and string limits
//! counted the way JSON Schema counts them.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::problem::{problem, unprocessable};

/// The body as `T`, and as the JSON received (which fingerprints an idempotent request).
pub(super) fn parse_json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(T, Value), Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("application/json") {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send Content-Type: application/json",
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "Malformed JSON",
            e.to_string(),
        )
    })?;
    if let Some(path) = find_null(&value, "") {
        // No request member is nullable: omit a member instead of sending null.
        return Err(unprocessable(format!("{path} is null; omit it instead")));
    }
    let typed = serde_json::from_value(value.clone()).map_err(|e| unprocessable(e.to_string()))?;
    Ok((typed, value))
}

/// JSON Schema `maxLength` counts code points, not bytes.
pub(super) fn max_chars(field: &str, v: &str, max: usize) -> Result<(), Response> {
    if v.chars().count() > max {
        return Err(unprocessable(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(())
}

fn find_null(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Null => Some(if at.is_empty() {
            "the body".into()
        } else {
            at.into()
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_null(x, &format!("{at}[{i}]"))),
        Value::Object(m) => m
            .iter()
            .find_map(|(k, x)| find_null(x, &format!("{at}/{k}"))),
        _ => None,
    }
}
