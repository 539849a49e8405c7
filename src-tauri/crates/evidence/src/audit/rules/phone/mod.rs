//! Rules over what the borrower's own phone saw the lender's app do: the one audit that does
//! not rest on the lender's word. Only accesses count (`Access`; iOS network activity for
//! `observed-unnamed-recipient`): a granted, requested or refused permission is context, not
//! a finding. The lender of an observation is its source's `lender_id`; a source tied to no
//! lender is shown elsewhere, not audited here.
//!
//! - `observed-prohibited-access` (critical): the resource is one the RBI's rules bar
//!   (contacts, call logs, files and media, telephony), by [`crate::phone::MAPPINGS`].
//! - `observed-after-revocation` (critical) and `observed-without-consent` (high): where the
//!   access stands against the lender's consents ([`consent::standing`]).
//! - `observed-undeclared` (high): no disclosure of a mapped signal within a day
//!   ([`declared`]).
//! - `observed-beyond-kyc` (high): camera, microphone or location seen more than once in all,
//!   or in the background.
//! - `observed-unnamed-recipient` (high): network activity to a profiler, or to a domain that
//!   is neither the lender's nor a named recipient's ([`domains`]).
//!
//! One finding per rule, lender, source, resource, op and app state (and revocation or
//! domain): its records name the observations (a sample, as the disclosure rules do) and the
//! source; its evidence is the source and the earliest and latest observation as imported,
//! with the statement proving a revocation. The same record seen by two files (two reports of
//! overlapping weeks) counts once, for the file imported first.
//!
//! An aggregated observation holds only its first and last access times: the consent rules
//! judge those two, and count all of its accesses only when both break the rule (else one).

mod build;
pub(crate) mod consent;
pub(crate) mod declared;
pub(crate) mod domains;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::audit::consent_state::ConsentState;
use crate::audit::finding::{Finding, Rule};
use crate::audit::input::AuditInput;
use crate::audit::observed::ObservedWhy;
use crate::audit::regulatory::{Restriction, RuleSource};
use crate::phone::{AppState, Observation, ObservationKind, PhoneSource, Resource, mapping};
use build::Builder;
use consent::{Standing, standing};
pub use declared::UNDECLARED_WINDOW_HOURS;
use declared::{Declared, category};
use domains::{Party, belongs_to, host_of, registrable, under};

/// One observation the rules look at.
pub(crate) struct Seen<'a> {
    obs: &'a Observation,
    /// Its place among its source's observations, as stored (the second part of its id).
    place: usize,
    source: &'a PhoneSource,
    lender: &'a str,
}

/// The observations of sources tied to a lender, earliest import first, each record once.
fn seen(input: &AuditInput) -> Vec<Seen<'_>> {
    let sources: HashMap<&str, &PhoneSource> = input
        .phone_sources
        .iter()
        .map(|s| (s.sha256.as_str(), s))
        .collect();
    let mut places: HashMap<&str, usize> = HashMap::new();
    let mut all = Vec::new();
    for obs in &input.observations {
        let next = places.entry(obs.source.as_str()).or_default();
        let place = *next;
        *next += 1;
        let Some(source) = sources.get(obs.source.as_str()) else {
            continue;
        };
        let Some(lender) = source.lender_id.as_deref() else {
            continue;
        };
        all.push(Seen {
            obs,
            place,
            source,
            lender,
        });
    }
    all.sort_by(|a, b| {
        (a.source.imported_at, &a.source.sha256, a.place).cmp(&(
            b.source.imported_at,
            &b.source.sha256,
            b.place,
        ))
    });
    let mut once = HashSet::new();
    all.retain(|s| {
        let o = s.obs;
        once.insert((
            s.lender,
            o.app.as_str(),
            o.resource,
            o.op.as_str(),
            o.kind,
            o.state,
            (o.first_at, o.last_at, o.count),
            o.network.as_ref().map(|n| n.domain.as_str()),
        ))
    });
    all
}

/// The phone rules over one audit: built before the disclosures are seen, fed each of them
/// (for `observed-undeclared`), then turned into findings.
pub(crate) struct PhoneRules<'a> {
    input: &'a AuditInput,
    seen: Vec<Seen<'a>>,
    declared: Declared,
    /// The signals of each (lender, resource) seen, worked out once ([`mapped`]).
    mapped: HashMap<(&'a str, Resource), Vec<String>>,
}

