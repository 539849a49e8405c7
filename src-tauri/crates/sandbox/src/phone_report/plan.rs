//! What the lender's app did on the phone, and when: a list of resource uses and of domains
//! contacted, decided from the sandbox's state and the scenario, before any format writes it.
//!
//! Times are placed inside the spans the state gives (consent → revocation → the clock), as
//! fractions of each span capped at a realistic offset, so a report asked for seconds after a
//! revocation still puts its "after revocation" reads after it and none after the clock.

use chrono::{DateTime, Duration, Utc};
use sha2::Digest as _;

use super::{CollectionFacts, ConsentFacts, ReportInput};

/// A phone resource the sandbox apps use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Res {
    Contacts,
    CallLog,
    Sms,
    PhoneState,
    Location,
    Camera,
    Microphone,
}

/// The app's state when it used the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AppState {
    /// On screen.
    Foreground,
    /// Off screen but running a foreground service (Android).
    ForegroundService,
    Background,
}

/// One use of a resource (or, `rejected`, an attempt the OS refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Access {
    pub res: Res,
    pub at: DateTime<Utc>,
    pub duration_ms: i64,
    pub state: AppState,
    pub rejected: bool,
    /// Still in use when the report was saved: iOS writes the begin without its end.
    pub open: bool,
}

/// Traffic from the app to one domain (iOS network activity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Net {
    pub domain: String,
    pub owner: Option<&'static str>,
    /// iOS `domainType` 1: a known cross-app profiler.
    pub profiler: bool,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub hits: u64,
}

#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// When the app was installed: a minute before the borrower signed up in it.
    pub installed: DateTime<Utc>,
    /// Ordered by time.
    pub accesses: Vec<Access>,
    pub network: Vec<Net>,
}

/// The profiler the over-collector's app embeds (an SDK that follows people across apps).
pub(super) const PROFILER_DOMAIN: &str = "sdk.trackr-analytics.example";
/// Where the over-collector's app sends contacts: `adnet-42`, a recipient it never named.
pub(super) const UNNAMED_DOMAIN: &str = "ingest.adnet-42.example";

/// Signals derived from SMS (the well-behaved app reads SMS only to collect these).
const SMS_SIGNALS: &[&str] = &["sms_income", "emi_bounces", "wallet_txns"];

pub(super) fn plan(input: &ReportInput) -> Plan {
    let mut p = Planner {
        input,
        plan: Plan {
            installed: input.now,
            accesses: Vec::new(),
            network: Vec::new(),
        },
    };
    p.plan.installed = p.signed_up() - Duration::minutes(1);
    if input.scenario.over_collects() {
        p.over_collector();
    } else {
        p.well_behaved();
    }
    let now = input.now;
    let plan = &mut p.plan;
    plan.accesses.retain(|a| a.at <= now);
    for a in &mut plan.accesses {
        a.duration_ms = a.duration_ms.min((now - a.at).num_milliseconds());
    }
    plan.accesses.sort_by_key(|a| (a.at, a.res));
    for n in &mut plan.network {
        n.last = n.last.min(now);
        n.first = n.first.min(n.last);
    }
    p.plan
}

struct Planner<'a> {
    input: &'a ReportInput,
    plan: Plan,
}

