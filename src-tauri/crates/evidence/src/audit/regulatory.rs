//! The regulatory rules Khata checks against, built in and versioned here, never read from a
//! lender. A lender's catalogue says what it wants said: one that drops the RBI flag from its
//! contacts signal, or an export whose `signals` were edited, must not silence
//! `prohibited-signal`. So a signal is classified by what it is — its W3C DPV category and
//! the meaning of its id and name — against the table below, and the lender's own flags only
//! ever add to what the table finds (a lender admitting a signal is barred is believed).
//!
//! Source: the RBI Guidelines on Digital Lending (2 Sep 2022), consolidated in the RBI (Digital
//! Lending) Directions, 2025 (8 May 2025). Lending apps must not access file and media, contact
//! list, call logs or telephony functions; camera, microphone and location only once, for
//! onboarding/KYC, with the borrower's explicit consent. A change to the table (a new term, a
//! new regulation) bumps [`TABLE_VERSION`], which every finding carries beside the source.
//!
//! What it cannot see: a signal whose category and name both lie (contacts published as
//! `pd:Behavioral` "Social score") is not recognised; the table then falls back on the lender's
//! flags, which such a lender does not set.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The version of the table below; findings carry it in their [`RuleSource`].
pub const TABLE_VERSION: u32 = 1;
/// The id readers word as the rules' source (the RBI's digital lending rules).
pub const RBI_DIGITAL_LENDING: &str = "rbi-digital-lending";
/// When the RBI's Guidelines on Digital Lending were issued.
pub const RBI_ISSUED: &str = "2022-09-02";
/// When they were consolidated in the RBI (Digital Lending) Directions, 2025.
pub const RBI_CONSOLIDATED: &str = "2025-05-08";

/// Where a regulatory finding's rule comes from, shown beside the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleSource {
    /// Which regulation (`rbi-digital-lending`); readers word it.
    pub id: String,
    /// When it was issued and when last consolidated (ISO dates).
    pub issued: String,
    pub consolidated: String,
    /// The version of Khata's built-in table that classified the signal.
    pub table_version: u32,
}

impl RuleSource {
    /// The RBI's digital lending rules, as this build's table reads them.
    pub fn rbi() -> Self {
        RuleSource {
            id: RBI_DIGITAL_LENDING.into(),
            issued: RBI_ISSUED.into(),
            consolidated: RBI_CONSOLIDATED.into(),
            table_version: TABLE_VERSION,
        }
    }
}

/// The kinds of phone data the RBI's rules name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RegulatedData {
    ContactList,
    CallLogs,
    FilesAndMedia,
    Telephony,
    Camera,
    Microphone,
    Location,
}

/// What the rules allow for a kind of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Restriction {
    /// Never to be accessed by a lending app.
    Prohibited,
    /// Once, for onboarding/KYC, with explicit consent.
    KycOnly,
}

/// How a signal was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum MatchedBy {
    /// Its DPV category.
    Category,
    /// Its id or name.
    Meaning,
    /// Only the lender's own regulatory flag (the table did not recognise it).
    LenderFlag,
}

impl RegulatedData {
    pub fn restriction(self) -> Restriction {
        match self {
            RegulatedData::ContactList
            | RegulatedData::CallLogs
            | RegulatedData::FilesAndMedia
            | RegulatedData::Telephony => Restriction::Prohibited,
            RegulatedData::Camera | RegulatedData::Microphone | RegulatedData::Location => {
                Restriction::KycOnly
            }
        }
    }
}

/// One row: a kind of data, the DPV categories that are it, and words (whole, in an id or
/// name split on anything not a letter or digit) that mean it.
struct Row {
    data: RegulatedData,
    categories: &'static [&'static str],
    words: &'static [&'static str],
}

/// The table, most specific first: "call log" is call logs before "call" could mean anything
/// else. Words are matched whole, so "profile" never reads as "file".
const TABLE: &[Row] = &[
    Row {
        data: RegulatedData::CallLogs,
        categories: &["pd:CallLog"],
        words: &[
            "call log",
            "call logs",
            "calllog",
            "call history",
            "call records",
        ],
    },
    Row {
        data: RegulatedData::ContactList,
        categories: &["pd:Contact", "pd:ContactList", "pd:AddressBook"],
        words: &[
            "contacts",
            "contact list",
            "phonebook",
            "phone book",
            "address book",
        ],
    },
    Row {
        data: RegulatedData::FilesAndMedia,
        categories: &["pd:Photograph", "pd:Video", "pd:MediaFile", "pd:File"],
        words: &[
            "files",
            "media files",
            "gallery",
            "photos",
            "videos",
            "storage",
            "downloads",
        ],
    },
    Row {
        data: RegulatedData::Telephony,
        categories: &["pd:CallMetadata", "pd:PhoneState"],
        words: &[
            "telephony",
            "phone state",
            "imei",
            "call recording",
            "call recordings",
        ],
    },
    Row {
        data: RegulatedData::Camera,
        categories: &["pd:Picture", "pd:FacialPrint"],
        words: &["camera", "selfie"],
    },
    Row {
        data: RegulatedData::Microphone,
        categories: &["pd:VoiceRecording", "pd:AudioRecording", "pd:Voice"],
        words: &["microphone", "mic", "audio recording", "voice recording"],
    },
    Row {
        data: RegulatedData::Location,
        categories: &[
            "pd:Location",
            "pd:GPSCoordinate",
            "pd:PhysicalLocation",
            "pd:TravelHistory",
        ],
        words: &["location", "gps", "geolocation", "latitude", "longitude"],
    },
];

