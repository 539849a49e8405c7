//! Grouping: a rule broken by many disclosures becomes one finding per lender, consent, signal
//! and variant (recipient, purpose, pause), keeping only indexes, a count, the first and last
//! time and a sample of records; the statements are fetched once, when findings are made.

use std::collections::{HashMap, HashSet, VecDeque};

use khata_contract::types as wire;

use super::RECORD_SAMPLE_EACH_END;
use super::consent_state::{ConsentState, ev_disclosure, rec_consent, rec_disclosure};
use super::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use super::input::DisclosureIn;

/// No consent (or no variant) in a group key.
pub(crate) const NONE: u32 = u32::MAX;

/// How many times and when, for a grouped finding's facts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) count: u64,
    pub(crate) first: i64,
    pub(crate) last: i64,
    /// The smallest and largest of a per-disclosure value (data range: its start and end).
    pub(crate) lo: i64,
    pub(crate) hi: i64,
}

/// The facts of a grouped finding, from its span once every disclosure has been seen.
pub(crate) type Detail = Box<dyn Fn(&Span) -> FindingFacts>;

/// What one rule found for one (lender, consent, signal, variant): a grouped finding in the
/// making. Only indexes are kept; statements are fetched once the audit is done.
pub(crate) struct Group {
    rule: Rule,
    lender_id: String,
    consent_id: Option<String>,
    signal: String,
    consent_rec: Option<RecordRef>,
    pub(crate) span: Span,
    /// (time, index) of the earliest and the latest offending disclosure.
    earliest: (i64, usize),
    latest: (i64, usize),
    head: Vec<usize>,
    tail: VecDeque<usize>,
    /// Other disclosures that prove it (frequency: the collection before each one shown).
    pub(crate) also: Vec<usize>,
    /// Statements other than disclosures that prove it (consent artefact, receipt).
    extra: Vec<Evidence>,
    pub(crate) detail: Detail,
}

impl Group {
    pub(crate) fn new(
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
    pub(crate) fn empty(
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

    pub(crate) fn add(&mut self, t: i64, i: usize, (lo, hi): (i64, i64)) {
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

    pub(crate) fn finding(self, src: &mut Statements<'_>) -> Finding {
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
            facts: (self.detail)(&self.span),
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
pub(crate) struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), i);
        i
    }

    pub(crate) fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }
}

/// Rule, lender, consent cited, signal, variant (recipient, purpose, pause).
pub(crate) type Key = (Rule, u32, u32, u32, u32);

/// Where the disclosures found by index come from, to list them and to show them as evidence.
pub trait DisclosureSource {
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
pub(crate) struct Statements<'a> {
    pub(crate) src: &'a dyn DisclosureSource,
    pub(crate) cache: HashMap<usize, Evidence>,
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
pub(crate) struct Groups {
    index: HashMap<Key, usize>,
    pub(crate) groups: Vec<Group>,
}

impl Groups {
    pub(crate) fn hit(
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

/// One disclosure being checked: where each rule family records what it found.
pub(crate) struct Hit<'r, 'w> {
    pub(crate) names: &'r mut Names,
    pub(crate) groups: &'r mut Groups,
    pub(crate) w: &'w wire::Disclosure,
    /// Its collection time (Unix ms) and index in the source.
    pub(crate) t: i64,
    pub(crate) i: usize,
    pub(crate) lender: u32,
    pub(crate) cited: u32,
    pub(crate) signal: u32,
}

impl Hit<'_, '_> {
    /// Records that `rule` was broken by this disclosure, in the group of `variant` (a
    /// recipient, purpose or pause; [`NONE`] when the rule has none), checked against
    /// `consent`. The first time a group is hit it is built with the statements `extra` that
    /// prove it and the `facts` it will report; later hits build nothing. `range` is the data
    /// period, for the span's `lo`/`hi`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn found(
        &mut self,
        rule: Rule,
        variant: u32,
        range: Option<(i64, i64)>,
        consent: Option<&ConsentState>,
        extra: impl FnOnce() -> Vec<Evidence>,
        facts: impl FnOnce() -> Detail,
    ) {
        let key = (rule, self.lender, self.cited, self.signal, variant);
        let w = self.w;
        self.groups.hit(key, self.t, self.i, range, || {
            Group::new(rule, w, consent, extra(), facts())
        });
    }
}
