//! A points scorecard over phone signals, the way thin-file lenders score them: each signal's
//! value falls in a bin worth some points relative to a neutral baseline, and a signal that is
//! missing (withheld, denied, unknown) scores its "missing" bin. The score is exactly
//! `BASELINE + Σ points`, all integers, so the explanation adds up by construction and a
//! counterfactual with signal `s` withheld moves the score by `points(s) − missing(s)`.

use std::collections::BTreeMap;

use crate::catalog_texts;
use khata_lending::types::{
    Contribution, Cutoffs, Explanation, ExplanationMethod, OfferDecision, ReasonCode, Sensitivity,
    Signal, Tier,
};

/// The neutral score: an applicant about whom nothing is known (before missing-bin penalties).
pub const BASELINE: i64 = 600;
/// Scores below this are declined.
pub const DECLINE_BELOW: i64 = 570;

/// Approval tiers, best first: limit up to ₹100,000 and APR from 1.8 % a month.
pub fn tiers() -> Vec<Tier> {
    [
        (720, 100_000, 180, 12),
        (660, 50_000, 220, 9),
        (610, 20_000, 280, 6),
        (DECLINE_BELOW, 5_000, 350, 3),
    ]
    .into_iter()
    .map(
        |(min_score, limit_inr, apr_monthly_bps, tenure_months)| Tier {
            min_score,
            limit_inr,
            apr_monthly_bps,
            tenure_months,
        },
    )
    .collect()
}

/// One bin: values `<= upper` (or any value, for the last bin) score `points`.
pub struct Bin {
    pub label: &'static str,
    pub upper: Option<i64>,
    pub points: i64,
}

/// A scored signal: what the catalog says about it and how it is binned.
pub struct SignalDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub dpv: &'static str,
    pub sensitivity: Sensitivity,
    pub flags: &'static [&'static str],
    pub bins: &'static [Bin],
    pub missing: i64,
    /// Plain-language reason when this signal costs points.
    pub adverse_text: &'static str,
}

const fn bin(label: &'static str, upper: Option<i64>, points: i64) -> Bin {
    Bin {
        label,
        upper,
        points,
    }
}

/// Flag on signals RBI's 2022 digital lending rules bar lending apps from reading.
pub const PROHIBITED: &str = "rbi-2022-prohibited";

