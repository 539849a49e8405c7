//! Consent-versus-use audit: violations and explanation checks, each finding with its evidence.
//!
//! The rules are pure functions over an [`AuditInput`] — the lenders' signed statements
//! (consent artefacts in every version seen, revocation receipts, disclosures, offers, quotes)
//! and the signal catalogue — so they are unit-testable without I/O and run the same over a
//! live vault ([`load::from_vault`]) or an export file ([`load::from_export`]).
//!
//! Every [`Finding`] names its [`Rule`] (a stable kebab-case id), a [`Severity`], the time it
//! happened, the records involved and the signed lender statements that prove it, exactly as
//! the lender signed them. A rule broken by many disclosures is one finding per lender,
//! consent and signal (and recipient, purpose or pause where those differ) with the count, the
//! first and last time, the first and last few records and the first and last offending
//! statements: a lender that collects every minute under a once-a-day consent is one
//! `above-frequency` finding, not a million. Statements are shared between findings
//! (`Arc`), never copied per finding.
//!
//! [`DisclosureRules`] sees one disclosure at a time and keeps only indexes, so an export's
//! disclosures can stay raw text until a few of them become evidence
//! ([`load::audit_export_bytes`]).
//!
//! What cannot be detected: the lending API has no deletion receipts, so "kept beyond
//! DataLife" is reported as [`Rule::DataLifeExceeded`] (severity `low`) for every disclosure
//! whose data life has run out — the lender has not proven deletion, which is all a borrower
//! can show. Use of data inside the lender (beyond what it declares in disclosures) is
//! invisible to any client.

pub mod load;
pub mod verify;
mod verify_fast;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

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
/// Shared, not copied: every finding a statement proves holds the same one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub kind: String,
    pub id: String,
    /// Any JSON: the UI only displays it.
    #[ts(type = "unknown")]
    #[serde(with = "shared")]
    pub statement: Arc<Value>,
}

/// Serde for `Arc<Value>` as the plain value (serde's `rc` feature is not enabled).
mod shared {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &Arc<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Value>, D::Error> {
        Value::deserialize(d).map(Arc::new)
    }
}

/// One violation or explanation mismatch, with its proof. A rule broken by many disclosures
/// is one finding per lender, consent and signal (and recipient, purpose or pause where those
/// differ): `count` says how many times, `at` … `last_at` when, `records` names a sample of
/// them (see [`RECORD_SAMPLE_EACH_END`]) and `evidence` holds the earliest and the latest
/// offending disclosure with the statements that make them violations.
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
    /// When it happened (Unix ms): collection time, or the statement's time; the first time
    /// when it happened more than once.
    pub at: i64,
    /// The last time it happened (Unix ms); `at` when it happened once.
    pub last_at: i64,
    /// How many times it happened: offending disclosures, or 1 for an offer or quote.
    pub count: u64,
    /// The offending records (all of them, or the first and last few), then the consent or
    /// offer they are checked against.
    pub records: Vec<RecordRef>,
    /// Offending records not listed in `records` (`count` minus those listed).
    pub records_omitted: u64,
    /// The signed statements that prove it.
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// The records as one line: `disclosure d-1, …, … 990 more disclosures, consent c-1`.
    pub fn records_text(&self) -> String {
        let last_offending = self.records.iter().rposition(|r| r.kind == "disclosure");
        let more = format!("… {} more disclosures", self.records_omitted);
        let mut parts = Vec::new();
        for (i, r) in self.records.iter().enumerate() {
            parts.push(format!("{} {}", r.kind, r.id));
            if Some(i) == last_offending && self.records_omitted > 0 {
                parts.push(more.clone());
            }
        }
        if last_offending.is_none() && self.records_omitted > 0 {
            parts.push(more);
        }
        parts.join(", ")
    }
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
    pub json: Arc<Value>,
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
    match T::deserialize(&json) {
        Ok(value) => Ok(Stmt {
            value,
            json: Arc::new(json),
        }),
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
        statement: Arc::clone(&c.json),
    }
}

