//! The disclosure log as the borrower pages through it: cursor pagination over the signed
//! records, spliced into the page as stored (under the `endless-pages` fault, a log that never
//! ends).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use rusqlite::params;

use super::problem::{internal, problem};
use super::{HandlerResult, Shared};

pub(super) async fn list(State(inner): State<Shared>, RawQuery(q): RawQuery) -> HandlerResult {
    let params: HashMap<String, String> = serde_urlencoded::from_str(q.as_deref().unwrap_or(""))
        .map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "bad-query",
                "Bad query",
                e.to_string(),
            )
        })?;
    let limit: u32 = match params.get("limit") {
        None => 100,
        Some(l) => l
            .parse()
            .ok()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| {
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    "Bad query",
                    "limit must be an integer from 1 to 1000",
                )
            })?,
    };
    let after: i64 = match params.get("cursor") {
        None => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1 && n.to_string() == *c)
            .ok_or_else(|| {
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    "Bad query",
                    "cursor must come from nextCursor",
                )
            })?,
    };
    let db = inner.db.lock().expect("db lock");
    let mut stmt = db
        .prepare("SELECT seq, json FROM disclosures WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .map_err(internal)?;
    let rows: Vec<(i64, String)> = stmt
        .query_map(params![after, limit + 1], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(internal)?
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    // Fault `withhold-disclosures=N`: a lender hiding every Nth collection from the borrower.
    let withhold = inner
        .faults
        .read()
        .expect("faults lock")
        .withhold_disclosures as i64;
    let rows: Vec<(i64, String)> = rows
        .into_iter()
        .filter(|(seq, _)| withhold == 0 || seq % withhold != 0)
        .collect();
    let more = rows.len() > limit as usize;
    let page: Vec<(i64, String)> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = if more {
        page.last().map(|(s, _)| s.to_string())
    } else {
        None
    };
    let endless = inner.faults.read().expect("faults lock").endless_pages;
    let next_cursor = match endless {
        // Past the end the log goes on: empty pages, each with a cursor never seen before.
        1 => next_cursor.or_else(|| {
            let last = page.last().map_or(after.saturating_add(1), |(s, _)| *s);
            Some(last.max(1).to_string())
        }),
        // The cursor just asked for comes back as the next one.
        2 => Some(after.max(1).to_string()),
        _ => next_cursor,
    };
    // The rows are the signed documents already serialised; splice them into the page as they
    // are instead of parsing and re-serialising each (this is the hot path of a full sync).
    let mut body = Vec::with_capacity(page.iter().map(|(_, j)| j.len() + 1).sum::<usize>() + 64);
    body.extend_from_slice(b"{\"items\":[");
    for (i, (_, j)) in page.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(j.as_bytes());
    }
    body.push(b']');
    if let Some(c) = next_cursor {
        body.extend_from_slice(format!(",\"nextCursor\":\"{c}\"").as_bytes());
    }
    body.push(b'}');
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
