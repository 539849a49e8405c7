//! Fault injection, so clients are tested against the failures real networks and real lenders
//! produce. Set at start (`--fault NAME=VALUE`, repeatable) or at run time with
//! `PUT /_sandbox/faults`. Admin routes (`/_sandbox/…`) are never faulted.
//!
//! | `--fault`                 | effect                                                              |
//! |---------------------------|---------------------------------------------------------------------|
//! | `latency=200ms`           | delay every response (`ms` or `s`; a bare number is ms)            |
//! | `error-rate=0.3`          | that share of requests get a 503 problem before any work is done  |
//! | `drop-after-commit=0.5`   | that share of successful POSTs commit, then the connection drops   |
//! |                           | mid-body (the client sees a broken response and should retry)      |
//! | `malformed-json=0.1`      | that share of successful responses carry truncated JSON            |
//! | `oversize-body=0.1`       | that share of successful responses carry a 9 MiB JSON body         |
//! | `drop-next=2`             | the next 2 successful POSTs commit, then drop (deterministic)      |
//! | `withhold-disclosures=3`  | every 3rd disclosure (by `seq`) is never listed: a lender hiding   |
//! |                           | collections; `khata verify` names the holes in its sequence        |
//! | `endless-pages=1`         | the disclosure log never ends: past its last record every page is  |
//! |                           | empty with a fresh `nextCursor`; `=2` names the cursor just asked  |
//! |                           | for as the next one (a repeated cursor)                            |
//! | `hostile-problems=0.5`    | that share of requests get a 503 problem whose 7 MiB `detail` is   |
//! |                           | full of forged log lines, terminal escapes and bidi overrides      |
//! | `foreign-origin=URL`      | discovery names URL's origin as the API base and token endpoint    |
//! | `future-receipts=1`       | consent-action receipts carry an `effectiveAt` 75 years ahead      |
//! | `receipt-keeps-active=1`  | a revocation's receipt (and the consent) stay `ACTIVE`             |
//! | `widen-consent=1`         | a decision's consent grants every requested signal, denials ignored|
//! | `never-acknowledge=1`     | every revocation is answered 503, forever                          |
//! | `claim-lender-id=ID`      | an impostor: discovery and every record claim lender id `ID`       |
//! | `rotate-key=1`            | a key rotation: a new signing key, published with an endorsement  |
//! |                           | signed by the old key (`rotate-key=unsigned`: without one)         |
//! | `reuse-consent-id=ID`     | consents it grants take id `ID` (one held by another lender)       |
//! | `hide-rbi-flags=1`        | the signal catalogue carries no regulatory flags, and signals whose |
//! |                           | category can plausibly be blurred get neutral ones (call logs as   |
//! |                           | `pd:Behavioral`); contacts keep `pd:Contact` and their name        |
//! | `forked-history=1`        | once a client has fetched the v2 log, leaf 0 is rewritten (another |
//! |                           | signal) and the tree rebuilt: later heads contradict earlier ones  |
//! | `drop-leaf=1`             | the same, but leaf 0 is removed and the rest renumbered            |
//! | `reorder-leaves=1`        | the same, but leaves 0 and 1 swap places (renumbered)              |
//! | `offer-off-quote=1`       | an offer's rate is 0.5 % a month above what its scorecard (and the |
//! |                           | quote given before consent for the same choices) says             |
//! | `contract-v1=1`           | discovery says `specVersion` 1.0.0: a 1.x lender, whose clients    |
//! |                           | list `/disclosures` (each signed on its own) instead of the v2 log |
//!
//! Decisions are drawn from the sandbox's seeded RNG (`--seed`), so a run is reproducible
//! given the same request sequence.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Faults {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub drop_after_commit: f64,
    pub malformed_json: f64,
    pub oversize_body: f64,
    /// Drop the next N successful POST responses after commit, then stop (for exact tests).
    pub drop_next: u32,
    // The hostile lender: records withheld, endpoints, pages and problems meant to make a
    // client misbehave.
    /// Never list a disclosure whose `seq` is a multiple of N (0: list all).
    pub withhold_disclosures: u64,
    /// 1: empty disclosure pages with a fresh `nextCursor` forever; 2: a repeated cursor.
    pub endless_pages: u8,
    /// Share of requests answered with a huge, control-laden problem document.
    pub hostile_problems: f64,
    /// An origin (`scheme://host:port`) the discovery document names for the API base and the
    /// token endpoint instead of the sandbox's own.
    pub foreign_origin: Option<String>,
    /// Hostile answers to what the borrower asks (receipts and consents that say otherwise).
    /// Receipts for revoke, pause and resume claim an `effectiveAt` 75 years ahead.
    pub future_receipts: bool,
    /// A revocation is answered with a receipt whose consent (and the lender's own) stays ACTIVE.
    pub receipt_keeps_active: bool,
    /// The consent signed for a decision grants every requested signal, denials ignored.
    pub widen_consent: bool,
    /// Revocations are answered 503 forever (never acknowledged).
    pub never_acknowledge: bool,
    /// Claim this lender id instead of the sandbox's own (an impostor lender).
    pub claim_lender_id: Option<String>,
    /// Sign with a second key, derived from the first, and publish it (a key rotation).
    pub rotate_key: KeyRotation,
    /// Give the consents it grants this id (one another lender already uses).
    pub reuse_consent_id: Option<String>,
    /// Publish the catalogue without regulatory flags, with neutral-sounding categories where
    /// plausible (a lender hiding what RBI bars it from reading).
    pub hide_rbi_flags: bool,
    /// The lender rewrites its v2 disclosure log after a client has fetched it: one leaf
    /// changed (a fork of its history: heads it signs from then on contradict earlier ones).
    pub forked_history: bool,
    /// The same rewrite, but an earlier leaf is removed and the rest renumbered.
    pub drop_leaf: bool,
    /// The same rewrite, but two earlier leaves swap places.
    pub reorder_leaves: bool,
    /// Speak contract 1.x: discovery names spec version 1.0.0, so a client syncs the
    /// `/disclosures` listing (a 1.x lender; the v2 endpoints stay served).
    pub contract_v1: bool,
    /// Offers carry a monthly rate 50 basis points above the scorecard's: an offer that does
    /// not match the quote the borrower was shown before consenting.
    pub offer_off_quote: bool,
}