fn ev_receipt(r: &Stmt<wire::Receipt>) -> Evidence {
    Evidence {
        kind: "receipt".into(),
        id: r.value.receipt_id.clone(),
        statement: Arc::clone(&r.json),
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
        statement: Arc::clone(&d.stmt.json),
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

/// Offending disclosures a grouped finding lists by id: this many first and this many last, in
/// the order found (vault order; for the frequency rule, time order). `records_omitted` counts
/// the rest. A million ids would make one finding tens of megabytes (the Audit screen, the
/// grievance letter); the rule, consent, signal and time range, with the count, name the rest,
/// and re-running the audit on the export lists the same ones.
pub const RECORD_SAMPLE_EACH_END: usize = 5;

/// No consent (or no variant) in a group key.
const NONE: u32 = u32::MAX;

/// How many times and when, for a grouped finding's detail.
#[derive(Debug, Clone, Copy)]
struct Span {
    count: u64,
    first: i64,
    last: i64,
    /// The smallest and largest of a per-disclosure value (data range: its start and end).
    lo: i64,
    hi: i64,
}

impl Span {
    /// "at T", or "between FIRST and LAST".
    fn range(&self) -> String {
        if self.count == 1 {
            format!("at {}", fmt_ms(self.first))
        } else {
            format!("between {} and {}", fmt_ms(self.first), fmt_ms(self.last))
        }
    }

    /// "at T", or "N times between FIRST and LAST".
    fn when(&self) -> String {
        if self.count == 1 {
            format!("at {}", fmt_ms(self.first))
        } else {
            format!(
                "{} times between {} and {}",
                self.count,
                fmt_ms(self.first),
                fmt_ms(self.last)
            )
        }
    }
}

type Detail = Box<dyn Fn(&Span) -> String>;

/// What one rule found for one (lender, consent, signal, variant): a grouped finding in the
/// making. Only indexes are kept; statements are fetched once the audit is done.
struct Group {
    rule: Rule,
    lender_id: String,
    consent_id: Option<String>,
    signal: String,
    consent_rec: Option<RecordRef>,
    span: Span,
    /// (time, index) of the earliest and the latest offending disclosure.
    earliest: (i64, usize),
    latest: (i64, usize),
    head: Vec<usize>,
    tail: VecDeque<usize>,
    /// Other disclosures that prove it (frequency: the collection before each one shown).
    also: Vec<usize>,
    /// Statements other than disclosures that prove it (consent artefact, receipt).
    extra: Vec<Evidence>,
    detail: Detail,
}

impl Group {
    fn new(
        rule: Rule,
        w: &wire::Disclosure,
        consent: Option<&ConsentState>,
        extra: Vec<Evidence>,
        detail: Detail,
    ) -> Group {
        Group::empty(
            rule,
            (&w.lender_id, w.consent_id.clone(), &w.signal),
            consent.map(|c| rec_consent(&c.latest.value)),
            extra,
            detail,
        )
    }

    /// A group with nothing in it yet for (lender, consent, signal).
    fn empty(
        rule: Rule,
        (lender_id, consent_id, signal): (&str, Option<String>, &str),
        consent_rec: Option<RecordRef>,
        extra: Vec<Evidence>,
        detail: Detail,
    ) -> Group {
        Group {
            rule,
            lender_id: lender_id.to_owned(),
            consent_id,
            signal: signal.to_owned(),
            consent_rec,
            span: Span {
                count: 0,
                first: i64::MAX,
                last: i64::MIN,
                lo: i64::MAX,
                hi: i64::MIN,
            },
            earliest: (i64::MAX, 0),
            latest: (i64::MIN, 0),
            head: Vec::new(),
            tail: VecDeque::new(),
            also: Vec::new(),
            extra,
            detail,
        }
    }

    fn add(&mut self, t: i64, i: usize, (lo, hi): (i64, i64)) {
        let s = &mut self.span;
        s.count += 1;
        s.first = s.first.min(t);
        s.last = s.last.max(t);
        s.lo = s.lo.min(lo);
        s.hi = s.hi.max(hi);
        if t < self.earliest.0 {
            self.earliest = (t, i);
        }
        if t >= self.latest.0 {
            self.latest = (t, i);
        }
        if self.head.len() < RECORD_SAMPLE_EACH_END {
            self.head.push(i);
        } else {
            self.tail.push_back(i);
            if self.tail.len() > RECORD_SAMPLE_EACH_END {
                self.tail.pop_front();
            }
        }
    }

    fn finding(self, src: &mut Statements<'_>) -> Finding {
        let mut records: Vec<RecordRef> = self
            .head
            .iter()
            .chain(&self.tail)
            .map(|&i| src.record(i))
            .collect();
        let listed = records.len() as u64;
        records.extend(self.consent_rec);
        let mut shown = vec![self.earliest.1];
        shown.extend(self.also);
        shown.push(self.latest.1);
        let mut seen = HashSet::new();
        shown.retain(|i| seen.insert(*i));
        let mut evidence: Vec<Evidence> = shown.into_iter().map(|i| src.evidence(i)).collect();
        evidence.extend(self.extra);
        Finding {
            rule: self.rule,
            severity: self.rule.severity(),
            title: self.rule.title().into(),
            detail: (self.detail)(&self.span),
            lender_id: self.lender_id,
            consent_id: self.consent_id,
            signal: Some(self.signal),
            at: self.span.first,
            last_at: self.span.last,
            count: self.span.count,
            records,
            records_omitted: self.span.count.saturating_sub(listed),
            evidence,
        }
    }
}

/// Interned strings (lenders, consent ids, signals, variants), for compact group keys.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), i);
        i
    }

    fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }
}