pub static SIGNALS: &[SignalDef] = &[
    SignalDef {
        id: "kyc_verified",
        name: "Identity verification (KYC)",
        description: "Whether your identity document (e.g. Aadhaar or PAN) was verified.",
        dpv: "pd:OfficialID",
        sensitivity: Sensitivity::Medium,
        flags: &[],
        bins: &[bin("unverified", Some(0), -40), bin("verified", None, 25)],
        missing: -20,
        adverse_text: "Your identity could not be verified.",
    },
    SignalDef {
        id: "device_age",
        name: "Phone age",
        description: "How many months you have used this phone.",
        dpv: "pd:DeviceBased",
        sensitivity: Sensitivity::Low,
        flags: &[],
        bins: &[
            bin("under_6_months", Some(5), -15),
            bin("6_to_24_months", Some(24), 5),
            bin("over_24_months", None, 12),
        ],
        missing: -5,
        adverse_text: "Your phone is new to us.",
    },
    SignalDef {
        id: "sim_age",
        name: "SIM card age",
        description: "How many months your mobile number has been active.",
        dpv: "pd:PhoneNumber",
        sensitivity: Sensitivity::Low,
        flags: &[],
        bins: &[
            bin("under_6_months", Some(5), -20),
            bin("6_to_36_months", Some(36), 5),
            bin("over_36_months", None, 15),
        ],
        missing: -8,
        adverse_text: "Your mobile number is recent.",
    },
    SignalDef {
        id: "sms_income",
        name: "Income from SMS",
        description: "Your monthly income, estimated from salary-credit SMS messages from your bank.",
        dpv: "pd:Income",
        sensitivity: Sensitivity::High,
        flags: &["sms-derived"],
        bins: &[
            bin("under_10k", Some(10_000), -30),
            bin("10k_to_25k", Some(25_000), 0),
            bin("25k_to_50k", Some(50_000), 25),
            bin("over_50k", None, 40),
        ],
        missing: -15,
        adverse_text: "Your income is low or could not be estimated.",
    },
    SignalDef {
        id: "emi_bounces",
        name: "Missed loan payments (EMI bounces)",
        description: "How many loan instalments bounced in the last six months, read from bank SMS.",
        dpv: "pd:CreditRecord",
        sensitivity: Sensitivity::High,
        flags: &["sms-derived"],
        bins: &[
            bin("none", Some(0), 20),
            bin("one_or_two", Some(2), -25),
            bin("three_or_more", None, -60),
        ],
        missing: -10,
        adverse_text: "Loan instalments bounced recently.",
    },
    SignalDef {
        id: "gambling_apps",
        name: "Gambling apps installed",
        description: "How many betting or gambling apps are installed on your phone.",
        dpv: "pd:DeviceApplications",
        sensitivity: Sensitivity::Medium,
        flags: &[],
        bins: &[
            bin("none", Some(0), 5),
            bin("one_or_two", Some(2), -20),
            bin("three_or_more", None, -45),
        ],
        missing: 0,
        adverse_text: "Gambling apps are installed on your phone.",
    },
    SignalDef {
        id: "lender_apps",
        name: "Other lending apps installed",
        description: "How many other loan apps are installed on your phone.",
        dpv: "pd:DeviceApplications",
        sensitivity: Sensitivity::Medium,
        flags: &[],
        bins: &[
            bin("zero_or_one", Some(1), 5),
            bin("two_to_four", Some(4), -15),
            bin("five_or_more", None, -40),
        ],
        missing: 0,
        adverse_text: "Many other lending apps are installed.",
    },
    SignalDef {
        id: "location_stability",
        name: "Location stability",
        description: "The share of nights (in %) your phone spent at the same place in the last 90 days.",
        dpv: "pd:Location",
        sensitivity: Sensitivity::High,
        flags: &[],
        bins: &[
            bin("unstable", Some(40), -20),
            bin("moderate", Some(75), 0),
            bin("stable", None, 15),
        ],
        missing: -5,
        adverse_text: "Your location changes often.",
    },
    SignalDef {
        id: "contacts_network",
        name: "Contacts list",
        description: "How many contacts are saved on your phone and who they are.",
        dpv: "pd:Contact",
        sensitivity: Sensitivity::High,
        flags: &[PROHIBITED],
        bins: &[
            bin("small", Some(50), -10),
            bin("medium", Some(300), 0),
            bin("large", None, 10),
        ],
        missing: 0,
        adverse_text: "Your contacts list is small.",
    },
    SignalDef {
        id: "call_log_pattern",
        name: "Call history",
        description: "How regularly you call and are called (% of days with calls), from your call log.",
        dpv: "pd:CallLog",
        sensitivity: Sensitivity::High,
        flags: &[PROHIBITED],
        bins: &[
            bin("irregular", Some(30), -10),
            bin("moderate", Some(70), 0),
            bin("regular", None, 8),
        ],
        missing: 0,
        adverse_text: "Your calling pattern is irregular.",
    },
    SignalDef {
        id: "account_age",
        name: "Phone-maker account age",
        description: "How many months you have had an account with the phone maker.",
        dpv: "pd:Behavioral",
        sensitivity: Sensitivity::Low,
        flags: &["brand-loyalty"],
        bins: &[
            bin("under_6_months", Some(6), -10),
            bin("6_to_36_months", Some(36), 5),
            bin("over_36_months", None, 15),
        ],
        missing: -5,
        adverse_text: "Your account with the phone maker is new.",
    },
    SignalDef {
        id: "device_purchases",
        name: "Device purchases",
        description: "How many devices you bought from the phone maker's store.",
        dpv: "pd:PurchasesAndSpendingHabit",
        sensitivity: Sensitivity::Low,
        flags: &["brand-loyalty"],
        bins: &[
            bin("none", Some(0), -5),
            bin("one_or_two", Some(2), 5),
            bin("three_or_more", None, 12),
        ],
        missing: 0,
        adverse_text: "You have not bought devices from the phone maker.",
    },
    SignalDef {
        id: "wallet_txns",
        name: "Wallet transactions",
        description: "How many payments a month you make with the phone maker's wallet.",
        dpv: "pd:Transaction",
        sensitivity: Sensitivity::Medium,
        flags: &["brand-loyalty"],
        bins: &[
            bin("few", Some(5), -10),
            bin("some", Some(40), 5),
            bin("many", None, 12),
        ],
        missing: -5,
        adverse_text: "You rarely use the wallet.",
    },
    SignalDef {
        id: "life_events",
        name: "Life events",
        description: "Changes in your life inferred from your phone, such as a new job, a promotion, a marriage or a divorce.",
        dpv: "pd:LifeHistory",
        sensitivity: Sensitivity::Special,
        flags: &["inferred"],
        bins: &[
            bin("none", Some(0), 0),
            bin("positive", Some(1), 10),
            bin("adverse", None, -25),
        ],
        missing: 0,
        adverse_text: "A recent life event was judged adverse.",
    },
];

