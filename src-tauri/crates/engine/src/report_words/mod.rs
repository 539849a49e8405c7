//! The words of what the engine writes for a person to read — the printable HTML report and
//! the grievance packet's guide — in the reader's language. The app words everything else in
//! the UI; these documents leave the app (printed, mailed, handed to an advocate), so the
//! engine writes them whole, in the language the borrower chose (`en` or `hi`).
//!
//! Every fixed phrase is in one table per language ([`Words`]: a struct, so a phrase missing
//! from one language does not compile); the enumerations' words are matches over both
//! languages. Dates are written in words (`29 November 2026` / `29 नवंबर 2026`), numbers with
//! Indian grouping (`10,00,010`). Hindi follows docs/glossary.md's plain words (data
//! "जानकारी", lender "ऋणदाता", consent "सहमति", disclosure "खुलासा", key "कुंजी").

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use khata_vault::{ConsentActionKind, ConsentStatus, OutboxState, RightsKind, RightsStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The language a report or packet is written in: the UI passes its own, the CLI `--lang`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ReportLanguage {
    #[default]
    En,
    Hi,
}

impl ReportLanguage {
    /// The BCP 47 tag: `<html lang>`, and the key of a lender's `Signal.texts`.
    pub fn tag(self) -> &'static str {
        match self {
            ReportLanguage::En => "en",
            ReportLanguage::Hi => "hi",
        }
    }

    /// `en` or `hi` (as the CLI's `--lang` takes it); `None` for anything else.
    pub fn parse(tag: &str) -> Option<Self> {
        match tag {
            "en" => Some(ReportLanguage::En),
            "hi" => Some(ReportLanguage::Hi),
            _ => None,
        }
    }

    /// This language's fixed phrases.
    pub fn words(self) -> &'static Words {
        match self {
            ReportLanguage::En => &EN,
            ReportLanguage::Hi => &HI,
        }
    }
}

mod tables;

pub use tables::{EN, HI};