/// Rule, lender, consent cited, signal, variant (recipient, purpose, pause).
type Key = (Rule, u32, u32, u32, u32);

/// Where the disclosures found by index come from, to list them and to show them as evidence.
pub(crate) trait DisclosureSource {
    fn record(&self, i: usize) -> RecordRef;
    fn statement(&self, i: usize) -> Evidence;
}

impl DisclosureSource for Vec<DisclosureIn> {
    fn record(&self, i: usize) -> RecordRef {
        rec_disclosure(&self[i])
    }
    fn statement(&self, i: usize) -> Evidence {
        ev_disclosure(&self[i])
    }
}

/// A source with each disclosure's evidence fetched once, then shared by every finding.
struct Statements<'a> {
    src: &'a dyn DisclosureSource,
    cache: HashMap<usize, Evidence>,
}

impl Statements<'_> {
    fn record(&self, i: usize) -> RecordRef {
        self.src.record(i)
    }
    fn evidence(&mut self, i: usize) -> Evidence {
        self.cache
            .entry(i)
            .or_insert_with(|| self.src.statement(i))
            .clone()
    }
}

#[derive(Default)]
struct Groups {
    index: HashMap<Key, usize>,
    groups: Vec<Group>,
}

impl Groups {
    fn hit(
        &mut self,
        key: Key,
        t: i64,
        i: usize,
        range: Option<(i64, i64)>,
        make: impl FnOnce() -> Group,
    ) {
        let n = *self.index.entry(key).or_insert_with(|| {
            self.groups.push(make());
            self.groups.len() - 1
        });
        self.groups[n].add(t, i, range.unwrap_or((t, t)));
    }
}

/// The disclosure rules, fed one disclosure at a time (an export's million disclosures need
/// not be held at once), each identified by an index into a [`DisclosureSource`].
/// [`DisclosureRules::finish`] then groups what they found: one finding per rule, lender,
/// consent and signal (and recipient, purpose or pause where those differ), with the count,
/// first and last time, a sample of the records and the statements that prove it.
pub(crate) struct DisclosureRules<'a> {
    states: HashMap<&'a str, ConsentState<'a>>,
    prohibited: HashSet<&'a str>,
    now_ms: i64,
    names: Names,
    groups: Groups,
    /// Collection times per (consent, signal), for the frequency rule.
    times: HashMap<(u32, u32), Vec<(i64, usize)>>,
}

impl<'a> DisclosureRules<'a> {
    pub(crate) fn new(input: &'a AuditInput) -> Self {
        DisclosureRules {
            states: consent_states(input),
            prohibited: input
                .signals
                .iter()
                .filter(|s| s.regulatory_flags.iter().any(|f| f == PROHIBITED_FLAG))
                .map(|s| s.id.as_str())
                .collect(),
            now_ms: input.now_ms,
            names: Names::default(),
            groups: Groups::default(),
            times: HashMap::new(),
        }
    }

