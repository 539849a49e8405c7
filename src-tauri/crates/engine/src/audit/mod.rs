//! Consent-versus-use audit: violations and explanation checks, each finding with its evidence.
//!
//! The rules are pure functions over an [`AuditInput`] — the lenders' signed statements
//! (consent artefacts in every version seen, revocation receipts, disclosures, offers, quotes)
//! and the signal catalogue — so they are unit-testable without I/O and run the same over a
//! live vault ([`load::from_vault`]) or an export file ([`load::from_export`]).
//!
//! Every [`Finding`] names its [`Rule`] (a stable kebab-case id), a [`Severity`], the time it
//! happened, the records involved and the signed lender statements that prove it, exactly as
//! the lender signed them.
//!
//! What cannot be detected: the lending API has no deletion receipts, so "kept beyond
//! DataLife" is reported as [`Rule::DataLifeExceeded`] (severity `low`) for every disclosure
//! whose data life has run out — the lender has not proven deletion, which is all a borrower
//! can show. Use of data inside the lender (beyond what it declares in disclosures) is
//! invisible to any client.

pub mod load;
pub mod verify;
mod verify_fast;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use khata_lending::types as wire;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The regulatory flag that bars lenders from collecting a signal at all (RBI 2022).
pub const PROHIBITED_FLAG: &str = "rbi-2022-prohibited";
/// Tolerance, in score points, for "contributions add up to the score" and for counterfactual
/// quotes. Scorecard points are integers, so the check is exact.
pub const SCORE_TOLERANCE: i64 = 0;
/// Reg B style principal reasons: at most this many in `topAdverse`.
pub const MAX_TOP_ADVERSE: usize = 4;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

/// A rule; its serialised name is the stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Collected after the whole consent's revocation took effect.
    CollectedAfterRevocation,
    /// Collected a signal after that signal's revocation took effect.
    CollectedAfterSignalRevocation,
    /// Collected while the consent was paused.
    CollectedWhilePaused,
    /// Collected after the consent expired.
    CollectedAfterExpiry,
    /// Collected before the consent started.
    CollectedBeforeConsentStart,
    /// Collected a signal the borrower denied.
    SignalDenied,
    /// Collected a signal the consent never covered.
    SignalNotGranted,
    /// Collected data from outside the consent's FIDataRange.
    OutsideDataRange,
    /// Collected more often than the consent's Frequency (or twice under ONETIME).
    AboveFrequency,
    /// Collected a signal regulators prohibit (`rbi-2022-prohibited`: contacts, call logs).
    ProhibitedSignal,
    /// Passed data to a recipient the consent does not name.
    UnnamedRecipient,
    /// Collected with no consent, or under a consent id the borrower never gave.
    NoConsent,
    /// Used data for a purpose other than the consent's.
    PurposeMismatch,
    /// Data life ran out and the lender has issued no deletion receipt.
    DataLifeExceeded,
    /// Contributions do not add up to the score (baseline + Σ points ≠ score).
    ContributionsDoNotAddUp,
    /// A counterfactual quote moved the score by other than the explanation claims.
    CounterfactualMismatch,
    /// Reason codes are not the adverse contributions, most adverse first.
    ReasonCodesMismatch,
    /// More than four principal reasons, or not the first reason codes.
    TopAdverseInvalid,
}

impl Rule {
    pub const ALL: [Rule; 18] = [
        Rule::CollectedAfterRevocation,
        Rule::CollectedAfterSignalRevocation,
        Rule::CollectedWhilePaused,
        Rule::CollectedAfterExpiry,
        Rule::CollectedBeforeConsentStart,
        Rule::SignalDenied,
        Rule::SignalNotGranted,
        Rule::OutsideDataRange,
        Rule::AboveFrequency,
        Rule::ProhibitedSignal,
        Rule::UnnamedRecipient,
        Rule::NoConsent,
        Rule::PurposeMismatch,
        Rule::DataLifeExceeded,
        Rule::ContributionsDoNotAddUp,
        Rule::CounterfactualMismatch,
        Rule::ReasonCodesMismatch,
        Rule::TopAdverseInvalid,
    ];

