//! One donation's export turned into rows ([`Extracted`]), read a line at a time: the document
//! (a version 1 export, or line 1 of version 2) through `khata_evidence::audit`'s own reader,
//! then each lender's log leaves. A lender's log holds every borrower's disclosures; a leaf is
//! the donor's when it cites one of the donor's consents with that lender, or none. The
//! audit's rules see the donor's disclosures only, so a finding is about the donor.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Read};
use std::sync::Arc;

use khata_contract::log::DisclosureLeaf;
use khata_contract::merkle::{Hash, decode_hash};
use khata_contract::types as wire;
use khata_evidence::audit::collection::{ConsentStates, StateAt};
use khata_evidence::audit::regulatory::{Restriction, classify};
use khata_evidence::audit::{
    self, DisclosureRules, DisclosureSource, Evidence, PROHIBITED_FLAG, RecordRef,
};
use khata_evidence::export_v2::MAGIC;
use serde_json::Value;

use crate::rejection::{Reason, Rejection, reject};
use crate::rows::{Cell, Row, Rows, month_of};
use crate::schema::{
    self, CONSENTS, DISCLOSURES, FINDINGS, OFFERS, PHONE_OBSERVATIONS, TREE_HEADS,
};

/// The longest document (a version 1 export, or line 1 of version 2) a pool reads into memory.
pub const DOCUMENT_MAX_BYTES: u64 = 256 << 20;
/// The longest leaf line.
pub const LEAF_MAX_BYTES: u64 = 8 << 20;

/// A signed tree head the donor held or kept, as a row needs it.
#[derive(Debug, Clone)]
pub struct Head {
    pub size: u64,
    pub root: Hash,
    pub timestamp_ms: i64,
    pub key_id: String,
    pub conflict: bool,
}

/// What a donation adds, but for its `donations` row.
#[derive(Debug, Default)]
pub struct Extracted {
    pub rows: Rows,
    /// `(lender, consent id)` of every consent the donor holds.
    pub consents: Vec<(String, String)>,
    /// Each lender's log: every leaf hash in order (all borrowers', for roots at any size).
    pub leaves: BTreeMap<String, Vec<Hash>>,
    /// Each lender's heads as the donor held them.
    pub heads: BTreeMap<String, Vec<Head>>,
    pub lenders: u64,
    pub version: u64,
}

/// Reads `limit` bytes at most up to and including the next `\n`; `None` at the end.
fn line(input: &mut dyn BufRead, limit: u64, what: &str) -> Result<Option<Vec<u8>>, Rejection> {
    let mut buf = Vec::new();
    input
        .take(limit + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| Rejection::new(Reason::ExportInvalid, format!("{what}: {e}")))?;
    if buf.is_empty() {
        return Ok(None);
    }
    if buf.len() as u64 > limit {
        return reject(
            Reason::ExportInvalid,
            format!("{what} is longer than {limit} bytes"),
        );
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    }
    Ok(Some(buf))
}

fn invalid(e: impl std::fmt::Display) -> Rejection {
    Rejection::new(Reason::ExportInvalid, e.to_string())
}