    /// Checks disclosure `i` against the consent it relies on.
    pub(crate) fn check(&mut self, i: usize, w: &wire::Disclosure) {
        let Self {
            states,
            prohibited,
            now_ms,
            names,
            groups,
            times,
        } = self;
        let t = ms(&w.collected_at);
        let lender = names.id(&w.lender_id);
        let signal = names.id(&w.signal);
        let cited = w.consent_id.as_deref().map_or(NONE, |c| names.id(c));
        let key = |rule: Rule, variant: u32| (rule, lender, cited, signal, variant);
        if prohibited.contains(w.signal.as_str()) {
            let r = Rule::ProhibitedSignal;
            groups.hit(key(r, NONE), t, i, None, || {
                let (l, s) = (w.lender_id.clone(), w.signal.clone());
                Group::new(
                    r,
                    w,
                    None,
                    vec![],
                    Box::new(move |sp| {
                        format!(
                            "{l} collected {s} {}; it is flagged {PROHIBITED_FLAG}",
                            sp.when()
                        )
                    }),
                )
            });
        }
        let Some(cid) = w.consent_id.as_deref() else {
            groups.hit(key(Rule::NoConsent, NONE), t, i, None, || {
                let (l, s) = (w.lender_id.clone(), w.signal.clone());
                Group::new(
                    Rule::NoConsent,
                    w,
                    None,
                    vec![],
                    Box::new(move |sp| {
                        format!("{l} collected {s} {} citing no consent", sp.when())
                    }),
                )
            });
            return;
        };
        let Some(st) = states
            .get(cid)
            .filter(|s| s.latest.value.lender_id == w.lender_id)
        else {
            groups.hit(key(Rule::NoConsent, 0), t, i, None, || {
                let (l, s, c) = (w.lender_id.clone(), w.signal.clone(), cid.to_owned());
                Group::new(
                    Rule::NoConsent,
                    w,
                    None,
                    vec![],
                    Box::new(move |sp| {
                        format!(
                            "{l} collected {s} {} citing consent {c}, which the borrower never gave it",
                            sp.when()
                        )
                    }),
                )
            });
            return;
        };
        let c = &st.latest.value;
        let sig = || w.signal.clone();
        let cidc = || cid.to_owned();
        if let Some((rt, e)) = &st.revoked_at
            && t >= *rt
        {
            let r = Rule::CollectedAfterRevocation;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, cid, rt) = (sig(), cidc(), *rt);
                Group::new(
                    r,
                    w,
                    Some(st),
                    vec![e.clone()],
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}, the first {} ms after consent {cid} was revoked ({})",
                            sp.when(),
                            sp.first - rt,
                            fmt_ms(rt)
                        )
                    }),
                )
            });
        } else if let Some((rt, e)) = st.signal_revoked_at.get(&w.signal)
            && t >= *rt
        {
            let r = Rule::CollectedAfterSignalRevocation;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, rt) = (sig(), *rt);
                Group::new(
                    r,
                    w,
                    Some(st),
                    vec![e.clone()],
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}, after that signal was revoked ({})",
                            sp.when(),
                            fmt_ms(rt)
                        )
                    }),
                )
            });
        }
        if let Some(n) = st.paused.iter().position(|(a, b, _)| t >= *a && t < *b) {
            let (from, _, e) = &st.paused[n];
            let r = Rule::CollectedWhilePaused;
            groups.hit(key(r, n as u32), t, i, None, || {
                let (s, from) = (sig(), *from);
                Group::new(
                    r,
                    w,
                    Some(st),
                    vec![e.clone()],
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}, while paused since {}",
                            sp.when(),
                            fmt_ms(from)
                        )
                    }),
                )
            });
        }
        let cev = || vec![ev_consent(st.latest)];
        let expiry = ms(&c.consent_expiry);
        if t >= expiry {
            let r = Rule::CollectedAfterExpiry;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, cid) = (sig(), cidc());
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}; consent {cid} expired {}",
                            sp.when(),
                            fmt_ms(expiry)
                        )
                    }),
                )
            });
        }
        let start = ms(&c.consent_start);
        if t < start {
            let r = Rule::CollectedBeforeConsentStart;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, cid) = (sig(), cidc());
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}; consent {cid} starts {}",
                            sp.when(),
                            fmt_ms(start)
                        )
                    }),
                )
            });
        }
        if c.signals_denied.contains(&w.signal) {
            let r = Rule::SignalDenied;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, cid) = (sig(), cidc());
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}, which the borrower denied in consent {cid}",
                            sp.when()
                        )
                    }),
                )
            });
        } else if !c.signals_granted.contains(&w.signal) {
            let r = Rule::SignalNotGranted;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, cid, granted) = (sig(), cidc(), c.signals_granted.join(", "));
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {}, which consent {cid} does not cover (granted: {granted})",
                            sp.when()
                        )
                    }),
                )
            });
        }
        let (rf, rt) = (ms(&c.fi_data_range.from), ms(&c.fi_data_range.to));
        let (df, dt) = (ms(&w.data_range.from), ms(&w.data_range.to));
        if df < rf || dt > rt {
            let r = Rule::OutsideDataRange;
            groups.hit(key(r, NONE), t, i, Some((df, dt)), || {
                let s = sig();
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "collected {s} {} with data covering {} – {}; consented FIDataRange is {} – {}",
                            sp.when(),
                            fmt_ms(sp.lo),
                            fmt_ms(sp.hi),
                            fmt_ms(rf),
                            fmt_ms(rt)
                        )
                    }),
                )
            });
        }
        if let Some(to) = &w.onward_recipient
            && !st.recipients.contains(to)
        {
            let r = Rule::UnnamedRecipient;
            let variant = names.id(to);
            groups.hit(key(r, variant), t, i, None, || {
                let (s, cid, to) = (sig(), cidc(), to.clone());
                let named = if st.recipients.is_empty() {
                    "no recipients".to_string()
                } else {
                    let mut v: Vec<_> = st.recipients.iter().cloned().collect();
                    v.sort();
                    v.join(", ")
                };
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "passed {s} on to {to:?} {}; consent {cid} names {named}",
                            sp.when()
                        )
                    }),
                )
            });
        }
        if w.purpose != c.purpose.code {
            let r = Rule::PurposeMismatch;
            let variant = names.id(&w.purpose);
            groups.hit(key(r, variant), t, i, None, || {
                let (s, cid, p) = (sig(), cidc(), w.purpose.clone());
                let (code, text) = (c.purpose.code.clone(), c.purpose.text.clone());
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        format!(
                            "used {s} for purpose {p:?} {}; consent {cid} is for {code:?} ({text})",
                            sp.when()
                        )
                    }),
                )
            });
        }
        if let Some(life) = data_life_ms(&c.data_life)
            && t.saturating_add(life) <= *now_ms
        {
            let r = Rule::DataLifeExceeded;
            groups.hit(key(r, NONE), t, i, None, || {
                let (s, v, u) = (sig(), c.data_life.value, c.data_life.unit);
                Group::new(
                    r,
                    w,
                    Some(st),
                    cev(),
                    Box::new(move |sp| {
                        let ran_out = if sp.count == 1 {
                            fmt_ms(sp.first + life)
                        } else {
                            format!(
                                "between {} and {}",
                                fmt_ms(sp.first + life),
                                fmt_ms(sp.last + life)
                            )
                        };
                        format!(
                            "data life ({v} {u:?}) of {s} collected {} ran out {ran_out}; the lender has issued no deletion receipt",
                            sp.when()
                        )
                    }),
                )
            });
        }
        times.entry((cited, signal)).or_default().push((t, i));
    }

    /// The findings, grouped; disclosures named by index are fetched from `src`.
    pub(crate) fn finish(self, src: &dyn DisclosureSource) -> Vec<Finding> {
        let Self {
            states,
            names,
            groups,
            mut times,
            ..
        } = self;
        let mut src = Statements {
            src,
            cache: HashMap::new(),
        };
        let mut out: Vec<Finding> = groups
            .groups
            .into_iter()
            .map(|g| g.finding(&mut src))
            .collect();

        // Frequency: no more than `value` collections of a signal in any window (ONETIME: one
        // ever). One finding per consent and signal, naming every collection over the limit.
        let mut keys: Vec<(u32, u32)> = times.keys().copied().collect();
        keys.sort_by(|a, b| {
            (names.name(a.0), names.name(a.1)).cmp(&(names.name(b.0), names.name(b.1)))
        });
        for key in keys {
            let mut ts = times.remove(&key).unwrap_or_default();
            let (cid, signal) = (names.name(key.0), names.name(key.1));
            let Some(st) = states.get(cid) else {
                continue;
            };
            let c = &st.latest.value;
            let (allowed, window) = match c.fetch_type {
                wire::FetchType::Onetime => (1usize, None),
                wire::FetchType::Periodic => {
                    (c.frequency.value as usize, window_ms(c.frequency.unit))
                }
            };
            if allowed == usize::MAX {
                continue;
            }
            ts.sort();
            let mut g = Group::empty(
                Rule::AboveFrequency,
                (&c.lender_id, Some(cid.to_owned()), signal),
                Some(rec_consent(c)),
                vec![ev_consent(st.latest)],
                Box::new(|_| String::new()),
            );
            let (mut first_prev, mut last_prev) = (None, None);
            let mut lo = 0usize;
            for hi in 0..ts.len() {
                if let Some(w) = window {
                    while ts[hi].0 - ts[lo].0 >= w {
                        lo += 1;
                    }
                }
                let in_window = hi - lo + 1;
                if in_window > allowed {
                    // `lo`/`hi` of the span: the most collections seen in one window.
                    g.add(ts[hi].0, ts[hi].1, (in_window as i64, in_window as i64));
                    if let Some(p) = hi.checked_sub(1) {
                        first_prev.get_or_insert(ts[p].1);
                        last_prev = Some(ts[p].1);
                    }
                }
            }
            if g.span.count == 0 {
                continue;
            }
            // The collection before the first and before the last one over the limit: with the
            // consent, they show each was over it.
            g.also = first_prev.into_iter().chain(last_prev).collect();
            let total = ts.len();
            let (s, unit, value) = (signal.to_owned(), c.frequency.unit, c.frequency.value);
            g.detail = match window {
                None => Box::new(move |sp| {
                    format!(
                        "{total} collections of {s} under a ONETIME consent: {} beyond the first, {}",
                        sp.count,
                        sp.range()
                    )
                }),
                Some(_) => Box::new(move |sp| {
                    format!(
                        "{} collection{} of {s} over the consented frequency of {value} per {unit:?}, {}; up to {} within one {unit:?}",
                        sp.count,
                        if sp.count == 1 { "" } else { "s" },
                        sp.range(),
                        sp.hi
                    )
                }),
            };
            out.push(g.finding(&mut src));
        }
        out
    }
}