/// The reason code for `signal` scoring `bin`, e.g. `SMS_INCOME.UNDER_10K`.
pub fn reason_code(signal: &str, bin: &str) -> String {
    format!("{}.{}", signal.to_uppercase(), bin.to_uppercase())
}

pub fn find(id: &str) -> Option<&'static SignalDef> {
    SIGNALS.iter().find(|s| s.id == id)
}

/// The catalog as published on `GET /signals`.
pub fn catalog() -> Vec<Signal> {
    SIGNALS
        .iter()
        .map(|d| Signal {
            texts: catalog_texts::texts(d),
            id: d.id.into(),
            name: d.name.into(),
            description: d.description.into(),
            dpv_category: d.dpv.into(),
            sensitivity: d.sensitivity,
            regulatory_flags: d.flags.iter().map(|f| f.to_string()).collect(),
        })
        .collect()
}

/// The `hide-rbi-flags` fault: the catalogue a lender publishes to hide what RBI bars it from
/// reading. Every regulatory flag goes; call logs pass as behaviour under a bland name. Contacts
/// keep their DPV category and name: that is what a borrower would still recognise.
pub fn hide_rbi_flags(signals: &mut [Signal]) {
    for s in signals {
        s.regulatory_flags.clear();
        if s.dpv_category == "pd:CallLog" {
            s.dpv_category = "pd:Behavioral".into();
            s.name = "Communication pattern".into();
            for (lang, name) in [("en", "Communication pattern"), ("hi", "बातचीत का तरीका")]
            {
                if let Some(t) = s.texts.get_mut(lang) {
                    t.name = name.into();
                }
            }
        }
    }
}

impl SignalDef {
    /// The bin label and points for a value, or the missing bin.
    pub fn score(&self, value: Option<i64>) -> (&'static str, i64) {
        match value {
            None => ("missing", self.missing),
            Some(v) => {
                let b = self
                    .bins
                    .iter()
                    .find(|b| b.upper.is_none_or(|u| v <= u))
                    .expect("every signal has an open-ended last bin");
                (b.label, b.points)
            }
        }
    }
}

/// The outcome of scoring.
pub struct Scored {
    pub decision: OfferDecision,
    pub amount_inr: u32,
    pub apr_monthly_bps: u32,
    pub tenure_months: u32,
    pub explanation: Explanation,
}

