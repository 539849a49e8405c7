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

pub(crate) mod consent;
pub(crate) mod declared;
pub(crate) mod domains;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::audit::RECORD_SAMPLE_EACH_END;
use crate::audit::consent_state::ConsentState;
use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use crate::audit::input::AuditInput;
use crate::audit::observed::{ObservedFacts, ObservedWhy};
use crate::audit::regulatory::{Restriction, RuleSource};
use crate::phone::{AppState, Observation, ObservationKind, PhoneSource, Resource, mapping};
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
        PhoneRules {
            input,
            seen,
            declared,
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
                        signals: signals.clone(),
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

    /// The signals of `lender` mapped to `resource`: the reference ids, and the lender's own
    /// whose DPV category the mapping lists.
    fn mapped(&self, lender: &str, resource: Resource) -> Vec<String> {
        let m = mapping(resource);
        let mut out: Vec<String> = m.signals.iter().map(|s| s.to_string()).collect();
        for s in &self.input.signals {
            if s.lender_id.as_deref().is_none_or(|l| l == lender)
                && category(&self.input.signals, lender, &s.id)
                    .is_some_and(|c| m.dpv_categories.iter().any(|d| d.eq_ignore_ascii_case(c)))
            {
                out.push(s.id.clone());
            }
        }
        out.sort();
        out.dedup();
        out
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
            .map(|t| (*t, standing(states, s.lender, &mapped, *t)))
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

/// Which finding an observation joins.
type Key = (Rule, String, String, Resource, String, AppState, String);

/// A finding in the making.
struct Group {
    members: Vec<usize>,
    count: u64,
    first: i64,
    last: i64,
    why: ObservedWhy,
    consent_id: Option<String>,
    proof: Vec<Evidence>,
}

#[derive(Default)]
struct Builder {
    groups: BTreeMap<Key, Group>,
}

fn key(rule: Rule, s: &Seen, variant: &str) -> Key {
    (
        rule,
        s.lender.to_owned(),
        s.source.sha256.clone(),
        s.obs.resource,
        s.obs.op.clone(),
        s.obs.state,
        variant.to_owned(),
    )
}

impl Builder {
    /// Observation `i` breaks `rule`: `count` accesses between `first` and `last`.
    fn add(
        &mut self,
        rule: Rule,
        s: &Seen,
        i: usize,
        variant: &str,
        (first, last, count): (i64, i64, u64),
        why: impl FnOnce() -> ObservedWhy,
    ) {
        let g = self
            .groups
            .entry(key(rule, s, variant))
            .or_insert_with(|| Group {
                members: Vec::new(),
                count: 0,
                first: i64::MAX,
                last: i64::MIN,
                why: why(),
                consent_id: None,
                proof: Vec::new(),
            });
        g.members.push(i);
        g.count = g.count.saturating_add(count);
        g.first = g.first.min(first);
        g.last = g.last.max(last);
    }

    /// The consent and the statement that make a group's accesses violations.
    fn proof(
        &mut self,
        rule: Rule,
        s: &Seen,
        variant: &str,
        consent: Option<String>,
        e: &Evidence,
    ) {
        if let Some(g) = self.groups.get_mut(&key(rule, s, variant))
            && g.proof.is_empty()
        {
            g.consent_id = consent;
            g.proof.push(e.clone());
        }
    }

    fn finish(self, seen: &[Seen]) -> Vec<Finding> {
        let mut sources: HashMap<&str, Arc<Value>> = HashMap::new();
        let mut out = Vec::with_capacity(self.groups.len());
        for ((rule, lender, sha, ..), g) in self.groups {
            let first = &seen[g.members[0]];
            let src = first.source;
            let statement = sources
                .entry(src.sha256.as_str())
                .or_insert_with(|| Arc::new(serde_json::to_value(src).unwrap_or(Value::Null)))
                .clone();
            let obs_ref = |i: usize| RecordRef {
                kind: "phone-observation".into(),
                id: format!("{sha}/{}", seen[i].place),
                local_id: None,
            };
            let obs_ev = |i: usize| Evidence {
                kind: "phone-observation".into(),
                id: format!("{sha}/{}", seen[i].place),
                statement: Arc::new(serde_json::to_value(seen[i].obs).unwrap_or(Value::Null)),
            };
            let n = g.members.len();
            let listed: Vec<usize> = if n <= 2 * RECORD_SAMPLE_EACH_END {
                g.members.clone()
            } else {
                let mut v = g.members[..RECORD_SAMPLE_EACH_END].to_vec();
                v.extend_from_slice(&g.members[n - RECORD_SAMPLE_EACH_END..]);
                v
            };
            let mut records: Vec<RecordRef> = listed.iter().map(|i| obs_ref(*i)).collect();
            records.push(RecordRef {
                kind: "phone-source".into(),
                id: sha.clone(),
                local_id: None,
            });
            let earliest = *g
                .members
                .iter()
                .min_by_key(|i| (seen[**i].obs.first_at, **i))
                .expect("a group has members");
            let latest = *g
                .members
                .iter()
                .max_by_key(|i| (seen[**i].obs.last_at, usize::MAX - **i))
                .expect("a group has members");
            let mut evidence = vec![Evidence {
                kind: "phone-source".into(),
                id: sha.clone(),
                statement,
            }];
            evidence.push(obs_ev(earliest));
            if latest != earliest {
                evidence.push(obs_ev(latest));
            }
            evidence.extend(g.proof);
            let o = first.obs;
            let facts = ObservedFacts {
                resource: o.resource,
                op: o.op.clone(),
                app: o.app.clone(),
                platform: o.platform,
                state: o.state,
                first_at: g.first,
                last_at: g.last,
                count: g.count,
                open_interval: g.members.iter().any(|i| seen[*i].obs.open_interval),
                source_sha256: sha.clone(),
                source_format: src.format,
                file_name: src.file_name.clone(),
                captured_at: src.captured_at,
                limits: src.limits.clone(),
                utc_offset_min: src.utc_offset_min,
                offset_from: src.offset_from,
                network: o.network.clone(),
                why: g.why,
            };
            out.push(Finding {
                rule,
                severity: rule.severity(),
                facts: FindingFacts::Observed(Box::new(facts)),
                lender_id: lender,
                consent_id: g.consent_id,
                signal: None,
                at: g.first,
                last_at: g.last,
                count: g.count,
                records,
                records_omitted: (n - listed.len()) as u64,
                evidence,
            });
        }
        out
    }
}
