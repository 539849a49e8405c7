//! What a pass over a phone file collects, in memory that does not grow with the file: the
//! apps seen and their record counts, the span, malformed lines (counted; the first 50 named)
//! and, when reading, the chosen app's observations aggregated per (resource, op, kind, app
//! state, UTC day). A million accesses of one op on one day are one [`Observation`] with
//! `count` a million and the first and last times kept.

use std::collections::HashMap;

use khata_evidence::phone::{
    AppState, NetworkFacts, Observation, ObservationKind, Platform, Resource,
};

use crate::AppSeen;

/// How many malformed lines are named; the rest are only counted.
pub const MALFORMED_NAMED: usize = 50;

const DAY_MS: i64 = 86_400_000;

/// One observation as a parser found it, before aggregation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obs<'a> {
    pub resource: Resource,
    pub op: &'a str,
    pub kind: ObservationKind,
    pub state: AppState,
    pub first_at: i64,
    pub last_at: i64,
    pub count: u64,
    pub open_interval: bool,
    pub network: Option<Net<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Net<'a> {
    pub domain: &'a str,
    pub owner: Option<&'a str>,
    pub profiler: bool,
    pub app_initiated: Option<bool>,
}

/// The pass's collector: a survey's tally, and a reading's aggregation on top.
pub(crate) struct Collector {
    pub tally: Tally,
    /// The app whose observations are kept; `None` keeps every app's (a reading without an
    /// app chosen, which succeeds only if the file holds one app).
    app: Option<String>,
    agg: Option<Aggregator>,
}

impl Collector {
    pub fn survey() -> Self {
        Collector {
            tally: Tally::default(),
            app: None,
            agg: None,
        }
    }

    pub fn reading(app: Option<String>) -> Self {
        Collector {
            tally: Tally::default(),
            app,
            agg: Some(Aggregator::default()),
        }
    }

    /// The app chosen for a reading.
    pub fn app(&self) -> Option<&str> {
        self.app.as_deref()
    }

    /// Whether the parser should build observations of `app` (pairing intervals, parsing
    /// times): never in a survey, only the chosen app's in a reading.
    #[inline]
    pub fn wants(&self, app: &str) -> bool {
        self.agg.is_some() && self.app.as_deref().is_none_or(|a| a == app)
    }

    #[inline]
    pub fn observe(&mut self, app: &str, obs: &Obs<'_>) {
        if !self.wants(app) {
            return;
        }
        if let Some(agg) = &mut self.agg {
            agg.add(app, obs);
        }
    }

    /// The observations kept, for the source `sha256`: of `app` only.
    pub fn finish(self, sha256: &str, app: &str, platform: Platform) -> Vec<Observation> {
        match self.agg {
            Some(agg) => agg.finish(sha256, app, platform),
            None => Vec::new(),
        }
    }
}

/// Apps, counts, span and malformed lines of one pass.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    apps: HashMap<Box<str>, u64>,
    pub lines: u64,
    pub malformed: u64,
    pub malformed_first: Vec<u64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl Tally {
    /// One record of `app`.
    #[inline]
    pub fn record(&mut self, app: &str) {
        match self.apps.get_mut(app) {
            Some(n) => *n += 1,
            None => {
                self.apps.insert(app.into(), 1);
            }
        }
    }

    /// A time the file covers (any app's).
    #[inline]
    pub fn at(&mut self, t: i64) {
        self.from = Some(self.from.map_or(t, |f| f.min(t)));
        self.to = Some(self.to.map_or(t, |f| f.max(t)));
    }

    pub fn malformed(&mut self, line: u64) {
        self.malformed += 1;
        if self.malformed_first.len() < MALFORMED_NAMED {
            self.malformed_first.push(line);
        }
    }

    pub fn records_of(&self, app: &str) -> u64 {
        self.apps.get(app).copied().unwrap_or(0)
    }

    /// Apps seen, most records first.
    pub fn apps(&self) -> Vec<AppSeen> {
        let mut apps: Vec<AppSeen> = self
            .apps
            .iter()
            .map(|(id, n)| AppSeen {
                id: id.to_string(),
                records: *n,
            })
            .collect();
        apps.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.id.cmp(&b.id)));
        apps
    }
}

/// Strings seen once, kept once: aggregation keys are small copyable numbers.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct NetKey {
    domain: u32,
    owner: Option<u32>,
    profiler: bool,
    app_initiated: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    app: u32,
    resource: Resource,
    op: u32,
    kind: ObservationKind,
    state: AppState,
    open_interval: bool,
    day: i64,
    net: Option<NetKey>,
}

#[derive(Debug, Clone, Copy)]
struct Acc {
    first_at: i64,
    last_at: i64,
    count: u64,
}

#[derive(Debug, Default)]
struct Aggregator {
    strings: Interner,
    groups: HashMap<Key, Acc>,
}

impl Aggregator {
    fn add(&mut self, app: &str, o: &Obs<'_>) {
        let net = o.network.map(|n| NetKey {
            domain: self.strings.id(n.domain),
            owner: n.owner.map(|s| self.strings.id(s)),
            profiler: n.profiler,
            app_initiated: n.app_initiated,
        });
        let key = Key {
            app: self.strings.id(app),
            resource: o.resource,
            op: self.strings.id(o.op),
            kind: o.kind,
            state: o.state,
            open_interval: o.open_interval,
            day: o.first_at.div_euclid(DAY_MS),
            net,
        };
        let (first, last) = (o.first_at.min(o.last_at), o.first_at.max(o.last_at));
        self.groups
            .entry(key)
            .and_modify(|a| {
                a.first_at = a.first_at.min(first);
                a.last_at = a.last_at.max(last);
                a.count = a.count.saturating_add(o.count);
            })
            .or_insert(Acc {
                first_at: first,
                last_at: last,
                count: o.count,
            });
    }

    fn finish(self, sha256: &str, app: &str, platform: Platform) -> Vec<Observation> {
        let Some(app_id) = self.strings.get(app) else {
            return Vec::new();
        };
        let mut out: Vec<Observation> = self
            .groups
            .iter()
            .filter(|(k, _)| k.app == app_id)
            .map(|(k, a)| Observation {
                source: sha256.to_string(),
                app: app.to_string(),
                platform,
                resource: k.resource,
                op: self.strings.name(k.op).to_string(),
                kind: k.kind,
                state: k.state,
                first_at: a.first_at,
                last_at: a.last_at,
                count: a.count,
                open_interval: k.open_interval,
                network: k.net.map(|n| NetworkFacts {
                    domain: self.strings.name(n.domain).to_string(),
                    domain_owner: n.owner.map(|o| self.strings.name(o).to_string()),
                    profiler: n.profiler,
                    app_initiated: n.app_initiated,
                }),
            })
            .collect();
        // A total order, so the same file always yields the same list (the ledger entry of an
        // import hashes it).
        out.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        out
    }
}

type OrderKey<'a> = (
    i64,
    Resource,
    &'a str,
    ObservationKind,
    AppState,
    bool,
    i64,
    u64,
    Option<(&'a str, Option<&'a str>, bool, Option<bool>)>,
);

fn order_key(o: &Observation) -> OrderKey<'_> {
    (
        o.first_at,
        o.resource,
        &o.op,
        o.kind,
        o.state,
        o.open_interval,
        o.last_at,
        o.count,
        o.network.as_ref().map(|n| {
            (
                n.domain.as_str(),
                n.domain_owner.as_deref(),
                n.profiler,
                n.app_initiated,
            )
        }),
    )
}