/// Declares [`Words`] and its list of (name, phrase) pairs, for the completeness test.
macro_rules! phrases {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The fixed phrases of the report and packet in one language. `{name}` marks where a
        /// value goes ([`fill`]); both languages take the same ones.
        pub struct Words { $($(#[$doc])* pub $name: &'static str,)* }
        impl Words {
            /// Every phrase with its name.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

phrases!(
    report_title,
    /// `{date}`, `{count}`.
    exported,
    /// `{zone}`, e.g. `UTC+05:30`.
    times_note,
    consents,
    consent,
    lender,
    status,
    purpose,
    granted,
    denied,
    expiry,
    actions,
    action,
    signals,
    requested,
    delivery,
    whole_consent,
    offers,
    /// `{amount}`, `{rate}` (per cent a month), `{months}`.
    offer_terms,
    /// `{score}`, `{baseline}`, `{cutoff}`.
    offer_score,
    signal,
    bin,
    points,
    if_withheld,
    /// `{points}`.
    reason_points,
    rights,
    kind,
    ticket,
    filed,
    due,
    phone_heading,
    phone_lead,
    /// `{format}`, `{app}`, `{lender}`, `{date}`.
    phone_source,
    /// `{device}`.
    phone_device,
    /// `{sha}`, `{times}`.
    phone_hash_times,
    no_lender_chosen,
    first,
    last,
    app,
    what,
    resource,
    count,
    state,
    source,
    still_open,
    known_profiler,
    disclosures,
    number,
    when,
    onward_recipient,
    value_digest,
    no_consent,
    ledger,
    /// `{count}`, `{hash}`.
    ledger_head,
    packet_readme_title,
    /// `{lender}`, `{date}`.
    packet_intro,
    packet_letter,
    packet_findings,
    packet_keys,
    packet_statements,
    packet_phone,
    packet_phone_files,
    packet_verify,
);

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_HI: [&str; 12] = [
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
];

/// How a report writes times: in one time zone (the computer's when the report is made),
/// stated once at the top, dates in words.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub language: ReportLanguage,
    pub offset: FixedOffset,
}

impl Clock {
    /// `29 November 2026` / `29 नवंबर 2026`.
    pub fn date(&self, ms: i64) -> String {
        self.at(ms)
            .map(|t| {
                let months = match self.language {
                    ReportLanguage::En => &MONTHS_EN,
                    ReportLanguage::Hi => &MONTHS_HI,
                };
                format!("{} {} {}", t.day(), months[t.month0() as usize], t.year())
            })
            .unwrap_or_default()
    }

    /// `29 November 2026, 14:05:09`: the date in words and the time of day.
    pub fn date_time(&self, ms: i64) -> String {
        self.at(ms)
            .map(|t| {
                format!(
                    "{}, {:02}:{:02}:{:02}",
                    self.date(ms),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            })
            .unwrap_or_default()
    }

    /// `UTC+05:30`.
    pub fn zone(&self) -> String {
        format!(
            "UTC{}",
            crate::phone_words::offset_text(self.offset.local_minus_utc() / 60)
        )
    }

    fn at(&self, ms: i64) -> Option<DateTime<FixedOffset>> {
        DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&self.offset))
    }
}

/// `n` with Indian digit grouping: `1,00,000`, `10,00,010`.
pub fn indian(n: u64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut out = String::new();
    for (i, c) in head.chars().enumerate() {
        if i > 0 && (head.len() - i) % 2 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out},{last3}")
}

/// A signed count with Indian grouping (points can be negative).
pub fn indian_signed(n: i64) -> String {
    if n < 0 {
        format!("-{}", indian(n.unsigned_abs()))
    } else {
        indian(n as u64)
    }
}

/// The grievance packet's guide (`README.txt`): what each file is and how to check it, in the
/// reader's language. `lender` is the lender's name; `phone` whether the packet carries phone
/// evidence.
pub fn packet_guide(clock: &Clock, lender: &str, drafted_at: i64, phone: bool) -> String {
    let words = clock.language.words();
    let mut lines = vec![
        words.packet_readme_title.to_owned(),
        String::new(),
        fill(
            words.packet_intro,
            &[("lender", lender), ("date", &clock.date(drafted_at))],
        ),
        String::new(),
        format!("- {}", words.packet_letter),
        format!("- {}", words.packet_findings),
        format!("- {}", words.packet_keys),
        format!("- {}", words.packet_statements),
    ];
    if phone {
        lines.push(format!("- {}", words.packet_phone));
        lines.push(format!("- {}", words.packet_phone_files));
    }
    lines.push(String::new());
    lines.push(words.packet_verify.to_owned());
    lines.push(String::new());
    lines.join("\n")
}

/// A consent's state.
pub fn consent_status(language: ReportLanguage, s: ConsentStatus) -> &'static str {
    use ConsentStatus::*;
    match (language, s) {
        (ReportLanguage::En, Active) => "active",
        (ReportLanguage::En, Paused) => "paused",
        (ReportLanguage::En, Revoked) => "withdrawn",
        (ReportLanguage::En, Expired) => "ended",
        (ReportLanguage::Hi, Active) => "चालू",
        (ReportLanguage::Hi, Paused) => "रुकी हुई",
        (ReportLanguage::Hi, Revoked) => "वापस ली गई",
        (ReportLanguage::Hi, Expired) => "खत्म",
    }
}

/// What a consent action asked.
pub fn consent_action(language: ReportLanguage, a: ConsentActionKind) -> &'static str {
    use ConsentActionKind::*;
    match (language, a) {
        (ReportLanguage::En, Revoke) => "withdraw",
        (ReportLanguage::En, Pause) => "pause",
        (ReportLanguage::En, Resume) => "resume",
        (ReportLanguage::Hi, Revoke) => "वापस लेना",
        (ReportLanguage::Hi, Pause) => "रोकना",
        (ReportLanguage::Hi, Resume) => "फिर शुरू करना",
    }
}

/// Whether a request reached the lender; `None` is not yet queued.
pub fn delivery(language: ReportLanguage, s: Option<OutboxState>) -> &'static str {
    use OutboxState::*;
    match (language, s) {
        (ReportLanguage::En, None | Some(Pending)) => "waiting to be sent",
        (ReportLanguage::En, Some(Sent)) => "sent",
        (ReportLanguage::En, Some(Acknowledged)) => "received by the lender",
        (ReportLanguage::Hi, None | Some(Pending)) => "भेजा जाना बाकी",
        (ReportLanguage::Hi, Some(Sent)) => "भेजा गया",
        (ReportLanguage::Hi, Some(Acknowledged)) => "ऋणदाता को मिला",
    }
}

