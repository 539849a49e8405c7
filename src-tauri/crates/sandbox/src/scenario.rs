//! Deterministic borrower scenarios for QA and end-to-end tests. Each fixes the phone-signal
//! values the lender "reads", what it asks consent for, and how it behaves.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::faults::Faults;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// A salaried borrower with a long phone history: approved for ₹100,000 at 1.8 %/month
    /// when the non-prohibited signals are granted. A well-behaved lender.
    SalariedGood,
    /// New phone, new SIM, little history: a small approval, sensitive to every denial.
    ThinFile,
    /// Bounced EMIs, gambling and many loan apps: declined, with clear adverse reasons.
    Declined,
    /// Scores like `salaried-good` but collects beyond consent: after revocation, signals
    /// denied or never asked for, prohibited contacts and call logs, outside `fiDataRange`,
    /// above `frequency`, to an unnamed recipient, and without any consent.
    OverCollector,
    /// `salaried-good` behind an unreliable network: latency, 5xx and lost responses.
    Flaky,
    /// Scores like `salaried-good`, but its Key Fact Statement states the APR as 12 × the
    /// monthly interest rate, fees left out (what many apps show): understated.
    WrongApr,
}

pub const ALL: [Scenario; 6] = [
    Scenario::SalariedGood,
    Scenario::ThinFile,
    Scenario::Declined,
    Scenario::OverCollector,
    Scenario::Flaky,
    Scenario::WrongApr,
];

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.into_iter().find(|x| x.name() == s).ok_or_else(|| {
            let names: Vec<&str> = ALL.iter().map(|x| x.name()).collect();
            format!("unknown scenario {s:?}; one of {}", names.join(", "))
        })
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::SalariedGood => "salaried-good",
            Self::ThinFile => "thin-file",
            Self::Declined => "declined",
            Self::OverCollector => "over-collector",
            Self::Flaky => "flaky",
            Self::WrongApr => "wrong-apr",
        }
    }

    /// One sentence saying how the lender behaves, for a tester choosing one.
    pub fn summary(self) -> &'static str {
        match self {
            Self::SalariedGood => {
                "A salaried borrower with a long phone history; a well-behaved lender that approves."
            }
            Self::ThinFile => "A new phone and SIM with little history: a small approval.",
            Self::Declined => "Missed payments, gambling and many loan apps: the loan is declined.",
            Self::OverCollector => {
                "A lender that collects beyond consent: after revoking, prohibited data, no consent."
            }
            Self::Flaky => {
                "A well-behaved lender behind an unreliable network (delays and errors)."
            }
            Self::WrongApr => {
                "An approving lender whose Key Fact Statement states the APR without its fees."
            }
        }
    }

    /// The values the lender holds for each signal; absent means it has none.
    pub fn values(self) -> BTreeMap<String, i64> {
        let v: &[(&str, i64)] = match self {
            Self::SalariedGood | Self::OverCollector | Self::Flaky | Self::WrongApr => &[
                ("kyc_verified", 1),
                ("device_age", 30),
                ("sim_age", 60),
                ("sms_income", 45_000),
                ("emi_bounces", 0),
                ("gambling_apps", 0),
                ("lender_apps", 1),
                ("location_stability", 90),
                ("contacts_network", 350),
                ("call_log_pattern", 80),
                ("account_age", 48),
                ("device_purchases", 3),
                ("wallet_txns", 60),
                ("life_events", 1),
            ],
            Self::ThinFile => &[
                ("kyc_verified", 1),
                ("device_age", 8),
                ("sim_age", 4),
                ("gambling_apps", 0),
                ("lender_apps", 0),
                ("wallet_txns", 12),
            ],
            Self::Declined => &[
                ("kyc_verified", 1),
                ("device_age", 14),
                ("sim_age", 10),
                ("sms_income", 9_000),
                ("emi_bounces", 3),
                ("gambling_apps", 4),
                ("lender_apps", 6),
                ("location_stability", 30),
                ("contacts_network", 40),
                ("call_log_pattern", 20),
                ("account_age", 3),
                ("device_purchases", 0),
                ("wallet_txns", 4),
                ("life_events", 2),
            ],
        };
        v.iter().map(|(k, x)| (k.to_string(), *x)).collect()
    }

    /// The signals the lender asks consent for: every catalog signal except the prohibited ones.
    pub fn requested_signals(self) -> Vec<String> {
        crate::scorecard::SIGNALS
            .iter()
            .filter(|d| !d.flags.contains(&crate::scorecard::PROHIBITED))
            .map(|d| d.id.to_string())
            .collect()
    }

    /// How its Key Fact Statements state the APR.
    pub fn apr_stated(self) -> crate::kfs::AprStated {
        match self {
            Self::WrongApr => crate::kfs::AprStated::NominalWithoutFees,
            _ => crate::kfs::AprStated::Honest,
        }
    }

    /// The signals the lender needs to make any decision (of those it asks for): identity
    /// and income, the two a thin-file lender cannot price a loan without.
    pub fn required_signals(self) -> Vec<String> {
        ["kyc_verified", "sms_income"].map(String::from).to_vec()
    }

    pub fn over_collects(self) -> bool {
        self == Self::OverCollector
    }

    /// Faults on by default (added to any given with `--fault`).
    pub fn default_faults(self) -> Faults {
        match self {
            Self::Flaky => Faults {
                latency_ms: 50,
                error_rate: 0.2,
                drop_after_commit: 0.2,
                ..Faults::default()
            },
            _ => Faults::default(),
        }
    }
}
