//! What every donor of a generated pool does, drawn from the seed before anything runs: which
//! lenders each connects, how each consent request is answered, what is revoked, which phone
//! reports are imported. Everything random about a run is here, so two runs with one seed make
//! the same choices whatever order the donors' work finishes in.

use khata_sandbox::Scenario;
use khata_sandbox::phone_report::ReportFormat;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};
use serde::Serialize;

/// One lender of the generated pool: a lender id, the scenario its sandbox plays, and how many
/// sandboxes serve it under that id and one signing key (two: it shows two histories).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LenderSpec {
    pub id: &'static str,
    pub scenario: &'static str,
    pub histories: usize,
    pub about: &'static str,
}

/// The lenders, in the order `--lenders N` takes them: the one showing two histories and the
/// misbehaving ones first, so even a small pool has something to find.
pub const LENDERS: [LenderSpec; 6] = [
    LenderSpec {
        id: "two-histories-lender",
        scenario: "salaried-good",
        histories: 2,
        about: "well-behaved, but two sandboxes share its id and key, donors split between them",
    },
    LenderSpec {
        id: "over-collecting-lender",
        scenario: "over-collector",
        histories: 1,
        about: "collects prohibited signals, beyond consent and after revocation",
    },
    LenderSpec {
        id: "fair-lender",
        scenario: "salaried-good",
        histories: 1,
        about: "well-behaved, approves",
    },
    LenderSpec {
        id: "wrong-apr-lender",
        scenario: "wrong-apr",
        histories: 1,
        about: "states the APR without its fees",
    },
    LenderSpec {
        id: "thin-file-lender",
        scenario: "thin-file",
        histories: 1,
        about: "small approvals on little history",
    },
    LenderSpec {
        id: "declining-lender",
        scenario: "declined",
        histories: 1,
        about: "declines",
    },
];

impl LenderSpec {
    pub fn scenario(&self) -> Scenario {
        self.scenario.parse().expect("a scenario the sandbox knows")
    }
}

/// How a donor answers a lender's consent request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// Every signal asked for.
    ShareAll,
    /// Only the signals the lender needs to decide.
    OnlyNeeded,
    /// Nothing.
    Refuse,
}

/// What a donor revokes after the first sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Revoke {
    Nothing,
    /// The whole consent.
    Consent,
    /// One granted signal (the first, in the lender's order).
    OneSignal,
}

/// One donor's dealings with one lender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    /// Index into [`LENDERS`].
    #[serde(skip)]
    pub lender: usize,
    pub lender_id: &'static str,
    /// Which of the lender's sandboxes (0 unless it shows two histories).
    pub history: usize,
    /// The donor's place in that sandbox's queue: donors reach a sandbox in this order.
    #[serde(skip)]
    pub turn: usize,
    pub answer: Answer,
    pub revoke: Revoke,
    /// The lender's app as the donor's phone recorded it, imported after the visit.
    pub phone_report: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DonorPlan {
    pub donor: usize,
    pub visits: Vec<Visit>,
    /// Whether the donation carries a note to the advocate.
    pub note: bool,
}

/// The phone report formats a donor may import (the capture bundle is Android's too).
const PHONE_FORMATS: [ReportFormat; 3] = [
    ReportFormat::Ios,
    ReportFormat::AndroidAppops,
    ReportFormat::AndroidCmd,
];

pub fn phone_format(name: &str) -> ReportFormat {
    PHONE_FORMATS
        .into_iter()
        .find(|f| f.name() == name)
        .expect("a format of the plan")
}

/// Draws every donor's plan. `lenders`: how many of [`LENDERS`] take part (1 to 6).
pub fn draw(seed: u64, donors: usize, lenders: usize) -> Vec<DonorPlan> {
    assert!((1..=LENDERS.len()).contains(&lenders));
    let mut rng = StdRng::seed_from_u64(seed);
    // Per lender sandbox (lender, history): how many donors are queued on it so far.
    let mut queued = vec![[0usize; 2]; lenders];
    // Donors of the two-histories lender alternate between its sandboxes.
    let mut next_history = vec![0usize; lenders];
    let all: Vec<usize> = (0..lenders).collect();
    (0..donors)
        .map(|donor| {
            let count = rng.random_range(1..=3.min(lenders));
            let mut chosen: Vec<usize> = all.choose_multiple(&mut rng, count).copied().collect();
            chosen.sort_unstable();
            let phone_at = rng
                .random_bool(0.4)
                .then(|| rng.random_range(0..chosen.len()));
            let visits = chosen
                .into_iter()
                .enumerate()
                .map(|(i, lender)| {
                    let spec = &LENDERS[lender];
                    let history = next_history[lender] % spec.histories;
                    next_history[lender] += 1;
                    let turn = queued[lender][history];
                    queued[lender][history] += 1;
                    let mut answer = match rng.random_range(0..10) {
                        0..=4 => Answer::ShareAll,
                        5..=7 => Answer::OnlyNeeded,
                        _ => Answer::Refuse,
                    };
                    let mut revoke = match rng.random_range(0..10) {
                        0..=5 => Revoke::Nothing,
                        6..=7 => Revoke::Consent,
                        _ => Revoke::OneSignal,
                    };
                    if spec.histories > 1 && turn == 0 {
                        // The first donor of each history does the same, so both hold a head of
                        // one size: the two roots at that size differ, which is the split view.
                        answer = Answer::ShareAll;
                        revoke = Revoke::Nothing;
                    }
                    if answer == Answer::Refuse {
                        revoke = Revoke::Nothing;
                    }
                    let phone_report = (phone_at == Some(i))
                        .then(|| PHONE_FORMATS.choose(&mut rng).expect("formats").name());
                    Visit {
                        lender,
                        lender_id: spec.id,
                        history,
                        turn,
                        answer,
                        revoke,
                        phone_report,
                    }
                })
                .collect();
            let note = rng.random_bool(0.2);
            DonorPlan {
                donor,
                visits,
                note,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_one_plan_and_another_seed_another() {
        assert_eq!(draw(7, 30, 6), draw(7, 30, 6));
        assert_ne!(draw(7, 30, 6), draw(8, 30, 6));
    }

    #[test]
    fn every_donor_visits_one_to_three_distinct_lenders_in_queue_order() {
        let plans = draw(1, 60, 4);
        let mut seen = std::collections::HashMap::new();
        for p in &plans {
            assert!((1..=3).contains(&p.visits.len()));
            let mut ids: Vec<_> = p.visits.iter().map(|v| v.lender).collect();
            ids.dedup();
            assert_eq!(ids.len(), p.visits.len(), "a lender visited twice");
            for v in &p.visits {
                assert!(v.lender < 4);
                let turn = seen.entry((v.lender, v.history)).or_insert(0);
                assert_eq!(v.turn, *turn, "turns are handed out in donor order");
                *turn += 1;
                if v.answer == Answer::Refuse {
                    assert_eq!(v.revoke, Revoke::Nothing);
                }
            }
        }
        // With 60 donors both histories of the first lender are used, each first by a donor who
        // shares everything and revokes nothing.
        for history in 0..2 {
            let first = plans
                .iter()
                .flat_map(|p| &p.visits)
                .find(|v| v.lender == 0 && v.history == history)
                .expect("both histories used");
            assert_eq!(
                (first.answer, first.revoke),
                (Answer::ShareAll, Revoke::Nothing)
            );
        }
        assert!(
            plans
                .iter()
                .any(|p| p.visits.iter().any(|v| v.phone_report.is_some()))
        );
    }
}