    /// The stable id, e.g. `collected-after-revocation`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::CollectedAfterRevocation => "collected-after-revocation",
            Rule::CollectedAfterSignalRevocation => "collected-after-signal-revocation",
            Rule::CollectedWhilePaused => "collected-while-paused",
            Rule::CollectedAfterExpiry => "collected-after-expiry",
            Rule::CollectedBeforeConsentStart => "collected-before-consent-start",
            Rule::SignalDenied => "signal-denied",
            Rule::SignalNotGranted => "signal-not-granted",
            Rule::OutsideDataRange => "outside-data-range",
            Rule::AboveFrequency => "above-frequency",
            Rule::ProhibitedSignal => "prohibited-signal",
            Rule::UnnamedRecipient => "unnamed-recipient",
            Rule::NoConsent => "no-consent",
            Rule::PurposeMismatch => "purpose-mismatch",
            Rule::DataLifeExceeded => "data-life-exceeded",
            Rule::ContributionsDoNotAddUp => "contributions-do-not-add-up",
            Rule::CounterfactualMismatch => "counterfactual-mismatch",
            Rule::ReasonCodesMismatch => "reason-codes-mismatch",
            Rule::TopAdverseInvalid => "top-adverse-invalid",
        }
    }

    pub fn severity(self) -> Severity {
        use Rule::*;
        match self {
            ProhibitedSignal | CollectedAfterRevocation | CollectedAfterSignalRevocation => {
                Severity::Critical
            }
            CollectedWhilePaused
            | CollectedAfterExpiry
            | CollectedBeforeConsentStart
            | SignalDenied
            | SignalNotGranted
            | UnnamedRecipient
            | NoConsent => Severity::High,
            OutsideDataRange
            | AboveFrequency
            | PurposeMismatch
            | ContributionsDoNotAddUp
            | CounterfactualMismatch
            | ReasonCodesMismatch
            | TopAdverseInvalid => Severity::Medium,
            DataLifeExceeded => Severity::Low,
        }
    }

    /// One line, plain language.
    pub fn title(self) -> &'static str {
        use Rule::*;
        match self {
            CollectedAfterRevocation => "Collected after you revoked the consent",
            CollectedAfterSignalRevocation => "Collected a signal after you revoked it",
            CollectedWhilePaused => "Collected while the consent was paused",
            CollectedAfterExpiry => "Collected after the consent expired",
            CollectedBeforeConsentStart => "Collected before the consent started",
            SignalDenied => "Collected a signal you denied",
            SignalNotGranted => "Collected a signal the consent does not cover",
            OutsideDataRange => "Collected data from outside the consented period",
            AboveFrequency => "Collected more often than consented",
            ProhibitedSignal => "Collected data regulators prohibit (contacts, call logs)",
            UnnamedRecipient => "Passed data to a recipient the consent does not name",
            NoConsent => "Collected without any consent",
            PurposeMismatch => "Used data for another purpose than consented",
            DataLifeExceeded => "Kept data beyond its data life with no deletion receipt",
            ContributionsDoNotAddUp => "The explanation does not add up to the score",
            CounterfactualMismatch => "A what-if quote contradicts the explanation",
            ReasonCodesMismatch => "Reason codes do not match the largest adverse factors",
            TopAdverseInvalid => "Principal reasons are not the top four reason codes",
        }
    }
}

/// A record a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordRef {
    /// `disclosure`, `consent`, `receipt`, `offer` or `quote`.
    pub kind: String,
    /// The lender's id for it (`disclosureId`, `consentId`, …).
    pub id: String,
    /// The vault's own id (disclosures: the local event id), when known.
    pub local_id: Option<i64>,
}

/// A signed lender statement, exactly as received (its `signature` member included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub kind: String,
    pub id: String,
    /// Any JSON: the UI only displays it.
    #[ts(type = "unknown")]
    pub statement: Value,
}

/// One violation or explanation mismatch, with its proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule id (see [`Rule::id`]).
    pub rule: Rule,
    pub severity: Severity,
    pub title: String,
    /// What exactly happened, with the numbers.
    pub detail: String,
    pub lender_id: String,
    pub consent_id: Option<String>,
    pub signal: Option<String>,
    /// When it happened (Unix ms): collection time, or the statement's time.
    pub at: i64,
    pub records: Vec<RecordRef>,
    pub evidence: Vec<Evidence>,
}