fn rfc3339_ms(v: &Value) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn ms(t: &chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

/// Findings' records and evidence are not kept in the pool: the rules get placeholders.
struct NoStatements;

impl DisclosureSource for NoStatements {
    fn record(&self, i: usize) -> RecordRef {
        RecordRef {
            kind: "disclosure".into(),
            id: format!("#{i}"),
            local_id: None,
        }
    }
    fn statement(&self, i: usize) -> Evidence {
        Evidence {
            kind: "disclosure".into(),
            id: format!("#{i}"),
            statement: Arc::new(Value::Null),
        }
    }
}

/// Reads the export from `input` (see the module's comment). `donation_id` goes in every row;
/// `pseudonym(lender, consent)` makes a `consent_ref`.
pub fn extract(
    input: &mut dyn BufRead,
    donation_id: &str,
    pseudonym: &dyn Fn(&str, &str) -> String,
) -> Result<Extracted, Rejection> {
    let first = line(input, DOCUMENT_MAX_BYTES, "the export's document")?
        .ok_or_else(|| invalid("the export is empty"))?;
    let v2 = first.starts_with(MAGIC.as_bytes());
    let doc: Value = if v2 {
        serde_json::from_slice(&first).map_err(|e| invalid(format!("line 1: {e}")))?
    } else {
        // Version 1: one document, perhaps over many lines.
        let mut all = first;
        all.push(b'\n');
        input
            .take(DOCUMENT_MAX_BYTES + 1 - all.len().min(DOCUMENT_MAX_BYTES as usize) as u64)
            .read_to_end(&mut all)
            .map_err(invalid)?;
        if all.len() as u64 > DOCUMENT_MAX_BYTES {
            return reject(
                Reason::UnsupportedVersion,
                format!(
                    "a version 1 export above {} MiB; donate a version 2 export",
                    DOCUMENT_MAX_BYTES >> 20
                ),
            );
        }
        serde_json::from_slice(&all).map_err(|e| invalid(format!("not JSON: {e}")))?
    };
    let version = doc.get("version").and_then(Value::as_u64).unwrap_or(0);
    if !khata_evidence::verify::SUPPORTED_VERSIONS.contains(&version) {
        return reject(
            Reason::UnsupportedVersion,
            format!("export version {version}"),
        );
    }
    if let Some(at) = crate::identifying::first_naming(&doc) {
        return reject(
            Reason::IdentifyingData,
            format!("the export still names the borrower at {at}"),
        );
    }
    // Audited as of the add, as `khata audit` audits as of its run: a donation's `exportedAt`
    // is coarsened to the start of its month, so receipts and requests made later that month
    // would read as arriving before they were sent.
    let now = chrono::Utc::now().timestamp_millis();
    let input_doc = audit::export::from_export(&doc, now);
    let mut out = Extracted {
        version,
        ..Default::default()
    };
    let mut lender_ids: Vec<&str> = doc
        .get("lenders")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| l.get("id").and_then(Value::as_str))
        .collect();
    let logs: Vec<&Value> = doc
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    lender_ids.extend(
        logs.iter()
            .filter_map(|l| l.get("lenderId").and_then(Value::as_str)),
    );
    lender_ids.extend(
        input_doc
            .consents
            .iter()
            .map(|c| c.value.lender_id.as_str()),
    );
    lender_ids.extend(input_doc.offers.iter().map(|c| c.value.lender_id.as_str()));
    lender_ids.extend(
        input_doc
            .disclosures
            .iter()
            .map(|d| d.stmt.value.lender_id.as_str()),
    );
    lender_ids.sort_unstable();
    lender_ids.dedup();
    if let Some(bad) = lender_ids.iter().find(|l| !schema::is_plain_lender_id(l)) {
        return reject(
            Reason::LenderIdUnsupported,
            format!(
                "lender id {:?} cannot be a partition directory",
                khata_contract::lender_text::clean(bad)
            ),
        );
    }
    out.lenders = lender_ids.len() as u64;

    let states = ConsentStates::new(&input_doc);
    let mut rules = DisclosureRules::new(&input_doc);
    let mut checked = 0usize;
    let mut declared = Declared::new(&input_doc);
    let mut disclose = |out: &mut Extracted, rules: &mut DisclosureRules, w: &wire::Disclosure| {
        let donors = w
            .consent_id
            .as_deref()
            .is_none_or(|c| states.holds(&w.lender_id, c));
        if !donors {
            return;
        }
        rules.check(checked, w);
        checked += 1;
        let t = ms(&w.collected_at);
        let state = states.at(&w.lender_id, w.consent_id.as_deref(), &w.signal, t);
        let meta = input_doc
            .signals
            .iter()
            .find(|s| s.id == w.signal && s.lender_id.as_deref().is_none_or(|l| l == w.lender_id));
        let category = meta
            .map(|m| m.category.clone())
            .filter(|c| !c.trim().is_empty());
        let class = classify(
            category.as_deref(),
            &w.signal,
            meta.map(|m| m.name.as_str()).filter(|n| !n.is_empty()),
        );
        let lender_flag =
            meta.is_some_and(|m| m.regulatory_flags.iter().any(|f| f == PROHIBITED_FLAG));
        let prohibited =
            lender_flag || class.is_some_and(|c| c.restriction() == Restriction::Prohibited);
        let kyc_only = class.is_some_and(|c| c.restriction() == Restriction::KycOnly);
        declared.disclosure(&w.lender_id, &w.signal, category.as_deref(), t);
        let row: Row = vec![
            donation_id.into(),
            w.signal.as_str().into(),
            category.into(),
            prohibited.into(),
            kyc_only.into(),
            t.into(),
            state.id().into(),
            (state == StateAt::Revoked).into(),
            w.onward_recipient.clone().into(),
        ];
        out.rows.push(DISCLOSURES, &w.lender_id, month_of(t), row);
    };
    // Contract-v1 disclosures (a whole version 1 export, or those on line 1 of version 2).
    for d in &input_doc.disclosures {
        disclose(&mut out, &mut rules, &d.stmt.value);
    }
    // Each lender's log, in the order line 1 announces them (the writer sorts by lender id).
    let mut order: Vec<(String, u64)> = logs
        .iter()
        .filter_map(|l| {
            Some((
                l.get("lenderId")?.as_str()?.to_owned(),
                l.get("leafCount")?.as_u64()?,
            ))
        })
        .collect();
    order.sort();
    for (lender, count) in &order {
        let hashes = out.leaves.entry(lender.clone()).or_default();
        let mut hashes = std::mem::take(hashes);
        for n in 0..*count {
            let bytes = line(input, LEAF_MAX_BYTES, &format!("leaf {n} of {lender}"))?
                .ok_or_else(|| invalid(format!("the export ends before leaf {n} of {lender}")))?;
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|e| invalid(format!("leaf {n} of {lender}: {e}")))?;
            // Another borrower's leaf (it cites a consent the donor does not hold; `consentId`
            // is never redactable) gives the pool only its hash, for roots at other donors'
            // sizes. Revealing and typing it would cost most of the reading: the verifier, on
            // its own thread, checks its commitments and its place under the signed heads, and
            // a donation whose export does not verify is refused before any row is kept.
            let foreign = value
                .get("consentId")
                .and_then(Value::as_str)
                .is_some_and(|c| !states.holds(lender, c));
            if foreign {
                let statement = khata_contract::redact::statement_bytes(&value)
                    .map_err(|e| invalid(format!("leaf {n} of {lender}: {e}")))?;
                hashes.push(khata_contract::merkle::leaf_hash(&statement));
                continue;
            }
            let checked_leaf = DisclosureLeaf::check(&value)
                .map_err(|e| invalid(format!("leaf {n} of {lender}: {e}")))?;
            hashes.push(checked_leaf.leaf_hash);
            let w = audit::leaf_disclosure(lender, &checked_leaf.leaf);
            disclose(&mut out, &mut rules, &w);
        }
        out.leaves.insert(lender.clone(), hashes);
    }
    let findings = rules.finish(&NoStatements);
    let report = audit::report(&input_doc, checked as u64, findings);

    // Findings: one row per (lender, rule).
    let mut by_rule: BTreeMap<(String, &'static str), (String, i64, Option<i64>)> = BTreeMap::new();
    for f in &report.findings {
        let severity = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let e = by_rule
            .entry((f.lender_id.clone(), f.rule.id()))
            .or_insert((severity, 0, None));
        e.1 += f.count as i64;
        e.2 = Some(e.2.map_or(f.at, |x: i64| x.min(f.at)));
    }
    for ((lender, rule), (severity, occurrences, first)) in by_rule {
        if !schema::is_plain_lender_id(&lender) {
            continue;
        }
        let month = first.map(month_of).unwrap_or_else(|| month_of(now));
        let row: Row = vec![
            donation_id.into(),
            rule.into(),
            severity.into(),
            occurrences.into(),
            first.into(),
        ];
        out.rows.push(FINDINGS, &lender, month, row);
    }

    // Consents: the latest version of each.
    let mut latest: HashMap<&str, &wire::Consent> = HashMap::new();
    for c in &input_doc.consents {
        let v = &c.value;
        let e = latest.entry(v.consent_id.as_str()).or_insert(v);
        if v.version > e.version {
            *e = v;
        }
    }
    let mut latest: Vec<&wire::Consent> = latest.into_values().collect();
    latest.sort_by(|a, b| (&a.lender_id, &a.consent_id).cmp(&(&b.lender_id, &b.consent_id)));
    for c in latest {
        out.consents
            .push((c.lender_id.clone(), c.consent_id.clone()));
        let granted = ms(&c.create_timestamp);
        let unit = serde_json::to_value(c.frequency.unit)
            .ok()
            .and_then(|v| v.as_str().map(str::to_lowercase))
            .unwrap_or_default();
        let row: Row = vec![
            donation_id.into(),
            pseudonym(&c.lender_id, &c.consent_id).into(),
            granted.into(),
            states.revoked_at(&c.consent_id).into(),
            (c.signals_granted.len() as i32).into(),
            (c.signals_denied.len() as i32).into(),
            Cell::Str(Some(format!("{}/{unit}", c.frequency.value))),
            Some(c.purpose.code.clone())
                .filter(|p| !p.is_empty())
                .into(),
        ];
        out.rows
            .push(CONSENTS, &c.lender_id, month_of(granted), row);
    }

    // Offers.
    for o in &input_doc.offers {
        let o = &o.value;
        let t = ms(&o.created_at);
        let decision = serde_json::to_value(o.decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_lowercase))
            .unwrap_or_default();
        let band = (o.amount_inr > 0).then(|| amount_band(o.amount_inr).to_owned());
        let stated = o.kfs.as_ref().map(|k| f64::from(k.apr_annual_bps) / 100.0);
        let computed = o
            .kfs
            .as_ref()
            .and_then(|k| khata_evidence::kfs::recompute_apr(k).ok())
            .map(|a| a.annual_bps as f64 / 100.0);
        let row: Row = vec![
            donation_id.into(),
            decision.into(),
            band.into(),
            stated.into(),
            computed.into(),
            t.into(),
        ];
        out.rows.push(OFFERS, &o.lender_id, month_of(t), row);
    }

    // Phone observations, by the lender each source was imported for.
    for o in &input_doc.observations {
        let Some(lender) = input_doc
            .phone_sources
            .iter()
            .find(|s| s.sha256 == o.source)
            .and_then(|s| s.lender_id.as_deref())
            .filter(|l| schema::is_plain_lender_id(l))
        else {
            continue;
        };
        let mapping = khata_evidence::phone::mapping(o.resource);
        let word = |v: serde_json::Result<Value>| {
            v.ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let rbi = mapping
            .regulated
            .map_or_else(|| "none".to_owned(), |r| word(serde_json::to_value(r)));
        let format = input_doc
            .phone_sources
            .iter()
            .find(|s| s.sha256 == o.source)
            .map(|s| word(serde_json::to_value(s.format)))
            .unwrap_or_default();
        let after = states
            .first_revocation(lender)
            .is_some_and(|r| o.first_at >= r);
        let row: Row = vec![
            donation_id.into(),
            word(serde_json::to_value(o.resource)).into(),
            rbi.into(),
            o.first_at.into(),
            format.into(),
            declared.covers(lender, o.resource, o.first_at).into(),
            after.into(),
        ];
        out.rows
            .push(PHONE_OBSERVATIONS, lender, month_of(o.first_at), row);
    }

    // Tree heads the donor held (`held`) or kept as contradicting (`conflict`).
    for log in &logs {
        let Some(lender) = log.get("lenderId").and_then(Value::as_str) else {
            continue;
        };
        for (key, conflict) in [("treeHeads", false), ("conflicts", true)] {
            for h in log.get(key).and_then(Value::as_array).into_iter().flatten() {
                let head = Head {
                    size: h.get("treeSize").and_then(Value::as_u64).unwrap_or(0),
                    root: h
                        .get("rootHash")
                        .and_then(Value::as_str)
                        .and_then(|r| decode_hash(r).ok())
                        .unwrap_or_default(),
                    timestamp_ms: h.get("timestamp").and_then(rfc3339_ms).unwrap_or(0),
                    key_id: h
                        .pointer("/signature/keyId")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    conflict,
                };
                out.rows.push(
                    TREE_HEADS,
                    lender,
                    month_of(head.timestamp_ms),
                    head_row(
                        donation_id,
                        &head,
                        if conflict { "conflict" } else { "held" },
                    ),
                );
                out.heads.entry(lender.to_owned()).or_default().push(head);
            }
        }
    }
    Ok(out)
}