/// How the sandbox rotates its signing key (`rotate-key=…`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyRotation {
    /// The original key, as always.
    #[default]
    None,
    /// The new key, endorsed in the discovery document by a statement signed with the old one.
    Endorsed,
    /// The new key with no endorsement: to a client it looks like any other key.
    Unendorsed,
}

/// Size of a `hostile-problems` detail: near the client's 8 MiB cap once JSON-escaped, so it
/// arrives whole rather than as a refused oversize body.
pub const HOSTILE_DETAIL_BYTES: usize = 7 * 1024 * 1024;

/// Size of the oversize body: above the client's 8 MiB cap.
pub const OVERSIZE_BYTES: usize = 9 * 1024 * 1024;

impl Faults {
    /// Applies one `NAME=VALUE` spec.
    pub fn apply_spec(&mut self, spec: &str) -> Result<(), String> {
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("fault {spec:?} is not NAME=VALUE"))?;
        let rate = |v: &str| -> Result<f64, String> {
            let r: f64 = v
                .parse()
                .map_err(|_| format!("fault {name}: {v:?} is not a number"))?;
            if (0.0..=1.0).contains(&r) {
                Ok(r)
            } else {
                Err(format!("fault {name}: rate {r} is not between 0 and 1"))
            }
        };
        match name.trim() {
            "latency" => self.latency_ms = parse_duration_ms(value.trim())?,
            "error-rate" => self.error_rate = rate(value.trim())?,
            "drop-after-commit" => self.drop_after_commit = rate(value.trim())?,
            "malformed-json" => self.malformed_json = rate(value.trim())?,
            "oversize-body" => self.oversize_body = rate(value.trim())?,
            "drop-next" => {
                self.drop_next = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("fault drop-next: {value:?} is not a count"))?
            }
            "withhold-disclosures" => {
                self.withhold_disclosures = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("fault withhold-disclosures: {value:?} is not a count"))?
            }
            "endless-pages" => {
                self.endless_pages = match value.trim() {
                    "0" => 0,
                    "1" => 1,
                    "2" => 2,
                    v => {
                        return Err(format!(
                            "fault endless-pages: {v:?} is not 0, 1 (empty pages) or 2 (a repeated cursor)"
                        ));
                    }
                }
            }
            "hostile-problems" => self.hostile_problems = rate(value.trim())?,
            "foreign-origin" => {
                let url = url::Url::parse(value.trim())
                    .map_err(|e| format!("fault foreign-origin: {value:?} is not a URL: {e}"))?;
                self.foreign_origin = Some(url.origin().ascii_serialization());
            }
            "future-receipts" => self.future_receipts = flag(name, value)?,
            "receipt-keeps-active" => self.receipt_keeps_active = flag(name, value)?,
            "widen-consent" => self.widen_consent = flag(name, value)?,
            "never-acknowledge" => self.never_acknowledge = flag(name, value)?,
            "claim-lender-id" => {
                let id = value.trim();
                if id.is_empty() {
                    return Err("fault claim-lender-id: give the lender id to claim".into());
                }
                self.claim_lender_id = Some(id.to_string());
            }
            "rotate-key" => {
                self.rotate_key = match value.trim() {
                    "0" => KeyRotation::None,
                    "1" | "endorsed" => KeyRotation::Endorsed,
                    "unsigned" | "unendorsed" => KeyRotation::Unendorsed,
                    v => {
                        return Err(format!(
                            "fault rotate-key: {v:?} is not 0, 1 (endorsed) or unsigned"
                        ));
                    }
                }
            }
            "reuse-consent-id" => {
                let id = value.trim();
                if id.is_empty() {
                    return Err("fault reuse-consent-id: give the consent id to reuse".into());
                }
                self.reuse_consent_id = Some(id.to_string());
            }
            "hide-rbi-flags" => {
                self.hide_rbi_flags = match value.trim() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    v => return Err(format!("fault hide-rbi-flags: {v:?} is not 0 or 1")),
                }
            }
            "forked-history" => self.forked_history = flag(name, value)?,
            "drop-leaf" => self.drop_leaf = flag(name, value)?,
            "reorder-leaves" => self.reorder_leaves = flag(name, value)?,
            "contract-v1" => self.contract_v1 = flag(name, value)?,
            "offer-off-quote" => self.offer_off_quote = flag(name, value)?,
            other => {
                return Err(format!(
                    "unknown fault {other:?}; one of latency, error-rate, drop-after-commit, drop-next, malformed-json, oversize-body, withhold-disclosures, endless-pages, hostile-problems, foreign-origin, future-receipts, receipt-keeps-active, widen-consent, never-acknowledge, claim-lender-id, rotate-key, reuse-consent-id, hide-rbi-flags, forked-history, drop-leaf, reorder-leaves, contract-v1, offer-off-quote"
                ));
            }
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), String> {
        for (n, r) in [
            ("errorRate", self.error_rate),
            ("dropAfterCommit", self.drop_after_commit),
            ("malformedJson", self.malformed_json),
            ("oversizeBody", self.oversize_body),
            ("hostileProblems", self.hostile_problems),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("{n} must be between 0 and 1"));
            }
        }
        Ok(())
    }
}

