//! Contract v2's disclosure log over HTTP: the signed tree head, pages of leaves each with a
//! head signed at the page's end, and consistency and inclusion proofs from the in-memory tree.
//! Every handler first gives the history faults their chance to rewrite the log, and a page
//! records how far the client has seen it (what those faults wait for).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use khata_contract::log::{
    ConsistencyProof, InclusionProof, LOG_DISCLOSURES, MAX_PAGE_ENTRIES, TreeHead,
};
use khata_contract::merkle::{self, Hash};
use rusqlite::Connection;

use super::problem::{conflict, internal, json_response, problem, unprocessable};
use super::{HandlerResult, Inner, Shared, now, sign};
use crate::log::Log;

/// `GET /v2/log/head`: the latest tree head.
pub(super) async fn head(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let log = locked_log(&inner, &db)?;
    let size = log.size();
    let head = signed_head(&inner, &log, size)?;
    Ok(json_response(StatusCode::OK, &head))
}

/// `GET /v2/log/entries?start=S&limit=L`: leaves `[S, S + L)` as stored, with a head signed at
/// the size the page ends at, so the client can check the page against it before asking on.
pub(super) async fn entries(State(inner): State<Shared>, RawQuery(q): RawQuery) -> HandlerResult {
    let params = query(q.as_deref())?;
    let start = number(&params, "start", Some(0))?;
    let limit = number(&params, "limit", Some(100))?;
    if !(1..=MAX_PAGE_ENTRIES).contains(&limit) {
        return Err(bad_query(format!(
            "limit must be an integer from 1 to {MAX_PAGE_ENTRIES}"
        )));
    }
    let db = inner.db.lock().expect("db lock");
    let mut log = locked_log(&inner, &db)?;
    if start > log.size() {
        return Err(beyond(start, log.size()));
    }
    let rows = crate::log::entries(&db, start, limit as u32).map_err(internal)?;
    let end = start + rows.len() as u64;
    let head = signed_head(&inner, &log, end)?;
    log.served(end);
    // The leaves are stored as served; splice them in rather than parse and re-serialise each
    // (a full sync's hot path).
    let head = serde_json::to_vec(&head).expect("a head serialises");
    let mut body =
        Vec::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + head.len() + 32);
    body.extend_from_slice(b"{\"entries\":[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(r.as_bytes());
    }
    body.extend_from_slice(b"],\"treeHead\":");
    body.extend_from_slice(&head);
    body.push(b'}');
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// `GET /v2/log/consistency?first=M&second=N`: the proof that the tree at `N` extends the tree
/// at `M` (RFC 9162 §2.1.4), `0 < M <= N <= size`. Malformed parameters are 400, `M > N` 422,
/// `N` past the log's size 409 (it may be reached later).
pub(super) async fn consistency(
    State(inner): State<Shared>,
    RawQuery(q): RawQuery,
) -> HandlerResult {
    let params = query(q.as_deref())?;
    let first = number(&params, "first", None)?;
    let second = number(&params, "second", None)?;
    if first == 0 {
        return Err(bad_query("first must be at least 1"));
    }
    if first > second {
        return Err(unprocessable("first must not be larger than second"));
    }
    let db = inner.db.lock().expect("db lock");
    let log = locked_log(&inner, &db)?;
    if second > log.size() {
        return Err(beyond(second, log.size()));
    }
    let proof = log
        .tree()
        .consistency_proof(first, second)
        .map_err(internal)?;
    Ok(json_response(
        StatusCode::OK,
        &ConsistencyProof {
            first,
            second,
            proof: encode(&proof),
        },
    ))
}

/// `GET /v2/log/inclusion?index=I&size=N`: the audit path of leaf `I` in the tree at `N`
/// (RFC 9162 §2.1.3), `I < N <= size` (400, 422 and 409 as for consistency).
pub(super) async fn inclusion(State(inner): State<Shared>, RawQuery(q): RawQuery) -> HandlerResult {
    let params = query(q.as_deref())?;
    let index = number(&params, "index", None)?;
    let size = number(&params, "size", None)?;
    if index >= size {
        return Err(unprocessable("index must be smaller than size"));
    }
    let db = inner.db.lock().expect("db lock");
    let log = locked_log(&inner, &db)?;
    if size > log.size() {
        return Err(beyond(size, log.size()));
    }
    let proof = log.tree().inclusion_proof(index, size).map_err(internal)?;
    Ok(json_response(
        StatusCode::OK,
        &InclusionProof {
            index,
            size,
            proof: encode(&proof),
        },
    ))
}

/// The log, after any history fault that is due has rewritten it.
fn locked_log<'a>(
    inner: &'a Inner,
    db: &Connection,
) -> Result<std::sync::MutexGuard<'a, Log>, axum::response::Response> {
    let mut log = inner.log.lock().expect("log lock");
    let faults = inner.faults.read().expect("faults lock").clone();
    log.apply_faults(db, &faults).map_err(internal)?;
    Ok(log)
}

/// A tree head at `size` (at most the tree's), signed with the lender's current key.
fn signed_head(inner: &Inner, log: &Log, size: u64) -> Result<TreeHead, axum::response::Response> {
    let root = log.tree().root_at(size).map_err(internal)?;
    sign(
        inner,
        &TreeHead {
            log: LOG_DISCLOSURES.into(),
            lender_id: inner.lender_id(),
            tree_size: size,
            root_hash: merkle::encode_hash(&root),
            timestamp: now(),
            signature: khata_lending::signing::unsigned(),
        },
    )
}

fn encode(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(merkle::encode_hash).collect()
}

fn query(q: Option<&str>) -> Result<HashMap<String, String>, axum::response::Response> {
    serde_urlencoded::from_str(q.unwrap_or("")).map_err(|e| bad_query(e.to_string()))
}

/// A non-negative integer parameter, written plainly (`007` and `+7` are refused); `default`
/// when absent, or an error if it is required.
fn number(
    params: &HashMap<String, String>,
    name: &str,
    default: Option<u64>,
) -> Result<u64, axum::response::Response> {
    match params.get(name) {
        None => default.ok_or_else(|| bad_query(format!("{name} is required"))),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| n.to_string() == *v && *n <= i64::MAX as u64)
            .ok_or_else(|| bad_query(format!("{name} must be a non-negative integer"))),
    }
}

/// A parameter that is not what the contract's schema allows.
fn bad_query(detail: impl Into<String>) -> axum::response::Response {
    problem(StatusCode::BAD_REQUEST, "bad-query", "Bad query", detail)
}

/// A well-formed request for more of the log than there is (yet): a conflict with its state.
fn beyond(asked: u64, size: u64) -> axum::response::Response {
    conflict(format!("{asked} is past the end of the log (size {size})"))
}