/// A rights request's kind.
pub fn rights_kind(language: ReportLanguage, k: RightsKind) -> &'static str {
    use RightsKind::*;
    match (language, k) {
        (ReportLanguage::En, Access) => "a summary of my data",
        (ReportLanguage::En, Correction) => "correction",
        (ReportLanguage::En, Erasure) => "erasure",
        (ReportLanguage::En, Grievance) => "grievance",
        (ReportLanguage::En, Nomination) => "nomination",
        (ReportLanguage::En, Portability) => "a copy of my data",
        (ReportLanguage::En, HumanReview) => "review by a person",
        (ReportLanguage::Hi, Access) => "मेरी जानकारी का सारांश",
        (ReportLanguage::Hi, Correction) => "सुधार",
        (ReportLanguage::Hi, Erasure) => "मिटाना",
        (ReportLanguage::Hi, Grievance) => "शिकायत",
        (ReportLanguage::Hi, Nomination) => "नामांकन",
        (ReportLanguage::Hi, Portability) => "मेरी जानकारी की प्रति",
        (ReportLanguage::Hi, HumanReview) => "किसी व्यक्ति से दोबारा जाँच",
    }
}

/// A rights request's progress.
pub fn rights_status(language: ReportLanguage, s: RightsStatus) -> &'static str {
    use RightsStatus::*;
    match (language, s) {
        (ReportLanguage::En, Pending) => "not sent yet",
        (ReportLanguage::En, Sent) => "sent",
        (ReportLanguage::En, Acknowledged) => "received by the lender",
        (ReportLanguage::En, Resolved) => "resolved",
        (ReportLanguage::En, Rejected) => "refused",
        (ReportLanguage::Hi, Pending) => "अभी भेजा नहीं गया",
        (ReportLanguage::Hi, Sent) => "भेजा गया",
        (ReportLanguage::Hi, Acknowledged) => "ऋणदाता को मिला",
        (ReportLanguage::Hi, Resolved) => "निपटाया गया",
        (ReportLanguage::Hi, Rejected) => "मना किया गया",
    }
}