/// A `tree_heads` row.
pub fn head_row(donation_id: &str, h: &Head, kind: &str) -> Row {
    vec![
        donation_id.into(),
        (h.size as i64).into(),
        hex::encode(h.root).into(),
        h.timestamp_ms.into(),
        h.key_id.as_str().into(),
        kind.into(),
    ]
}

/// The band of an offered amount (the amount itself could help link a donor back).
pub fn amount_band(inr: u32) -> &'static str {
    match inr {
        0..10_000 => "<10k",
        10_000..50_000 => "10k-50k",
        50_000..100_000 => "50k-1L",
        100_000..500_000 => "1L-5L",
        _ => ">=5L",
    }
}

/// Times of the donor's disclosures that would declare a phone resource: a signal the
/// resource maps to (`khata_evidence::phone::mapping`, by id or DPV category), per lender.
/// Kept only when the export carries phone observations.
struct Declared {
    on: bool,
    times: HashMap<(String, khata_evidence::phone::Resource), Vec<i64>>,
}

impl Declared {
    fn new(input: &audit::AuditInput) -> Self {
        Declared {
            on: !input.observations.is_empty(),
            times: HashMap::new(),
        }
    }

    fn disclosure(&mut self, lender: &str, signal: &str, category: Option<&str>, t: i64) {
        if !self.on {
            return;
        }
        for m in khata_evidence::phone::MAPPINGS {
            if m.signals.contains(&signal)
                || category
                    .is_some_and(|c| m.dpv_categories.iter().any(|d| d.eq_ignore_ascii_case(c)))
            {
                self.times
                    .entry((lender.to_owned(), m.resource))
                    .or_default()
                    .push(t);
            }
        }
    }

    /// A disclosure of a mapped signal within the audit's window of the observation.
    fn covers(&self, lender: &str, resource: khata_evidence::phone::Resource, t: i64) -> bool {
        let window = audit::UNDECLARED_WINDOW_HOURS as i64 * 3_600_000;
        self.times
            .get(&(lender.to_owned(), resource))
            .is_some_and(|ts| ts.iter().any(|d| (d - t).abs() <= window))
    }
}