/// Counts for a report header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditSummary {
    pub disclosures: u64,
    pub consents: u64,
    pub offers: u64,
    pub quotes: u64,
    pub findings: u64,
    /// Findings per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings per severity.
    pub by_severity: BTreeMap<String, u64>,
    /// Statements that could not be read as the API's types (skipped, named here).
    pub unreadable: Vec<String>,
}

/// The result of an audit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub summary: AuditSummary,
    pub findings: Vec<Finding>,
}

/// A statement parsed into its wire type, with the JSON as signed.
#[derive(Debug, Clone)]
pub struct Stmt<T> {
    pub value: T,
    pub json: Value,
}

/// A disclosure and the vault's id for it.
#[derive(Debug, Clone)]
pub struct DisclosureIn {
    pub local_id: Option<i64>,
    pub stmt: Stmt<wire::Disclosure>,
}

/// A signal in the catalogue: only its regulatory flags matter to the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalMeta {
    pub id: String,
    pub regulatory_flags: Vec<String>,
}

/// Everything the rules look at. Plain data: build it from a vault, an export or by hand.
#[derive(Debug, Clone, Default)]
pub struct AuditInput {
    /// "Now" for data-life checks (Unix ms).
    pub now_ms: i64,
    pub signals: Vec<SignalMeta>,
    /// Every version of every consent artefact seen.
    pub consents: Vec<Stmt<wire::Consent>>,
    pub receipts: Vec<Stmt<wire::Receipt>>,
    pub disclosures: Vec<DisclosureIn>,
    pub offers: Vec<Stmt<wire::Offer>>,
    pub quotes: Vec<Stmt<wire::Quote>>,
    /// Statements that did not parse, as "kind id: reason".
    pub unreadable: Vec<String>,
}

fn parse<T: serde::de::DeserializeOwned>(json: Value) -> Result<Stmt<T>, String> {
    match serde_json::from_value::<T>(json.clone()) {
        Ok(value) => Ok(Stmt { value, json }),
        Err(e) => Err(e.to_string()),
    }
}

fn label(kind: &str, json: &Value) -> String {
    let id = [
        "disclosureId",
        "consentId",
        "receiptId",
        "offerId",
        "quoteId",
    ]
    .iter()
    .find_map(|k| json.get(k).and_then(Value::as_str))
    .unwrap_or("?");
    format!("{kind} {id}")
}

impl AuditInput {
    /// Adds one signed statement of `kind` (`consent`, `receipt`, `offer`, `quote`, or
    /// `disclosure` with `local_id`). Unparseable ones go to `unreadable`.
    pub fn add_statement(&mut self, kind: &str, json: Value, local_id: Option<i64>) {
        let l = label(kind, &json);
        let r = match kind {
            "consent" => parse(json).map(|s| self.consents.push(s)),
            "receipt" => parse(json).map(|s| self.receipts.push(s)),
            "offer" => parse(json).map(|s| self.offers.push(s)),
            "quote" => parse(json).map(|s| self.quotes.push(s)),
            "disclosure" => {
                parse(json).map(|stmt| self.disclosures.push(DisclosureIn { local_id, stmt }))
            }
            other => Err(format!("unknown statement kind {other:?}")),
        };
        if let Err(e) = r {
            self.unreadable.push(format!("{l}: {e}"));
        }
    }
}

fn ms(t: &DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn fmt_ms(t: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(t)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| t.to_string())
}

fn window_ms(unit: wire::FrequencyUnit) -> Option<i64> {
    const H: i64 = 3_600_000;
    match unit {
        wire::FrequencyUnit::Hour => Some(H),
        wire::FrequencyUnit::Day => Some(24 * H),
        wire::FrequencyUnit::Month => Some(30 * 24 * H),
        wire::FrequencyUnit::Year => Some(365 * 24 * H),
        wire::FrequencyUnit::Inf => None,
    }
}

