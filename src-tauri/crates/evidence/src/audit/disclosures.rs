//! The disclosure rules as one pass: each disclosure is handed to every rule family in turn,
//! then [`DisclosureRules::finish`] turns the groups into findings and runs the frequency rule.

use std::collections::HashMap;

use khata_contract::types as wire;

use super::PROHIBITED_FLAG;
use super::consent_state::{ConsentState, consent_states};
use super::finding::Finding;
use super::group::{DisclosureSource, Groups, Hit, NONE, Names, Statements};
use super::input::{AuditInput, SignalMeta, ms};
use super::regulatory::{Restriction, classify};
use super::rules::kyc_only::Collections;
use super::rules::phone::PhoneRules;
use super::rules::prohibited::Verdict;
use super::rules::{consent_scope, data_life, frequency, kyc_only, prohibited, revocation};

/// The disclosure rules, fed one disclosure at a time (an export's million disclosures need
/// not be held at once), each identified by an index into a [`DisclosureSource`].
/// [`DisclosureRules::finish`] then groups what they found: one finding per rule, lender,
/// consent and signal (and recipient, purpose or pause where those differ), with the count,
/// first and last time, a sample of the records and the statements that prove it.
pub struct DisclosureRules<'a> {
    states: HashMap<&'a str, ConsentState<'a>>,
    /// Each lender's catalogue entry by (lender, signal); (`""`, signal) for a catalogue kept
    /// for every lender at once.
    catalogue: HashMap<(&'a str, &'a str), &'a SignalMeta>,
    /// What the regulatory table holds about each (lender, signal) seen so far.
    verdicts: HashMap<(u32, u32), Verdict>,
    now_ms: i64,
    names: Names,
    groups: Groups,
    /// Collection times per (consent, signal), for the frequency rule.
    times: HashMap<(u32, u32), Vec<(i64, usize)>>,
    /// Collection times per (lender, signal) of once-only (KYC) data.
    once_only: HashMap<(u32, u32), Collections>,
    /// The rules over what the borrower's phone saw: `observed-undeclared` needs every
    /// disclosure, so they are fed here and found with the rest.
    phone: PhoneRules<'a>,
}

impl<'a> DisclosureRules<'a> {
    pub fn new(input: &'a AuditInput) -> Self {
        DisclosureRules {
            states: consent_states(input),
            catalogue: input
                .signals
                .iter()
                .map(|s| ((s.lender_id.as_deref().unwrap_or(""), s.id.as_str()), s))
                .collect(),
            verdicts: HashMap::new(),
            now_ms: input.now_ms,
            names: Names::default(),
            groups: Groups::default(),
            times: HashMap::new(),
            once_only: HashMap::new(),
            phone: PhoneRules::new(input),
        }
    }

    /// Checks disclosure `i` against the consent it relies on.
    pub fn check(&mut self, i: usize, w: &wire::Disclosure) {
        let t = ms(&w.collected_at);
        let lender = self.names.id(&w.lender_id);
        let signal = self.names.id(&w.signal);
        let cited = w.consent_id.as_deref().map_or(NONE, |c| self.names.id(c));
        self.phone.disclosure(&w.lender_id, &w.signal, t);
        let mut h = Hit {
            names: &mut self.names,
            groups: &mut self.groups,
            w,
            t,
            i,
            lender,
            cited,
            signal,
        };
        let verdict = *self
            .verdicts
            .entry((lender, signal))
            .or_insert_with(|| verdict(&self.catalogue, &w.lender_id, &w.signal));
        prohibited::check(&mut h, verdict);
        if let Some(c) = verdict
            .class
            .filter(|c| c.restriction() == Restriction::KycOnly)
        {
            self.once_only
                .entry((lender, signal))
                .or_insert_with(|| Collections {
                    data: c.data,
                    times: Vec::new(),
                })
                .times
                .push((t, i));
        }
        let Some(st) = consent_scope::consent_of(&mut h, &self.states) else {
            return;
        };
        revocation::check(&mut h, st);
        consent_scope::check(&mut h, st);
        data_life::check(&mut h, st, self.now_ms);
        self.times.entry((cited, signal)).or_default().push((t, i));
    }

    /// The findings, grouped; disclosures named by index are fetched from `src`.
    pub fn finish(self, src: &dyn DisclosureSource) -> Vec<Finding> {
        let mut src = Statements {
            src,
            cache: HashMap::new(),
        };
        let mut out: Vec<Finding> = self
            .groups
            .groups
            .into_iter()
            .map(|g| g.finding(&mut src))
            .collect();
        out.extend(frequency::findings(
            self.times,
            &self.names,
            &self.states,
            &mut src,
        ));
        out.extend(kyc_only::findings(self.once_only, &self.names, &mut src));
        out.extend(self.phone.findings(&self.states));
        out
    }
}

/// The table's verdict on a lender's signal: classified from that lender's catalogue entry
/// (or the shared one of an older export), or from the signal id alone when no catalogue
/// describes it. The lender's own prohibition flag is kept beside it.
fn verdict(catalogue: &HashMap<(&str, &str), &SignalMeta>, lender: &str, signal: &str) -> Verdict {
    let meta = catalogue
        .get(&(lender, signal))
        .or_else(|| catalogue.get(&("", signal)));
    let nonempty = |s: &str| Some(s).filter(|s| !s.trim().is_empty()).map(str::to_owned);
    let (category, name) =
        meta.map_or((None, None), |m| (nonempty(&m.category), nonempty(&m.name)));
    Verdict {
        class: classify(category.as_deref(), signal, name.as_deref()),
        lender_flag: meta.is_some_and(|m| m.regulatory_flags.iter().any(|f| f == PROHIBITED_FLAG)),
    }
}