/// Scores the signals in `values` that are `usable`; every other catalog signal scores its
/// missing bin. Contributions are listed in catalog order.
pub fn score(values: &BTreeMap<String, i64>, usable: &dyn Fn(&str) -> bool) -> Scored {
    let contributions: Vec<Contribution> = SIGNALS
        .iter()
        .map(|d| {
            let v = if usable(d.id) {
                values.get(d.id).copied()
            } else {
                None
            };
            let (bin, points) = d.score(v);
            Contribution {
                signal: d.id.into(),
                bin: bin.into(),
                points,
                missing_points: d.missing,
            }
        })
        .collect();
    let score = BASELINE + contributions.iter().map(|c| c.points).sum::<i64>();

    let mut adverse: Vec<&Contribution> = contributions.iter().filter(|c| c.points < 0).collect();
    // Most points lost first; ties broken by catalog order (stable sort) for determinism.
    adverse.sort_by_key(|c| c.points);
    let reason_codes: Vec<ReasonCode> = adverse
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let def = find(&c.signal).expect("contributions come from the catalog");
            ReasonCode {
                rank: i as u32 + 1,
                code: reason_code(&c.signal, &c.bin),
                signal: c.signal.clone(),
                points: c.points,
                text: if c.bin == "missing" {
                    catalog_texts::missing_reason_en(def.name)
                } else {
                    def.adverse_text.into()
                },
            }
        })
        .collect();
    let top_adverse = reason_codes.iter().take(4).cloned().collect();

    let tiers = tiers();
    let tier = tiers.iter().find(|t| score >= t.min_score);
    let (decision, amount_inr, apr_monthly_bps, tenure_months) = match tier {
        Some(t) => (
            OfferDecision::Approved,
            t.limit_inr,
            t.apr_monthly_bps,
            t.tenure_months,
        ),
        None => (OfferDecision::Declined, 0, 0, 0),
    };
    Scored {
        decision,
        amount_inr,
        apr_monthly_bps,
        tenure_months,
        explanation: Explanation {
            method: ExplanationMethod::ScorecardPoints,
            baseline: BASELINE,
            score,
            contributions,
            cutoffs: Cutoffs {
                decline_below: DECLINE_BELOW,
                tiers,
            },
            reason_codes,
            top_adverse,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI words DPV terms from its catalogue (`dpv.en.ts`; `dpv.hi.ts` is typed against
    /// it): every term this lender's catalogue uses has words there.
    #[test]
    fn every_dpv_term_has_words_in_the_ui() {
        let words = include_str!("../../../../ui/src/lib/i18n/dpv.en.ts");
        for term in SIGNALS.iter().map(|d| d.dpv).chain(["pd:Behavioral"]) {
            assert!(words.contains(&format!("'dpv.{term}':")), "{term}");
        }
    }

    #[test]
    fn bins_are_ordered_and_open_ended() {
        for d in SIGNALS {
            let uppers: Vec<i64> = d.bins.iter().filter_map(|b| b.upper).collect();
            assert!(uppers.windows(2).all(|w| w[0] < w[1]), "{}", d.id);
            assert!(d.bins.last().unwrap().upper.is_none(), "{}", d.id);
            assert_eq!(d.bins.iter().filter(|b| b.upper.is_none()).count(), 1);
        }
    }

    #[test]
    fn contacts_and_call_logs_are_flagged_prohibited() {
        let flagged: Vec<&str> = SIGNALS
            .iter()
            .filter(|d| d.flags.contains(&PROHIBITED))
            .map(|d| d.id)
            .collect();
        assert_eq!(flagged, ["contacts_network", "call_log_pattern"]);
    }

    #[test]
    fn nothing_known_scores_the_sum_of_missing_bins() {
        let s = score(&BTreeMap::new(), &|_| true);
        let missing: i64 = SIGNALS.iter().map(|d| d.missing).sum();
        assert_eq!(s.explanation.score, BASELINE + missing);
        assert!(
            s.explanation
                .contributions
                .iter()
                .all(|c| c.bin == "missing")
        );
    }
}