fn data_life_ms(d: &wire::DataLife) -> Option<i64> {
    const DAY: i64 = 86_400_000;
    let v = i64::from(d.value);
    match d.unit {
        wire::DataLifeUnit::Day => Some(v * DAY),
        wire::DataLifeUnit::Month => Some(v * 30 * DAY),
        wire::DataLifeUnit::Year => Some(v * 365 * DAY),
        wire::DataLifeUnit::Inf => None,
    }
}

/// What is known about one consent across its versions and receipts.
struct ConsentState<'a> {
    latest: &'a Stmt<wire::Consent>,
    /// When the whole consent's revocation took effect, with the proving statement.
    revoked_at: Option<(i64, Evidence)>,
    /// Per-signal revocation times.
    signal_revoked_at: HashMap<String, (i64, Evidence)>,
    /// Paused intervals `[from, to)`, with the pausing statement.
    paused: Vec<(i64, i64, Evidence)>,
    recipients: HashSet<String>,
}

fn ev_consent(c: &Stmt<wire::Consent>) -> Evidence {
    Evidence {
        kind: "consent".into(),
        id: format!("{}#v{}", c.value.consent_id, c.value.version),
        statement: c.json.clone(),
    }
}

fn ev_receipt(r: &Stmt<wire::Receipt>) -> Evidence {
    Evidence {
        kind: "receipt".into(),
        id: r.value.receipt_id.clone(),
        statement: r.json.clone(),
    }
}

fn earlier(slot: &mut Option<(i64, Evidence)>, t: i64, e: impl FnOnce() -> Evidence) {
    if slot.as_ref().is_none_or(|(old, _)| t < *old) {
        *slot = Some((t, e()));
    }
}

fn consent_states(input: &AuditInput) -> HashMap<&str, ConsentState<'_>> {
    let mut by_id: HashMap<&str, Vec<&Stmt<wire::Consent>>> = HashMap::new();
    for c in &input.consents {
        by_id
            .entry(c.value.consent_id.as_str())
            .or_default()
            .push(c);
    }
    let mut out = HashMap::new();
    for (id, mut versions) in by_id {
        versions.sort_by_key(|c| (c.value.version, ms(&c.value.updated_at)));
        let latest = *versions.last().expect("non-empty group");
        let mut st = ConsentState {
            latest,
            revoked_at: None,
            signal_revoked_at: HashMap::new(),
            paused: Vec::new(),
            recipients: versions
                .iter()
                .flat_map(|c| c.value.onward_recipients.iter().map(|r| r.id.clone()))
                .collect(),
        };
        for c in &versions {
            let t = ms(&c.value.updated_at);
            if c.value.status == wire::ConsentStatus::Revoked {
                earlier(&mut st.revoked_at, t, || ev_consent(c));
            }
            for s in &c.value.signals_revoked {
                let mut slot = st.signal_revoked_at.remove(s);
                earlier(&mut slot, t, || ev_consent(c));
                st.signal_revoked_at.insert(s.clone(), slot.expect("set"));
            }
        }
        out.insert(id, st);
    }
    // Receipts carry the effective time of each action.
    let mut actions: HashMap<&str, Vec<&Stmt<wire::Receipt>>> = HashMap::new();
    for r in &input.receipts {
        actions
            .entry(r.value.consent_id.as_str())
            .or_default()
            .push(r);
    }
    for (id, mut rs) in actions {
        let Some(st) = out.get_mut(id) else { continue };
        rs.sort_by_key(|r| ms(&r.value.effective_at));
        let mut pause_start: Option<(i64, Evidence)> = None;
        for r in rs {
            let t = ms(&r.value.effective_at);
            match r.value.action {
                wire::ConsentAction::Revoke => {
                    if r.value.consent.status == wire::ConsentStatus::Revoked {
                        earlier(&mut st.revoked_at, t, || ev_receipt(r));
                    }
                    for s in &r.value.signals {
                        let mut slot = st.signal_revoked_at.remove(s);
                        earlier(&mut slot, t, || ev_receipt(r));
                        st.signal_revoked_at.insert(s.clone(), slot.expect("set"));
                    }
                }
                wire::ConsentAction::Pause => {
                    if pause_start.is_none() {
                        pause_start = Some((t, ev_receipt(r)));
                    }
                }
                wire::ConsentAction::Resume => {
                    if let Some((from, e)) = pause_start.take() {
                        st.paused.push((from, t, e));
                    }
                }
            }
        }
        if let Some((from, e)) = pause_start {
            st.paused.push((from, i64::MAX, e));
        }
    }
    out
}