impl<'a> PhoneRules<'a> {
    pub(crate) fn new(input: &'a AuditInput) -> Self {
        let seen = seen(input);
        let declared = Declared::new(
            seen.iter()
                .enumerate()
                .filter(|(_, s)| s.obs.kind == ObservationKind::Access)
                .map(|(i, s)| (i, s.lender, s.obs.resource, s.obs.first_at, s.obs.last_at)),
        );
        let mapped = seen
            .iter()
            .map(|s| (s.lender, s.obs.resource))
            .collect::<HashSet<_>>()
            .into_iter()
            .map(|(l, r)| ((l, r), mapped(input, l, r)))
            .collect();
        PhoneRules {
            input,
            seen,
            declared,
            mapped,
        }
    }

    /// A disclosure of `signal` by `lender`, collected at `t` (Unix ms).
    pub(crate) fn disclosure(&mut self, lender: &str, signal: &str, t: i64) {
        if !self.seen.is_empty() {
            self.declared
                .disclosure(&self.input.signals, lender, signal, t);
        }
    }

    /// The findings, in rule, lender, source, resource, op and state order.
    pub(crate) fn findings(self, states: &HashMap<&str, ConsentState<'_>>) -> Vec<Finding> {
        let mut b = Builder::default();
        let mut kyc: BTreeMap<(&str, Resource), (u64, bool, Vec<usize>)> = BTreeMap::new();
        for (i, s) in self.seen.iter().enumerate() {
            let o = s.obs;
            match o.kind {
                ObservationKind::Access => {}
                ObservationKind::Network => {
                    self.recipient(&mut b, i, s);
                    continue;
                }
                _ => continue,
            }
            let m = mapping(o.resource);
            let whole = (o.first_at, o.last_at, o.count);
            match m.regulated {
                Some(data) if data.restriction() == Restriction::Prohibited => {
                    b.add(Rule::ObservedProhibitedAccess, s, i, "", whole, || {
                        ObservedWhy::Prohibited {
                            data,
                            source: RuleSource::rbi(),
                        }
                    });
                }
                Some(_) => {
                    let e = kyc
                        .entry((s.lender, o.resource))
                        .or_insert((0, false, Vec::new()));
                    e.0 = e.0.saturating_add(o.count);
                    e.1 |= o.state == AppState::Background;
                    e.2.push(i);
                }
                None => {}
            }
            self.consents(&mut b, states, i, s);
            if self.declared.undeclared(i) {
                let signals = self.mapped(s.lender, o.resource);
                b.add(Rule::ObservedUndeclared, s, i, "", whole, || {
                    ObservedWhy::Undeclared {
                        signals: signals.to_vec(),
                        categories: m.dpv_categories.iter().map(|c| c.to_string()).collect(),
                        window_hours: UNDECLARED_WINDOW_HOURS,
                    }
                });
            }
        }
        for ((_, resource), (accesses, any_background, members)) in kyc {
            if accesses < 2 && !any_background {
                continue;
            }
            let data = mapping(resource).regulated.expect("a once-only resource");
            for i in members {
                let s = &self.seen[i];
                let background = s.obs.state == AppState::Background;
                let whole = (s.obs.first_at, s.obs.last_at, s.obs.count);
                b.add(Rule::ObservedBeyondKyc, s, i, "", whole, || {
                    ObservedWhy::BeyondKyc {
                        data,
                        accesses,
                        background,
                        source: RuleSource::rbi(),
                    }
                });
            }
        }
        b.finish(&self.seen)
    }

    /// The signals of `lender` mapped to `resource` ([`mapped`]).
    fn mapped(&self, lender: &'a str, resource: Resource) -> &[String] {
        self.mapped
            .get(&(lender, resource))
            .map_or(&[], Vec::as_slice)
    }

