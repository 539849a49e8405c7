//! Where a report's input comes from: a sandbox's own database (the admin route, and the CLI
//! with `--state`), or a scenario run made up for the CLI without one, spread over days as a
//! borrower's would be.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;

use chrono::{DateTime, Duration, Utc};
use khata_lending::types::{Consent, ConsentStatus};
use rusqlite::Connection;

use super::{CollectionFacts, ConsentFacts, ReportInput};
use crate::scenario::Scenario;
use crate::store::{list_docs, meta_get};

/// The input from the state directory of a sandbox (running or not): its scenario, as stored
/// at its first start, unless it has none; the lender id its consents name.
pub fn from_state_dir(
    dir: &Path,
    scenario: Option<Scenario>,
    seed: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<ReportInput> {
    let path = dir.join(crate::DB_FILE);
    if !path.is_file() {
        anyhow::bail!(
            "{} holds no sandbox state ({} is missing)",
            dir.display(),
            crate::DB_FILE
        );
    }
    let conn = crate::store::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let stored: Option<Scenario> = meta_get(&conn, "scenario")?
        .map(|s| s.parse().map_err(anyhow::Error::msg))
        .transpose()?;
    let scenario = match (scenario, stored) {
        (Some(asked), Some(stored)) if asked != stored => anyhow::bail!(
            "the sandbox in {} runs scenario {stored}, not {asked}",
            dir.display()
        ),
        (asked, stored) => stored.or(asked).unwrap_or(Scenario::SalariedGood),
    };
    let lender_id = list_docs::<Consent>(&conn, "consents")?
        .pop()
        .map(|c| c.lender_id)
        .unwrap_or_else(|| crate::DEFAULT_LENDER_ID.into());
    Ok(from_store(
        &conn,
        scenario,
        seed,
        &lender_id,
        "127.0.0.1",
        now,
    )?)
}

/// The input from a sandbox's database: its consents (with when each was wholly revoked, from
/// the revocation receipts, or its revoked version), and every disclosure it made.
pub fn from_store(
    conn: &Connection,
    scenario: Scenario,
    seed: u64,
    lender_id: &str,
    lender_host: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<ReportInput> {
    let mut consents: Vec<Consent> = list_docs(conn, "consents")?;
    consents.sort_by_key(|c| c.create_timestamp);
    let mut facts = Vec::with_capacity(consents.len());
    for c in consents {
        let revoked_at = revoked_at(conn, &c, now)?;
        facts.push(ConsentFacts {
            consent_id: c.consent_id,
            created_at: c.create_timestamp,
            revoked_at,
            granted: c.signals_granted,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT signal, collected_at, consent_id FROM disclosures ORDER BY collected_at, seq",
    )?;
    let collections = stmt
        .query_map([], |r| {
            let at: String = r.get(1)?;
            Ok((r.get::<_, String>(0)?, at, r.get::<_, Option<String>>(2)?))
        })?
        .map(|row| {
            let (signal, at, consent_id) = row?;
            let collected_at = DateTime::parse_from_rfc3339(&at)
                .map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        1,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?
                .with_timezone(&Utc);
            Ok(CollectionFacts {
                signal,
                collected_at,
                consent_id,
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // After `next_borrower`, the app ran on this borrower's phone only from their arrival.
    let since = meta_get(conn, crate::api::BORROWER_SINCE)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc));
    let collections = match since {
        Some(since) => collections
            .into_iter()
            .filter(|c| c.collected_at >= since)
            .collect(),
        None => collections,
    };
    Ok(ReportInput {
        scenario,
        seed,
        lender_id: lender_id.into(),
        lender_host: lender_host.into(),
        now,
        consents: facts,
        collections,
    })
}

/// The input of a running sandbox: its state, scenario, seed and claimed lender id, its host.
pub(crate) fn from_running(
    inner: &crate::api::Inner,
    now: DateTime<Utc>,
) -> rusqlite::Result<ReportInput> {
    let host = url::Url::parse(&inner.base_url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_else(|| "127.0.0.1".into());
    let db = inner.db.lock().expect("db lock");
    from_store(
        &db,
        inner.scenario,
        inner.seed,
        &inner.lender_id(),
        &host,
        now,
    )
}

/// When every granted signal of `c` had been revoked: the receipt that completed the set (a
/// whole-consent revocation names them all), or the revoked version's time. Receipts dated
/// after the clock (a lender lying about `effectiveAt`) do not count; the consent's own
/// version, changed when the borrower asked, does.
fn revoked_at(
    conn: &Connection,
    c: &Consent,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let mut stmt = conn.prepare(
        "SELECT effective_at, json FROM receipts WHERE consent_id = ?1 AND action = 'revoke'
         ORDER BY effective_at",
    )?;
    let rows = stmt.query_map([&c.consent_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let granted: BTreeSet<&str> = c.signals_granted.iter().map(String::as_str).collect();
    let mut revoked: BTreeSet<String> = BTreeSet::new();
    let mut by_receipt = None;
    for row in rows {
        let (at, json) = row?;
        let Ok(at) = DateTime::parse_from_rfc3339(&at) else {
            continue;
        };
        let at = at.with_timezone(&Utc);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        let signals = value["signals"].as_array().cloned().unwrap_or_default();
        revoked.extend(signals.iter().filter_map(|s| s.as_str().map(String::from)));
        if at <= now && granted.iter().all(|g| revoked.contains(*g)) {
            by_receipt = Some(at);
            break;
        }
    }
    let by_version = (c.status == ConsentStatus::Revoked).then_some(c.updated_at);
    Ok(match (by_receipt, by_version) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// A run of `scenario` of its own, ending at `now`: the borrower consented three days ago to
/// every signal asked for; a well-behaved lender collected once a day since; the over-collector
/// collected too, beyond its consent, and the borrower revoked it a day ago — after which it
/// collected once more.
pub fn scenario_run(scenario: Scenario, seed: u64, now: DateTime<Utc>) -> ReportInput {
    let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
    // Odd milliseconds, as a real clock's would be.
    let created = now - Duration::days(3) + Duration::milliseconds(17 * 60_000 + 417);
    let granted = scenario.requested_signals();
    let consent_id = "consent-phone-report-run".to_string();
    let revoked_at = scenario
        .over_collects()
        .then(|| now - Duration::days(1) - Duration::milliseconds(43 * 60_000 + 281));
    let mut rounds = vec![
        created + Duration::milliseconds(3_118),
        created + Duration::milliseconds(86_400_000 + 706),
        created + Duration::milliseconds(2 * 86_400_000 + 352),
    ];
    if let Some(r) = revoked_at {
        rounds.retain(|t| *t < r);
        rounds.push(now - Duration::milliseconds(6 * 3_600_000 + 19_873));
    }
    let mut collections = Vec::new();
    for t in rounds {
        let mut signals = granted.clone();
        if scenario.over_collects() {
            signals.extend(["contacts_network".into(), "call_log_pattern".into()]);
        }
        for signal in signals {
            collections.push(CollectionFacts {
                signal,
                collected_at: t,
                consent_id: Some(consent_id.clone()),
            });
        }
        if scenario.over_collects() {
            collections.push(CollectionFacts {
                signal: "location_stability".into(),
                collected_at: t,
                consent_id: None,
            });
        }
    }
    ReportInput {
        scenario,
        seed,
        lender_id: crate::DEFAULT_LENDER_ID.into(),
        lender_host: "127.0.0.1".into(),
        now,
        consents: vec![ConsentFacts {
            consent_id,
            created_at: created,
            revoked_at,
            granted,
        }],
        collections,
    }
}