fn ev_disclosure(d: &DisclosureIn) -> Evidence {
    Evidence {
        kind: "disclosure".into(),
        id: d.stmt.value.disclosure_id.clone(),
        statement: d.stmt.json.clone(),
    }
}

fn rec_disclosure(d: &DisclosureIn) -> RecordRef {
    RecordRef {
        kind: "disclosure".into(),
        id: d.stmt.value.disclosure_id.clone(),
        local_id: d.local_id,
    }
}

fn rec_consent(c: &wire::Consent) -> RecordRef {
    RecordRef {
        kind: "consent".into(),
        id: c.consent_id.clone(),
        local_id: None,
    }
}

/// Checks every disclosure against the consent it relies on. Pure.
pub fn check_disclosures(input: &AuditInput) -> Vec<Finding> {
    let states = consent_states(input);
    let prohibited: HashSet<&str> = input
        .signals
        .iter()
        .filter(|s| s.regulatory_flags.iter().any(|f| f == PROHIBITED_FLAG))
        .map(|s| s.id.as_str())
        .collect();
    let mut out = Vec::new();
    // Collection times per (consent, signal), for the frequency rule.
    let mut times: HashMap<(&str, &str), Vec<(i64, usize)>> = HashMap::new();

    for (i, d) in input.disclosures.iter().enumerate() {
        let w = &d.stmt.value;
        let t = ms(&w.collected_at);
        let mut find =
            |rule: Rule, consent: Option<&ConsentState>, detail: String, extra: Vec<Evidence>| {
                let mut evidence = vec![ev_disclosure(d)];
                let mut records = vec![rec_disclosure(d)];
                if let Some(c) = consent {
                    records.push(rec_consent(&c.latest.value));
                }
                evidence.extend(extra);
                out.push(Finding {
                    rule,
                    severity: rule.severity(),
                    title: rule.title().into(),
                    detail,
                    lender_id: w.lender_id.clone(),
                    consent_id: w.consent_id.clone(),
                    signal: Some(w.signal.clone()),
                    at: t,
                    records,
                    evidence,
                });
            };
        if prohibited.contains(w.signal.as_str()) {
            find(
                Rule::ProhibitedSignal,
                None,
                format!(
                    "{} collected {} at {}; it is flagged {PROHIBITED_FLAG}",
                    w.lender_id,
                    w.signal,
                    fmt_ms(t)
                ),
                vec![],
            );
        }
        let Some(cid) = w.consent_id.as_deref() else {
            find(
                Rule::NoConsent,
                None,
                format!(
                    "{} collected {} at {} citing no consent",
                    w.lender_id,
                    w.signal,
                    fmt_ms(t)
                ),
                vec![],
            );
            continue;
        };
        let Some(st) = states
            .get(cid)
            .filter(|s| s.latest.value.lender_id == w.lender_id)
        else {
            find(
                Rule::NoConsent,
                None,
                format!(
                    "{} collected {} at {} citing consent {cid}, which the borrower never gave it",
                    w.lender_id,
                    w.signal,
                    fmt_ms(t)
                ),
                vec![],
            );
            continue;
        };
        let c = &st.latest.value;
        let cev = || ev_consent(st.latest);
        if let Some((rt, e)) = &st.revoked_at
            && t >= *rt
        {
            find(
                Rule::CollectedAfterRevocation,
                Some(st),
                format!(
                    "collected {} at {}, {} ms after consent {cid} was revoked ({})",
                    w.signal,
                    fmt_ms(t),
                    t - rt,
                    fmt_ms(*rt)
                ),
                vec![e.clone()],
            );
        } else if let Some((rt, e)) = st.signal_revoked_at.get(&w.signal)
            && t >= *rt
        {
            find(
                Rule::CollectedAfterSignalRevocation,
                Some(st),
                format!(
                    "collected {} at {}, after that signal was revoked ({})",
                    w.signal,
                    fmt_ms(t),
                    fmt_ms(*rt)
                ),
                vec![e.clone()],
            );
        }
        if let Some((from, _, e)) = st.paused.iter().find(|(a, b, _)| t >= *a && t < *b) {
            find(
                Rule::CollectedWhilePaused,
                Some(st),
                format!(
                    "collected {} at {}, while paused since {}",
                    w.signal,
                    fmt_ms(t),
                    fmt_ms(*from)
                ),
                vec![e.clone()],
            );
        }
        let expiry = ms(&c.consent_expiry);
        if t >= expiry {
            find(
                Rule::CollectedAfterExpiry,
                Some(st),
                format!(
                    "collected {} at {}; consent {cid} expired {}",
                    w.signal,
                    fmt_ms(t),
                    fmt_ms(expiry)
                ),
                vec![cev()],
            );
        }
        let start = ms(&c.consent_start);
        if t < start {
            find(
                Rule::CollectedBeforeConsentStart,
                Some(st),
                format!(
                    "collected {} at {}; consent {cid} starts {}",
                    w.signal,
                    fmt_ms(t),
                    fmt_ms(start)
                ),
                vec![cev()],
            );
        }
        if c.signals_denied.contains(&w.signal) {
            find(
                Rule::SignalDenied,
                Some(st),
                format!(
                    "collected {}, which the borrower denied in consent {cid}",
                    w.signal
                ),
                vec![cev()],
            );
        } else if !c.signals_granted.contains(&w.signal) {
            find(
                Rule::SignalNotGranted,
                Some(st),
                format!(
                    "collected {}, which consent {cid} does not cover (granted: {})",
                    w.signal,
                    c.signals_granted.join(", ")
                ),
                vec![cev()],
            );
        }
        let (rf, rt) = (ms(&c.fi_data_range.from), ms(&c.fi_data_range.to));
        let (df, dt) = (ms(&w.data_range.from), ms(&w.data_range.to));
        if df < rf || dt > rt {
            find(
                Rule::OutsideDataRange,
                Some(st),
                format!(
                    "data covers {} – {}; consented FIDataRange is {} – {}",
                    fmt_ms(df),
                    fmt_ms(dt),
                    fmt_ms(rf),
                    fmt_ms(rt)
                ),
                vec![cev()],
            );
        }
        if let Some(r) = &w.onward_recipient
            && !st.recipients.contains(r)
        {
            find(
                Rule::UnnamedRecipient,
                Some(st),
                format!(
                    "passed {} on to {r:?}; consent {cid} names {}",
                    w.signal,
                    if st.recipients.is_empty() {
                        "no recipients".to_string()
                    } else {
                        let mut v: Vec<_> = st.recipients.iter().cloned().collect();
                        v.sort();
                        v.join(", ")
                    }
                ),
                vec![cev()],
            );
        }
        if w.purpose != c.purpose.code {
            find(
                Rule::PurposeMismatch,
                Some(st),
                format!(
                    "used {} for purpose {:?}; consent {cid} is for {:?} ({})",
                    w.signal, w.purpose, c.purpose.code, c.purpose.text
                ),
                vec![cev()],
            );
        }
        if let Some(life) = data_life_ms(&c.data_life)
            && t.saturating_add(life) <= input.now_ms
        {
            find(
                Rule::DataLifeExceeded,
                Some(st),
                format!(
                    "data life ({} {:?}) ran out {}; the lender has issued no deletion receipt",
                    c.data_life.value,
                    c.data_life.unit,
                    fmt_ms(t + life)
                ),
                vec![cev()],
            );
        }
        times
            .entry((cid, w.signal.as_str()))
            .or_default()
            .push((t, i));
    }

    // Frequency: no more than `value` collections of a signal in any window (ONETIME: one ever).
    let mut keys: Vec<_> = times.keys().copied().collect();
    keys.sort();
    for key in keys {
        let mut ts = times.remove(&key).unwrap_or_default();
        let Some(st) = states.get(key.0) else {
            continue;
        };
        let c = &st.latest.value;
        let (allowed, window) = match c.fetch_type {
            wire::FetchType::Onetime => (1usize, None),
            wire::FetchType::Periodic => (c.frequency.value as usize, window_ms(c.frequency.unit)),
        };
        ts.sort();
        let mut lo = 0usize;
        for hi in 0..ts.len() {
            if let Some(w) = window {
                while ts[hi].0 - ts[lo].0 >= w {
                    lo += 1;
                }
            }
            let in_window = hi - lo + 1;
            if in_window > allowed && allowed != usize::MAX {
                let d = &input.disclosures[ts[hi].1];
                let prev = &input.disclosures[ts[hi - 1].1];
                out.push(Finding {
                    rule: Rule::AboveFrequency,
                    severity: Rule::AboveFrequency.severity(),
                    title: Rule::AboveFrequency.title().into(),
                    detail: match window {
                        None => format!(
                            "collection #{in_window} of {} under a ONETIME consent",
                            key.1
                        ),
                        Some(_) => format!(
                            "collection #{in_window} of {} within one {:?}; consented frequency is {} per {:?}",
                            key.1, c.frequency.unit, c.frequency.value, c.frequency.unit
                        ),
                    },
                    lender_id: d.stmt.value.lender_id.clone(),
                    consent_id: Some(key.0.to_string()),
                    signal: Some(key.1.to_string()),
                    at: ts[hi].0,
                    records: vec![rec_disclosure(d), rec_disclosure(prev), rec_consent(c)],
                    evidence: vec![ev_disclosure(d), ev_disclosure(prev), ev_consent(st.latest)],
                });
            }
        }
    }
    out
}