/// An offer's decision.
pub fn decision(language: ReportLanguage, approved: bool) -> &'static str {
    match (language, approved) {
        (ReportLanguage::En, true) => "Approved",
        (ReportLanguage::En, false) => "Declined",
        (ReportLanguage::Hi, true) => "मंज़ूर",
        (ReportLanguage::Hi, false) => "मना",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` placeholders of a phrase, sorted.
    fn placeholders(phrase: &str) -> Vec<&str> {
        let mut names: Vec<&str> = phrase
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        names.sort_unstable();
        names
    }

    /// Latin words a Hindi phrase may keep: file names, formats, commands and hash names that
    /// are the same in every language (what the reader types or sees on disk).
    const KEPT: &[&str] = &[
        "grievance-letter.txt",
        "findings.json",
        "evidence/lender-keys.json",
        "evidence/*.json",
        "evidence/phone-evidence.json",
        "evidence/phone/",
        "khata verify FILE",
        "SHA-256",
        "JSON",
    ];

    #[test]
    fn both_languages_have_every_phrase_with_the_same_placeholders() {
        let (en, hi) = (EN.entries(), HI.entries());
        assert_eq!(en.len(), hi.len());
        for ((name, english), (hi_name, hindi)) in en.iter().zip(&hi) {
            assert_eq!(name, hi_name);
            assert!(!english.trim().is_empty(), "{name} is empty in English");
            assert!(!hindi.trim().is_empty(), "{name} is empty in Hindi");
            assert_eq!(placeholders(english), placeholders(hindi), "{name}");
            // No English left in the Hindi table, beyond what is kept on purpose.
            let mut rest = (*hindi).to_owned();
            for kept in KEPT {
                rest = rest.replace(kept, "");
            }
            for p in placeholders(hindi) {
                rest = rest.replace(&format!("{{{p}}}"), "");
            }
            assert!(
                !rest.chars().any(|c| c.is_ascii_alphabetic()),
                "{name} has English words in Hindi: {hindi}"
            );
        }
    }

    #[test]
    fn every_enumeration_has_words_in_both_languages() {
        for language in [ReportLanguage::En, ReportLanguage::Hi] {
            let mut words = vec![decision(language, true), decision(language, false)];
            for s in [
                ConsentStatus::Active,
                ConsentStatus::Paused,
                ConsentStatus::Revoked,
                ConsentStatus::Expired,
            ] {
                words.push(consent_status(language, s));
            }
            for a in [
                ConsentActionKind::Revoke,
                ConsentActionKind::Pause,
                ConsentActionKind::Resume,
            ] {
                words.push(consent_action(language, a));
            }
            for s in [
                None,
                Some(OutboxState::Pending),
                Some(OutboxState::Sent),
                Some(OutboxState::Acknowledged),
            ] {
                words.push(delivery(language, s));
            }
            for k in [
                RightsKind::Access,
                RightsKind::Correction,
                RightsKind::Erasure,
                RightsKind::Grievance,
                RightsKind::Nomination,
                RightsKind::Portability,
                RightsKind::HumanReview,
            ] {
                words.push(rights_kind(language, k));
            }
            for s in [
                RightsStatus::Pending,
                RightsStatus::Sent,
                RightsStatus::Acknowledged,
                RightsStatus::Resolved,
                RightsStatus::Rejected,
            ] {
                words.push(rights_status(language, s));
            }
            for w in words {
                assert!(!w.is_empty());
                let latin = w.chars().any(|c| c.is_ascii_alphabetic());
                assert_eq!(latin, language == ReportLanguage::En, "{w}");
            }
        }
    }

    #[test]
    fn dates_are_in_words_in_the_reader_s_language() {
        // 2026-11-29T08:35:00Z, read in India (UTC+05:30).
        let ms = 1_795_941_300_000;
        let ist = FixedOffset::east_opt(330 * 60).unwrap();
        let en = Clock {
            language: ReportLanguage::En,
            offset: ist,
        };
        let hi = Clock {
            language: ReportLanguage::Hi,
            offset: ist,
        };
        assert_eq!(en.date(ms), "29 November 2026");
        assert_eq!(hi.date(ms), "29 नवंबर 2026");
        assert_eq!(en.date_time(ms), "29 November 2026, 14:05:00");
        assert_eq!(hi.date_time(ms), "29 नवंबर 2026, 14:05:00");
        assert_eq!(en.zone(), "UTC+05:30");
    }

    #[test]
    fn numbers_use_indian_grouping() {
        assert_eq!(indian(0), "0");
        assert_eq!(indian(999), "999");
        assert_eq!(indian(1_000), "1,000");
        assert_eq!(indian(100_000), "1,00,000");
        assert_eq!(indian(1_000_010), "10,00,010");
        assert_eq!(indian(123_456_789), "12,34,56,789");
        assert_eq!(indian_signed(-12_345), "-12,345");
    }

    #[test]
    fn values_fill_their_places() {
        assert_eq!(
            fill(
                HI.exported,
                &[("date", "29 नवंबर 2026"), ("count", "10,00,010")]
            ),
            "29 नवंबर 2026 को निकाली गई। 10,00,010 खुलासे।"
        );
        assert_eq!(language_round_trip(), ["en", "hi"]);
    }

    #[test]
    fn the_packet_guide_is_in_the_reader_s_language() {
        let clock = Clock {
            language: ReportLanguage::Hi,
            offset: FixedOffset::east_opt(330 * 60).unwrap(),
        };
        let guide = packet_guide(&clock, "QuickRupee", 1_795_941_300_000, true);
        assert!(guide.starts_with("इस पैकेट में क्या है\n"), "{guide}");
        assert!(guide.contains("QuickRupee से शिकायत, जिसे खाता ने 29 नवंबर 2026 को तैयार किया।"));
        assert!(guide.contains("evidence/phone/"));
        let english = packet_guide(
            &Clock {
                language: ReportLanguage::En,
                ..clock
            },
            "QuickRupee",
            1_795_941_300_000,
            false,
        );
        assert!(
            english
                .contains("A grievance to QuickRupee, put together by Khata on 29 November 2026.")
        );
        assert!(!english.contains("evidence/phone/"), "{english}");
    }

    fn language_round_trip() -> Vec<&'static str> {
        ["en", "hi"]
            .into_iter()
            .map(|t| ReportLanguage::parse(t).unwrap().tag())
            .collect()
    }
}