impl Planner<'_> {
    /// A number in `lo..=hi` fixed by the seed, the lender and `salt`: jitter that never changes
    /// between two reports of the same state.
    fn noise(&self, salt: &str, i: u64, lo: i64, hi: i64) -> i64 {
        let h = sha2::Sha256::new()
            .chain_update(self.input.seed.to_be_bytes())
            .chain_update(self.input.lender_id.as_bytes())
            .chain_update(salt.as_bytes())
            .chain_update(i.to_be_bytes())
            .finalize();
        let n = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
        lo + (n % ((hi - lo + 1) as u64)) as i64
    }

    fn add(&mut self, res: Res, at: DateTime<Utc>, state: AppState, duration_ms: i64) {
        self.plan.accesses.push(Access {
            res,
            at,
            duration_ms,
            state,
            rejected: false,
            open: false,
        });
    }

    /// The end of a consent's life as the app sees it: its revocation, or the clock.
    fn end_of(&self, c: &ConsentFacts) -> DateTime<Utc> {
        c.revoked_at.unwrap_or(self.input.now).min(self.input.now)
    }

    /// The latest consent start or revocation at or before `t`: reads for a collection at `t`
    /// happen after it, so a read never moves to the other side of a consent's edge.
    fn floor_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.input
            .consents
            .iter()
            .flat_map(|c| [Some(c.created_at), c.revoked_at])
            .flatten()
            .filter(|e| *e <= t)
            .max()
    }

    /// The read behind a collection at `t`: two seconds before it, or half-way back to the
    /// last consent edge when that is nearer.
    fn read_before(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let back = match self.floor_before(t) {
            Some(f) => ((t - f).num_milliseconds() / 2).min(2_000),
            None => 2_000,
        };
        t - Duration::milliseconds(back)
    }

    /// A moment after the app was installed and the borrower signed up: before any consent.
    fn signed_up(&self) -> DateTime<Utc> {
        let first = self
            .input
            .consents
            .first()
            .map(|c| c.created_at)
            .into_iter()
            .chain(self.input.collections.first().map(|c| c.collected_at))
            .min()
            .unwrap_or(self.input.now);
        first - Duration::minutes(12)
    }

    /// The app's own traffic to the lender, from sign-up to its last use.
    fn own_traffic(&mut self, rounds: u64) {
        let first = self.signed_up();
        let last = self
            .plan
            .accesses
            .iter()
            .map(|a| a.at)
            .max()
            .unwrap_or(first)
            .max(first)
            + Duration::seconds(1);
        self.plan.network.push(Net {
            domain: self.input.lender_host.clone(),
            owner: None,
            profiler: false,
            first,
            last,
            hits: 6 + 4 * rounds + self.noise("own-hits", 0, 0, 5) as u64,
        });
    }

    /// `salaried-good` and its kin: camera and location once for KYC after the first consent,
    /// SMS read at each consented collection of an SMS-derived signal, nothing else.
    fn well_behaved(&mut self) {
        if let Some(c) = self.input.consents.first().cloned() {
            let end = self.end_of(&c);
            let camera = after(c.created_at, end, 40_000, 0.05);
            let dur = self.noise("kyc-camera", 0, 6_000, 15_000);
            self.add(Res::Camera, camera, AppState::Foreground, dur);
            let location = after(c.created_at, end, 55_000, 0.08);
            let dur = self.noise("kyc-location", 0, 800, 2_500);
            self.add(Res::Location, location, AppState::Foreground, dur);
        }
        let mut times: Vec<DateTime<Utc>> = self
            .input
            .collections
            .iter()
            .filter(|d| d.consent_id.is_some() && SMS_SIGNALS.contains(&d.signal.as_str()))
            .map(|d| d.collected_at)
            .collect();
        times.dedup();
        for (i, t) in times.iter().enumerate() {
            let at = self.read_before(*t);
            let state = self.state_for(at);
            let dur = self.noise("sms", i as u64, 150, 900);
            self.add(Res::Sms, at, state, dur);
        }
        self.own_traffic(times.len() as u64);
    }

    /// On screen near a consent's creation (the borrower is in the app), else in the background.
    fn state_for(&self, at: DateTime<Utc>) -> AppState {
        let near = self.input.consents.iter().any(|c| {
            let d = (at - c.created_at).num_seconds();
            (0..600).contains(&d)
        });
        if near {
            AppState::Foreground
        } else {
            AppState::Background
        }
    }

    /// `over-collector`: everything `well_behaved` does not.
    fn over_collector(&mut self) {
        let signed_up = self.signed_up();
        // At sign-up, before any consent: the address book, the call log and the phone's state.
        self.add(
            Res::Contacts,
            signed_up + Duration::seconds(95),
            AppState::Foreground,
            640,
        );
        self.add(
            Res::CallLog,
            signed_up + Duration::seconds(97),
            AppState::Foreground,
            410,
        );
        self.add(
            Res::PhoneState,
            signed_up + Duration::seconds(99),
            AppState::Foreground,
            30,
        );
        if let Some(c) = self.input.consents.first().cloned() {
            let (start, end) = (c.created_at, self.end_of(&c));
            // KYC, as a well-behaved app would.
            let dur = self.noise("kyc-camera", 0, 6_000, 15_000);
            self.add(
                Res::Camera,
                after(start, end, 30_000, 0.03),
                AppState::Foreground,
                dur,
            );
            let dur = self.noise("kyc-location", 0, 800, 2_500);
            self.add(
                Res::Location,
                after(start, end, 50_000, 0.05),
                AppState::Foreground,
                dur,
            );
            // Then location again and again from the background, and the camera once more.
            for (i, f) in [0.2, 0.45, 0.7].into_iter().enumerate() {
                let dur = self.noise("bg-location", i as u64, 1_000, 4_000);
                self.add(
                    Res::Location,
                    at_fraction(start, end, f),
                    AppState::Background,
                    dur,
                );
            }
            let dur = self.noise("camera-again", 0, 3_000, 9_000);
            self.add(
                Res::Camera,
                at_fraction(start, end, 0.6),
                AppState::ForegroundService,
                dur,
            );
            self.plan.accesses.push(Access {
                res: Res::Microphone,
                at: at_fraction(start, end, 0.65),
                duration_ms: 0,
                state: AppState::Background,
                rejected: true,
                open: false,
            });
            self.add(
                Res::Contacts,
                at_fraction(start, end, 0.4),
                AppState::Background,
                520,
            );
            self.add(
                Res::CallLog,
                at_fraction(start, end, 0.42),
                AppState::Background,
                380,
            );
            self.add(
                Res::Sms,
                at_fraction(start, end, 0.35),
                AppState::Background,
                700,
            );
            // After the revocation: the same reads, and location still on when the report
            // was saved.
            if let Some(r) = c.revoked_at.filter(|r| *r < self.input.now) {
                let now = self.input.now;
                self.add(
                    Res::Contacts,
                    at_fraction(r, now, 0.3),
                    AppState::Background,
                    480,
                );
                self.add(
                    Res::CallLog,
                    at_fraction(r, now, 0.4),
                    AppState::Background,
                    350,
                );
                self.add(
                    Res::Sms,
                    at_fraction(r, now, 0.5),
                    AppState::Background,
                    600,
                );
                self.plan.accesses.push(Access {
                    res: Res::Location,
                    at: at_fraction(r, now, 0.6),
                    duration_ms: 0,
                    state: AppState::Background,
                    rejected: false,
                    open: true,
                });
            }
        }
        // Every collection it made was read off the phone first.
        let reads: Vec<(Res, DateTime<Utc>)> = self
            .input
            .collections
            .iter()
            .filter_map(|d| Some((resource_of(d)?, d.collected_at)))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for (i, (res, t)) in reads.iter().enumerate() {
            if seen.insert((*res, *t)) {
                let at = self.read_before(*t);
                let dur = self.noise("collection-read", i as u64, 200, 900);
                self.add(*res, at, AppState::Background, dur);
            }
        }
        let rounds = seen.len() as u64;
        let first_contacts = self
            .plan
            .accesses
            .iter()
            .filter(|a| a.res == Res::Contacts)
            .map(|a| a.at)
            .min()
            .unwrap_or(signed_up);
        let last_use = self
            .plan
            .accesses
            .iter()
            .map(|a| a.at)
            .max()
            .unwrap_or(signed_up);
        self.plan.network.push(Net {
            domain: PROFILER_DOMAIN.into(),
            owner: Some("Trackr Analytics Pvt Ltd"),
            profiler: true,
            first: signed_up + Duration::seconds(20),
            last: last_use + Duration::seconds(2),
            hits: 30 + 3 * rounds + self.noise("profiler-hits", 0, 0, 20) as u64,
        });
        let contacts_reads = self
            .plan
            .accesses
            .iter()
            .filter(|a| a.res == Res::Contacts)
            .count() as u64;
        let last_contacts = self
            .plan
            .accesses
            .iter()
            .filter(|a| a.res == Res::Contacts)
            .map(|a| a.at)
            .max()
            .unwrap_or(signed_up);
        self.plan.network.push(Net {
            domain: UNNAMED_DOMAIN.into(),
            owner: Some("AdNet 42"),
            profiler: false,
            first: first_contacts + Duration::seconds(1),
            last: last_contacts + Duration::seconds(1),
            hits: 2 * contacts_reads,
        });
        self.own_traffic(rounds);
    }
}