/// An explanation with where it came from, for the checks below.
#[allow(clippy::too_many_arguments)]
fn check_explanation(
    kind: &str,
    id: &str,
    lender: &str,
    consent: Option<&str>,
    at: i64,
    json: &Value,
    x: &wire::Explanation,
    out: &mut Vec<Finding>,
) {
    let mut push = |rule: Rule, detail: String| {
        out.push(Finding {
            rule,
            severity: rule.severity(),
            title: rule.title().into(),
            detail,
            lender_id: lender.into(),
            consent_id: consent.map(str::to_string),
            signal: None,
            at,
            records: vec![RecordRef {
                kind: kind.into(),
                id: id.into(),
                local_id: None,
            }],
            evidence: vec![Evidence {
                kind: kind.into(),
                id: id.into(),
                statement: json.clone(),
            }],
        })
    };
    let sum = x
        .contributions
        .iter()
        .fold(x.baseline, |a, c| a.saturating_add(c.points));
    if (sum - x.score).abs() > SCORE_TOLERANCE {
        push(
            Rule::ContributionsDoNotAddUp,
            format!(
                "baseline {} + contributions = {sum}, but the score is {} (tolerance {SCORE_TOLERANCE})",
                x.baseline, x.score
            ),
        );
    }
    // Reason codes: every adverse contribution, most adverse first.
    let mut adverse: Vec<&wire::Contribution> =
        x.contributions.iter().filter(|c| c.points < 0).collect();
    adverse.sort_by_key(|c| c.points);
    let want: Vec<(&str, i64)> = adverse
        .iter()
        .map(|c| (c.signal.as_str(), c.points))
        .collect();
    let got: Vec<(&str, i64)> = x
        .reason_codes
        .iter()
        .map(|r| (r.signal.as_str(), r.points))
        .collect();
    // Ties may come in any order: compare the points sequence and the set.
    let same_points = want.iter().map(|w| w.1).eq(got.iter().map(|g| g.1));
    let mut ws = want.clone();
    let mut gs = got.clone();
    ws.sort();
    gs.sort();
    if !same_points || ws != gs {
        push(
            Rule::ReasonCodesMismatch,
            format!(
                "reason codes {got:?}; the adverse contributions, most adverse first, are {want:?}"
            ),
        );
    }
    let n = x.top_adverse.len();
    if n > MAX_TOP_ADVERSE
        || x.top_adverse
            .iter()
            .zip(&x.reason_codes)
            .any(|(a, b)| a.signal != b.signal || a.points != b.points)
        || n != x.reason_codes.len().min(MAX_TOP_ADVERSE)
    {
        push(
            Rule::TopAdverseInvalid,
            format!(
                "{n} principal reasons given; expected the first {} of {} reason codes",
                x.reason_codes.len().min(MAX_TOP_ADVERSE),
                x.reason_codes.len()
            ),
        );
    }
}