    /// `observed-after-revocation` and `observed-without-consent`, judged at the observation's
    /// first and last access.
    fn consents(
        &self,
        b: &mut Builder,
        states: &HashMap<&str, ConsentState<'_>>,
        i: usize,
        s: &Seen<'a>,
    ) {
        let o = s.obs;
        let mapped = self.mapped(s.lender, o.resource);
        let times: Vec<i64> = if o.first_at == o.last_at {
            vec![o.first_at]
        } else {
            vec![o.first_at, o.last_at]
        };
        let standings: Vec<(i64, Standing)> = times
            .iter()
            .map(|t| (*t, standing(states, s.lender, mapped, *t)))
            .collect();
        let span = |hit: &[i64]| {
            if hit.len() == times.len() {
                (o.first_at, o.last_at, o.count)
            } else {
                (hit[0], hit[0], 1)
            }
        };
        let revoked: Vec<i64> = standings
            .iter()
            .filter(|(_, st)| matches!(st, Standing::Revoked { .. }))
            .map(|(t, _)| *t)
            .collect();
        if let Some((
            _,
            Standing::Revoked {
                at,
                consent_id,
                signals,
                evidence,
            },
        )) = standings
            .iter()
            .rev()
            .find(|(_, st)| matches!(st, Standing::Revoked { .. }))
        {
            let variant = format!("{consent_id}@{at}");
            let (at, signals) = (*at, signals.clone());
            b.add(
                Rule::ObservedAfterRevocation,
                s,
                i,
                &variant,
                span(&revoked),
                || ObservedWhy::AfterRevocation {
                    revoked_at: at,
                    signals: signals.clone(),
                },
            );
            b.proof(
                Rule::ObservedAfterRevocation,
                s,
                &variant,
                Some(consent_id.clone()),
                evidence,
            );
        }
        let without: Vec<i64> = standings
            .iter()
            .filter(|(_, st)| matches!(st, Standing::None))
            .map(|(t, _)| *t)
            .collect();
        if !without.is_empty() {
            b.add(
                Rule::ObservedWithoutConsent,
                s,
                i,
                "",
                span(&without),
                || ObservedWhy::WithoutConsent,
            );
        }
    }

    /// `observed-unnamed-recipient`: a profiler, or a domain that is neither the lender's nor
    /// a named recipient's.
    fn recipient(&self, b: &mut Builder, i: usize, s: &Seen<'a>) {
        let Some(net) = &s.obs.network else { return };
        let own_host = self
            .input
            .lender_api_bases
            .iter()
            .filter(|(l, _)| l == s.lender)
            .map(|(_, url)| registrable(&host_of(url)))
            .any(|base| under(&net.domain, &base));
        let lender = Party {
            id: s.lender,
            name: "",
        };
        let mut named: Vec<String> = Vec::new();
        let mut theirs = false;
        for c in self
            .input
            .consents
            .iter()
            .filter(|c| c.value.lender_id == s.lender)
        {
            for r in &c.value.onward_recipients {
                theirs |= belongs_to(
                    &net.domain,
                    &Party {
                        id: &r.id,
                        name: &r.name,
                    },
                );
                named.push(if r.name.trim().is_empty() {
                    r.id.clone()
                } else {
                    r.name.clone()
                });
            }
        }
        if !net.profiler && (own_host || belongs_to(&net.domain, &lender) || theirs) {
            return;
        }
        named.sort();
        named.dedup();
        let profiler = net.profiler;
        let o = s.obs;
        b.add(
            Rule::ObservedUnnamedRecipient,
            s,
            i,
            "",
            (o.first_at, o.last_at, o.count),
            || ObservedWhy::UnnamedRecipient {
                profiler,
                named: named.clone(),
            },
        );
    }
}

/// The signals of `lender` mapped to `resource`: the reference ids, and the lender's own whose
/// DPV category the mapping lists.
fn mapped(input: &AuditInput, lender: &str, resource: Resource) -> Vec<String> {
    let m = mapping(resource);
    let mut out: Vec<String> = m.signals.iter().map(|s| s.to_string()).collect();
    for s in &input.signals {
        if s.lender_id.as_deref().is_none_or(|l| l == lender)
            && category(&input.signals, lender, &s.id)
                .is_some_and(|c| m.dpv_categories.iter().any(|d| d.eq_ignore_ascii_case(c)))
        {
            out.push(s.id.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}