/// Checks every disclosure against the consent it relies on. Pure.
pub fn check_disclosures(input: &AuditInput) -> Vec<Finding> {
    let mut rules = DisclosureRules::new(input);
    for (i, d) in input.disclosures.iter().enumerate() {
        rules.check(i, &d.stmt.value);
    }
    rules.finish(&input.disclosures)
}

/// An explanation with where it came from, for the checks below.
#[allow(clippy::too_many_arguments)]
fn check_explanation(
    kind: &str,
    id: &str,
    lender: &str,
    consent: Option<&str>,
    at: i64,
    json: &Arc<Value>,
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
            last_at: at,
            count: 1,
            records: vec![RecordRef {
                kind: kind.into(),
                id: id.into(),
                local_id: None,
            }],
            records_omitted: 0,
            evidence: vec![Evidence {
                kind: kind.into(),
                id: id.into(),
                statement: Arc::clone(json),
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
                last_at: ms(&v.created_at),
                count: 1,
                records_omitted: 0,
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
                        statement: Arc::clone(&q.json),
                    },
                    Evidence {
                        kind: "offer".into(),
                        id: o.value.offer_id.clone(),
                        statement: Arc::clone(&o.json),
                    },
                ],
            });
        }
    }
    out
}

/// Runs every rule and summarises. Findings come most severe first, then by time.
pub fn audit(input: &AuditInput) -> AuditReport {
    report(
        input,
        input.disclosures.len() as u64,
        check_disclosures(input),
    )
}

/// The report from the disclosures' findings (`disclosures` of them checked, perhaps not held in
/// `input`) and the explanation checks of `input`.
pub(crate) fn report(
    input: &AuditInput,
    disclosures: u64,
    mut findings: Vec<Finding>,
) -> AuditReport {
    findings.extend(check_explanations(input));
    findings.sort_by_key(|f| (f.severity, f.at, f.rule));
    let mut summary = AuditSummary {
        disclosures,
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
        self.with_vault(|v| Ok(load::audit_vault(v, khata_vault::now_ms())?))
            .await
    }
}

#[cfg(test)]
mod tests;