/// The phone resource an over-collector reads to collect `d`, if any.
fn resource_of(d: &CollectionFacts) -> Option<Res> {
    Some(match d.signal.as_str() {
        "contacts_network" => Res::Contacts,
        "call_log_pattern" => Res::CallLog,
        "location_stability" => Res::Location,
        s if SMS_SIGNALS.contains(&s) => Res::Sms,
        _ => return None,
    })
}

/// `start` plus `cap_ms`, or `fraction` of the way to `end` when that is sooner (at least 1 ms
/// after `start` when there is room).
fn after(start: DateTime<Utc>, end: DateTime<Utc>, cap_ms: i64, fraction: f64) -> DateTime<Utc> {
    let span = (end - start).num_milliseconds().max(0);
    let by_fraction = ((span as f64) * fraction) as i64;
    start + Duration::milliseconds(cap_ms.min(by_fraction).max(span.min(1)))
}

/// `fraction` of the way from `start` to `end` (strictly after `start` when there is room).
fn at_fraction(start: DateTime<Utc>, end: DateTime<Utc>, fraction: f64) -> DateTime<Utc> {
    let span = (end - start).num_milliseconds().max(0);
    let ms = ((span as f64) * fraction) as i64;
    start + Duration::milliseconds(ms.max(span.min(1)))
}