/// What the table makes of one signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    pub data: RegulatedData,
    pub matched_by: MatchedBy,
}

impl Classification {
    pub fn restriction(self) -> Restriction {
        self.data.restriction()
    }
}

/// `text` lower-cased, every run of other characters one space, with a space at each end.
fn words_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Classifies a signal by its DPV category (when the catalogue gives one) and by the words of
/// its id and name. When the two disagree the stricter wins (contacts published under a
/// location category are still contacts), then the category. `None`: the RBI's rules do not
/// name it.
pub fn classify(category: Option<&str>, id: &str, name: Option<&str>) -> Option<Classification> {
    let by_category = category.map(str::trim).and_then(|cat| {
        TABLE
            .iter()
            .find(|row| row.categories.iter().any(|c| c.eq_ignore_ascii_case(cat)))
            .map(|row| Classification {
                data: row.data,
                matched_by: MatchedBy::Category,
            })
    });
    let text = words_of(&format!("{id} {}", name.unwrap_or_default()));
    let by_meaning = TABLE
        .iter()
        .find(|row| row.words.iter().any(|w| text.contains(&format!(" {w} "))))
        .map(|row| Classification {
            data: row.data,
            matched_by: MatchedBy::Meaning,
        });
    let strict =
        |c: &Option<Classification>| c.is_some_and(|c| c.restriction() == Restriction::Prohibited);
    match (by_category, by_meaning) {
        (c, m) if !strict(&c) && strict(&m) => m,
        (Some(c), _) => Some(c),
        (None, m) => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(category: Option<&str>, id: &str, name: Option<&str>) -> Option<RegulatedData> {
        classify(category, id, name).map(|c| c.data)
    }

    #[test]
    fn the_rbi_prohibitions_are_recognised_by_category() {
        for (cat, want) in [
            ("pd:Contact", RegulatedData::ContactList),
            ("pd:CallLog", RegulatedData::CallLogs),
            ("PD:CALLLOG", RegulatedData::CallLogs),
            ("pd:Location", RegulatedData::Location),
        ] {
            let c = classify(Some(cat), "x1", None).unwrap();
            assert_eq!((c.data, c.matched_by), (want, MatchedBy::Category), "{cat}");
        }
        assert_eq!(
            RegulatedData::ContactList.restriction(),
            Restriction::Prohibited
        );
        assert_eq!(RegulatedData::Location.restriction(), Restriction::KycOnly);
    }

    #[test]
    fn a_neutral_category_does_not_hide_the_meaning() {
        // The `hide-rbi-flags` lender: call logs published as behaviour under a bland name.
        let c = classify(
            Some("pd:Behavioral"),
            "call_log_pattern",
            Some("Communication pattern"),
        )
        .unwrap();
        assert_eq!(
            (c.data, c.matched_by),
            (RegulatedData::CallLogs, MatchedBy::Meaning)
        );
        // No catalogue at all (an export whose `signals` were emptied): the id alone.
        assert_eq!(
            data(None, "contacts_network", None),
            Some(RegulatedData::ContactList)
        );
        assert_eq!(
            data(None, "x", Some("Photos and videos in your gallery")),
            Some(RegulatedData::FilesAndMedia)
        );
        assert_eq!(data(None, "kyc-selfie", None), Some(RegulatedData::Camera));
        assert_eq!(
            data(None, "phoneState", Some("Telephony")),
            Some(RegulatedData::Telephony)
        );
        assert_eq!(
            data(None, "mic_sample", Some("Microphone sample")),
            Some(RegulatedData::Microphone)
        );
        // A milder category does not launder a prohibited meaning.
        assert_eq!(
            data(
                Some("pd:Location"),
                "contacts_nearby",
                Some("Contacts near you")
            ),
            Some(RegulatedData::ContactList)
        );
    }

    #[test]
    fn ordinary_signals_are_left_alone() {
        // The sandbox's other signals, and words that only contain a listed one.
        for (cat, id, name) in [
            ("pd:Income", "sms_income", "Income from SMS"),
            ("pd:PhoneNumber", "sim_age", "SIM card age"),
            ("pd:DeviceBased", "device_age", "Phone age"),
            (
                "pd:OfficialID",
                "kyc_verified",
                "Identity verification (KYC)",
            ),
            ("pd:Behavioral", "profile_age", "Profile age"),
            (
                "pd:DeviceApplications",
                "lender_apps",
                "Other lending apps installed",
            ),
            ("pd:LifeHistory", "life_events", "Life events"),
            ("pd:Behavioral", "dynamic_score", "Dynamic score"),
        ] {
            assert_eq!(data(Some(cat), id, Some(name)), None, "{id}");
        }
    }

    #[test]
    fn the_source_names_the_rbi_rules_and_the_table_version() {
        let s = RuleSource::rbi();
        assert_eq!(s.id, "rbi-digital-lending");
        assert_eq!(
            (s.issued.as_str(), s.consolidated.as_str()),
            ("2022-09-02", "2025-05-08")
        );
        assert_eq!(s.table_version, TABLE_VERSION);
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({"id": "rbi-digital-lending", "issued": "2022-09-02",
                               "consolidated": "2025-05-08", "tableVersion": 1})
        );
    }
}