/// Checks offers' and quotes' explanations, and each quote against its offer. Pure.
pub fn check_explanations(input: &AuditInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in &input.offers {
        let v = &o.value;
        check_explanation(
            "offer",
            &v.offer_id,
            &v.lender_id,
            Some(&v.consent_id),
            ms(&v.created_at),
            &o.json,
            &v.explanation,
            &mut out,
        );
    }
    let offers: HashMap<&str, &Stmt<wire::Offer>> = input
        .offers
        .iter()
        .map(|o| (o.value.offer_id.as_str(), o))
        .collect();
    for q in &input.quotes {
        let v = &q.value;
        check_explanation(
            "quote",
            &v.quote_id,
            &v.lender_id,
            None,
            ms(&v.created_at),
            &q.json,
            &v.explanation,
            &mut out,
        );
        let Some(o) = offers.get(v.offer_id.as_str()) else {
            continue;
        };
        let ox = &o.value.explanation;
        let mut expected = ox.score;
        let mut claims = Vec::new();
        for s in &v.withheld {
            if let Some(c) = ox.contributions.iter().find(|c| &c.signal == s) {
                let delta = c.missing_points - c.points;
                expected = expected.saturating_add(delta);
                claims.push(format!("{s}: {delta:+}"));
            }
        }
        if (v.explanation.score - expected).abs() > SCORE_TOLERANCE {
            out.push(Finding {
                rule: Rule::CounterfactualMismatch,
                severity: Rule::CounterfactualMismatch.severity(),
                title: Rule::CounterfactualMismatch.title().into(),
                detail: format!(
                    "offer {} scores {}; withholding {} should give {expected} ({}), the quote says {}",
                    o.value.offer_id,
                    ox.score,
                    v.withheld.join(", "),
                    claims.join(", "),
                    v.explanation.score
                ),
                lender_id: v.lender_id.clone(),
                consent_id: Some(o.value.consent_id.clone()),
                signal: (v.withheld.len() == 1).then(|| v.withheld[0].clone()),
                at: ms(&v.created_at),
                records: vec![
                    RecordRef {
                        kind: "quote".into(),
                        id: v.quote_id.clone(),
                        local_id: None,
                    },
                    RecordRef {
                        kind: "offer".into(),
                        id: o.value.offer_id.clone(),
                        local_id: None,
                    },
                ],
                evidence: vec![
                    Evidence {
                        kind: "quote".into(),
                        id: v.quote_id.clone(),
                        statement: q.json.clone(),
                    },
                    Evidence {
                        kind: "offer".into(),
                        id: o.value.offer_id.clone(),
                        statement: o.json.clone(),
                    },
                ],
            });
        }
    }
    out
}