/// An on/off fault: `1`/`true` or `0`/`false`.
fn flag(name: &str, v: &str) -> Result<bool, String> {
    match v.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("fault {name}: {v:?} is not 1 or 0")),
    }
}

fn parse_duration_ms(v: &str) -> Result<u64, String> {
    let bad = || format!("latency {v:?} is not a duration like 200ms or 2s");
    if let Some(ms) = v.strip_suffix("ms") {
        ms.parse().map_err(|_| bad())
    } else if let Some(s) = v.strip_suffix('s') {
        s.parse::<u64>().map(|s| s * 1000).map_err(|_| bad())
    } else {
        v.parse().map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_are_refused() {
        let mut f = Faults::default();
        f.apply_spec("latency=2s").unwrap();
        f.apply_spec("error-rate=0.3").unwrap();
        f.apply_spec("drop-after-commit=1").unwrap();
        assert_eq!(f.latency_ms, 2000);
        assert_eq!(f.error_rate, 0.3);
        assert_eq!(f.drop_after_commit, 1.0);
        assert!(f.apply_spec("error-rate=1.5").is_err());
        assert!(f.apply_spec("latency=fast").is_err());
        assert!(f.apply_spec("meteor=1").is_err());
        assert!(f.apply_spec("latency").is_err());
        f.apply_spec("withhold-disclosures=3").unwrap();
        assert_eq!(f.withhold_disclosures, 3);
        assert!(f.apply_spec("withhold-disclosures=some").is_err());
    }

    #[test]
    fn hostile_lender_faults_parse() {
        let mut f = Faults::default();
        f.apply_spec("endless-pages=2").unwrap();
        f.apply_spec("hostile-problems=1").unwrap();
        f.apply_spec("foreign-origin=http://127.0.0.1:9/elsewhere")
            .unwrap();
        assert_eq!(f.endless_pages, 2);
        assert_eq!(f.hostile_problems, 1.0);
        assert_eq!(f.foreign_origin.as_deref(), Some("http://127.0.0.1:9"));
        assert!(f.apply_spec("endless-pages=forever").is_err());
        assert!(f.apply_spec("foreign-origin=nowhere").is_err());
    }

    #[test]
    fn hostile_answer_faults_parse() {
        let mut f = Faults::default();
        for spec in [
            "future-receipts=1",
            "receipt-keeps-active=1",
            "widen-consent=true",
            "never-acknowledge=1",
        ] {
            f.apply_spec(spec).unwrap();
        }
        assert!(f.future_receipts && f.receipt_keeps_active && f.widen_consent);
        assert!(f.never_acknowledge);
        assert!(f.apply_spec("widen-consent=yes").is_err());
    }

    #[test]
    fn identity_faults_parse() {
        let mut f = Faults::default();
        f.apply_spec("claim-lender-id=other-lender").unwrap();
        f.apply_spec("rotate-key=1").unwrap();
        assert_eq!(f.claim_lender_id.as_deref(), Some("other-lender"));
        assert_eq!(f.rotate_key, KeyRotation::Endorsed);
        f.apply_spec("rotate-key=unsigned").unwrap();
        assert_eq!(f.rotate_key, KeyRotation::Unendorsed);
        assert!(f.apply_spec("rotate-key=2").is_err());
        assert!(f.apply_spec("claim-lender-id=").is_err());
        f.apply_spec("reuse-consent-id=cons-1").unwrap();
        assert_eq!(f.reuse_consent_id.as_deref(), Some("cons-1"));
    }

    #[test]
    fn catalogue_faults_parse() {
        let mut f = Faults::default();
        f.apply_spec("hide-rbi-flags=1").unwrap();
        assert!(f.hide_rbi_flags);
        assert!(f.apply_spec("hide-rbi-flags=maybe").is_err());
    }

    #[test]
    fn log_history_faults_parse() {
        let mut f = Faults::default();
        f.apply_spec("forked-history=1").unwrap();
        f.apply_spec("drop-leaf=true").unwrap();
        f.apply_spec("reorder-leaves=1").unwrap();
        assert!(f.forked_history && f.drop_leaf && f.reorder_leaves);
        f.apply_spec("drop-leaf=0").unwrap();
        assert!(!f.drop_leaf);
        assert!(f.apply_spec("forked-history=yes").is_err());
    }
}
