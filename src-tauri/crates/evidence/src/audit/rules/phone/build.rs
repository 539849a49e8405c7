//! Grouping what the phone rules found into findings: one per rule, lender, source, resource,
//! op and app state (and revocation or domain), with a sample of the observations as records
//! and the source and the earliest and latest observation as evidence.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;

use super::Seen;
use crate::audit::RECORD_SAMPLE_EACH_END;
use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use crate::audit::observed::{ObservedFacts, ObservedWhy};
use crate::phone::{AppState, Resource};

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

/// The findings in the making, in key order.
#[derive(Default)]
pub(super) struct Builder {
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
    pub(super) fn add(
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
    pub(super) fn proof(
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

    pub(super) fn finish(self, seen: &[Seen]) -> Vec<Finding> {
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