/// Runs every rule and summarises. Findings come most severe first, then by time.
pub fn audit(input: &AuditInput) -> AuditReport {
    let mut findings = check_disclosures(input);
    findings.extend(check_explanations(input));
    findings.sort_by_key(|f| (f.severity, f.at, f.rule));
    let mut summary = AuditSummary {
        disclosures: input.disclosures.len() as u64,
        consents: input
            .consents
            .iter()
            .map(|c| c.value.consent_id.as_str())
            .collect::<HashSet<_>>()
            .len() as u64,
        offers: input.offers.len() as u64,
        quotes: input.quotes.len() as u64,
        findings: findings.len() as u64,
        unreadable: input.unreadable.clone(),
        ..Default::default()
    };
    for f in &findings {
        *summary.by_rule.entry(f.rule.id().into()).or_default() += 1;
        let sev = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *summary.by_severity.entry(sev).or_default() += 1;
    }
    AuditReport { summary, findings }
}

impl crate::Engine {
    /// Audits everything in the vault (read-only): violations and explanation checks.
    pub async fn audit(&self) -> crate::Result<AuditReport> {
        self.with_vault(|v| Ok(audit(&load::from_vault(v, khata_vault::now_ms())?)))
            .await
    }
}

#[cfg(test)]
mod tests;
