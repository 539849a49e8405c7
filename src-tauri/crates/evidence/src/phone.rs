//! What the borrower's own phone recorded a lender's app doing: the one kind of evidence in
//! Khata that is not the lender's own declaration. A phone keeps its own records of which app
//! used which resource and when (iOS's App Privacy Report; Android's app-ops and permission
//! state, read over adb or from a saved bug report); an import turns one such file into
//! [`Observation`]s of one app, kept with the file's [`PhoneSource`] (its SHA-256, format,
//! device and what the format cannot show).
//!
//! The types here are what the parsers (`khata-phone`) produce, the vault stores, the audit
//! rules read and the UI words. The mapping from a phone's resources to Khata's signals and
//! the RBI's categories is data ([`MAPPINGS`]), documented in `docs/phone-evidence.md`.
//!
//! What this evidence proves, and what it does not: that and when an app used a resource (and,
//! on iOS, which domains it contacted) — never what it read, nor where the data went.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::regulatory::RegulatedData;

/// The phone's operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Android,
    Ios,
}

/// The file or capture an import read. Stable ids (kebab-case) in exports and the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// iOS App Privacy Report (NDJSON, `App_Privacy_Report_v4_<time>.ndjson`).
    IosAppPrivacyReport,
    /// `adb shell dumpsys appops [--package PKG]`, saved as text: the last access per op and
    /// app state, device-local times without an offset.
    AndroidAppops,
    /// `adb shell cmd appops get PKG`: times relative to when it ran (`time=+1d2h ago`).
    AndroidAppopsCmd,
    /// `adb shell dumpsys appops --history --include-discrete`: minute-rounded accesses.
    AndroidDiscreteHistory,
    /// `adb shell dumpsys package PKG`: requested and granted permissions.
    AndroidPackage,
    /// An Android bug report zip (Developer options › Take bug report); the sections above
    /// are read from it.
    AndroidBugreport,
    /// Khata's own capture over adb: the outputs above with the device's facts (serial, model,
    /// OS version, time zone, clock) in one text file, kept as the evidence of the capture.
    AndroidCapture,
}

/// A phone resource an app can use, as Khata names it across both platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Resource {
    Contacts,
    CallLog,
    Sms,
    Location,
    Camera,
    Microphone,
    /// Photos, videos and other media (iOS photos/mediaLibrary; Android READ_MEDIA_*).
    Media,
    /// Shared storage (Android READ/WRITE_EXTERNAL_STORAGE, MANAGE_EXTERNAL_STORAGE).
    Files,
    /// Telephony: phone state, phone numbers, making or managing calls.
    PhoneState,
    /// The accounts on the device (GET_ACCOUNTS).
    Accounts,
    /// The list of installed apps (QUERY_ALL_PACKAGES, a permission).
    InstalledApps,
    ScreenRecording,
    /// Network activity (iOS report only): a domain the app contacted.
    Network,
}

/// Which state the app was in, as the phone recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AppState {
    Foreground,
    Background,
    Unknown,
}

/// What the phone recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ObservationKind {
    /// The app used the resource (an iOS access interval, an Android `Access:` line).
    Access,
    /// The app tried and the OS refused (Android `Reject:`).
    Rejected,
    /// The permission is granted (a state at capture time, not an access).
    Granted,
    /// The app's manifest asks for the permission; not granted.
    Requested,
    /// The app contacted a domain (iOS network activity).
    Network,
}

/// Where an observation's UTC offset came from. iOS times carry their offset; Android's
/// dumpsys times do not, so a live capture reads the phone's zone and a saved file is read in
/// a zone the borrower confirms (the computer's by default): every such time is shown with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum OffsetFrom {
    /// The file's own timestamps carry the offset.
    InFile,
    /// Read from the phone during a capture.
    Device,
    /// Supplied at import (the borrower's choice or the computer's zone).
    Assumed,
    /// Times relative to the capture's clock (`cmd appops get`), made absolute from it.
    CaptureClock,
}

/// What a source cannot show; every finding from it carries these, and readers word them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SourceLimit {
    /// Any source: that and when an app used a resource, not what it read or where it went.
    UseNotContent,
    /// The iOS report covers the last 7 days.
    SevenDays,
    /// Android app-ops keep only the last access of each op per app state.
    LastAccessOnly,
    /// Android's discrete history rounds to the minute and keeps about a day (longer on
    /// newer versions), by default for location, camera and microphone only.
    DiscreteRecentOnly,
    /// Permission state is a snapshot at capture: it shows what the app may do, not that it did.
    PermissionsNotUse,
    /// Times are device-local without an offset in the file; read in the offset shown.
    OffsetNotInFile,
    /// iOS apps cannot read SMS or call logs: their absence from the report proves nothing.
    IosNoSmsOrCallLog,
    /// A saved file's times are relative to when it was made (`cmd appops get`, older
    /// `dumpsys appops`) and the file does not say when that was: they were made absolute from
    /// the file's modification time on this computer, not from the phone's clock.
    ClockFromFileTime,
}

/// The phone, where the source says (a capture always; a saved file rarely).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub serial: Option<String>,
    pub model: Option<String>,
    pub os_version: Option<String>,
}

/// One imported file or capture: the evidence every observation from it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PhoneSource {
    /// Lowercase hex SHA-256 of the file's bytes (the raw file is kept in the vault); the
    /// source's identity: importing the same bytes again adds nothing.
    pub sha256: String,
    pub format: SourceFormat,
    pub platform: Platform,
    /// The file's name as the borrower had it (no directory); a capture's generated name.
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// When the file was made or the capture ran (Unix ms), where known.
    pub captured_at: Option<i64>,
    /// When the borrower imported it (Unix ms).
    pub imported_at: i64,
    pub device: Device,
    /// The UTC offset (minutes east) the source's local times were read in, and where it came
    /// from; `None` when every time carried its own offset.
    pub utc_offset_min: Option<i32>,
    pub offset_from: OffsetFrom,
    /// The app whose records were kept, and the lender it belongs to (declared in the lender's
    /// discovery document, or chosen by the borrower).
    pub app: String,
    pub lender_id: Option<String>,
    /// The span the records cover (Unix ms), where any were found.
    pub covers_from: Option<i64>,
    pub covers_to: Option<i64>,
    /// Records of the app kept, and lines that could not be read (counted, never fatal).
    #[ts(type = "number")]
    pub records: u64,
    #[ts(type = "number")]
    pub malformed_lines: u64,
    pub limits: Vec<SourceLimit>,
}

/// The network side of an iOS network-activity record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NetworkFacts {
    pub domain: String,
    pub domain_owner: Option<String>,
    /// iOS's `domainType` 1: a domain Apple knows to profile people across apps.
    pub profiler: bool,
    /// `initiatedType`: AppInitiated (true) or NonAppInitiated (false, e.g. a web view).
    pub app_initiated: Option<bool>,
}

/// What the phone saw one app do with one resource: one access interval or last-access line,
/// or accesses of one op in one app state aggregated over a UTC day (`count` of them, the
/// first and last real access times kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// The source's SHA-256 (lowercase hex): which file or capture saw it.
    pub source: String,
    pub app: String,
    pub platform: Platform,
    pub resource: Resource,
    /// The OS's own name for it: `READ_CONTACTS`, `contacts`, `android.permission.CAMERA`,
    /// or the domain of a network record.
    pub op: String,
    pub kind: ObservationKind,
    pub state: AppState,
    /// Unix ms; equal for a single access.
    pub first_at: i64,
    pub last_at: i64,
    #[ts(type = "number")]
    pub count: u64,
    /// An interval whose end the file does not hold (iOS `intervalBegin` without its end).
    pub open_interval: bool,
    pub network: Option<NetworkFacts>,
}

/// How one phone resource reads against Khata's signals and the RBI's rules: the data behind
/// `observed-undeclared` (which declared signals would account for the access) and
/// `observed-prohibited-access` / `observed-beyond-kyc` (the regulated kind of data).
#[derive(Debug, Clone, Copy)]
pub struct ResourceMapping {
    pub resource: Resource,
    /// The kind of data the RBI's rules name, if any (prohibited or KYC-only).
    pub regulated: Option<RegulatedData>,
    /// DPV categories of a lender's signals derived from this resource.
    pub dpv_categories: &'static [&'static str],
    /// Khata's reference signal ids derived from it (the sandbox lenders' catalogue).
    pub signals: &'static [&'static str],
}

/// The mapping, one row per resource (documented in `docs/phone-evidence.md`).
pub const MAPPINGS: &[ResourceMapping] = &[
    ResourceMapping {
        resource: Resource::Contacts,
        regulated: Some(RegulatedData::ContactList),
        dpv_categories: &[
            "pd:Contact",
            "pd:ContactList",
            "pd:AddressBook",
            "pd:SocialNetwork",
        ],
        signals: &["contacts_network"],
    },
    ResourceMapping {
        resource: Resource::CallLog,
        regulated: Some(RegulatedData::CallLogs),
        dpv_categories: &["pd:CallLog", "pd:CommunicationsMetadata"],
        signals: &["call_log_pattern"],
    },
    ResourceMapping {
        resource: Resource::Sms,
        regulated: None,
        dpv_categories: &[
            "pd:Income",
            "pd:CreditRecord",
            "pd:Transaction",
            "pd:FinancialAccount",
            "pd:Communication",
        ],
        signals: &["sms_income", "emi_bounces", "wallet_txns"],
    },
    ResourceMapping {
        resource: Resource::Location,
        regulated: Some(RegulatedData::Location),
        dpv_categories: &[
            "pd:Location",
            "pd:GPSCoordinate",
            "pd:PhysicalLocation",
            "pd:TravelHistory",
        ],
        signals: &["location_stability"],
    },
    ResourceMapping {
        resource: Resource::Camera,
        regulated: Some(RegulatedData::Camera),
        dpv_categories: &["pd:Picture", "pd:FacialPrint", "pd:OfficialID"],
        signals: &["kyc_verified"],
    },
    ResourceMapping {
        resource: Resource::Microphone,
        regulated: Some(RegulatedData::Microphone),
        dpv_categories: &["pd:VoiceRecording", "pd:AudioRecording", "pd:Voice"],
        signals: &[],
    },
    ResourceMapping {
        resource: Resource::Media,
        regulated: Some(RegulatedData::FilesAndMedia),
        dpv_categories: &["pd:Photograph", "pd:Video", "pd:MediaFile"],
        signals: &[],
    },
    ResourceMapping {
        resource: Resource::Files,
        regulated: Some(RegulatedData::FilesAndMedia),
        dpv_categories: &["pd:File", "pd:MediaFile"],
        signals: &[],
    },
    ResourceMapping {
        resource: Resource::PhoneState,
        regulated: Some(RegulatedData::Telephony),
        dpv_categories: &[
            "pd:PhoneNumber",
            "pd:CallMetadata",
            "pd:PhoneState",
            "pd:DeviceBased",
        ],
        signals: &["sim_age", "device_age"],
    },
    ResourceMapping {
        resource: Resource::Accounts,
        regulated: None,
        dpv_categories: &["pd:Account", "pd:Behavioral"],
        signals: &["account_age"],
    },
    ResourceMapping {
        resource: Resource::InstalledApps,
        regulated: None,
        dpv_categories: &["pd:DeviceApplications", "pd:PurchasesAndSpendingHabit"],
        signals: &["gambling_apps", "lender_apps", "device_purchases"],
    },
    ResourceMapping {
        resource: Resource::ScreenRecording,
        regulated: Some(RegulatedData::FilesAndMedia),
        dpv_categories: &[],
        signals: &[],
    },
    ResourceMapping {
        resource: Resource::Network,
        regulated: None,
        dpv_categories: &[],
        signals: &[],
    },
];

/// The mapping row of `resource`.
pub fn mapping(resource: Resource) -> &'static ResourceMapping {
    MAPPINGS
        .iter()
        .find(|m| m.resource == resource)
        .expect("every resource has a mapping row")
}

/// Android app-ops (`READ_CONTACTS`, `android:read_contacts`, `OP_READ_CONTACTS`…) and
/// permissions (`android.permission.READ_CONTACTS`) → resource; `None` for ops Khata does not
/// follow. Case-insensitive; the prefixes different Android versions print are ignored.
pub fn android_resource(op_or_permission: &str) -> Option<Resource> {
    let upper = op_or_permission.trim().to_ascii_uppercase();
    let name = upper
        .strip_prefix("ANDROID.PERMISSION.")
        .or_else(|| upper.strip_prefix("ANDROID:"))
        .or_else(|| upper.strip_prefix("OP_"))
        .unwrap_or(&upper);
    Some(match name {
        "READ_CONTACTS" | "WRITE_CONTACTS" => Resource::Contacts,
        "READ_CALL_LOG" | "WRITE_CALL_LOG" | "PROCESS_OUTGOING_CALLS" => Resource::CallLog,
        "READ_SMS"
        | "RECEIVE_SMS"
        | "RECEIVE_MMS"
        | "RECEIVE_WAP_PUSH"
        | "SEND_SMS"
        | "READ_CELL_BROADCASTS"
        | "READ_ICC_SMS"
        | "WRITE_SMS" => Resource::Sms,
        "COARSE_LOCATION"
        | "FINE_LOCATION"
        | "MONITOR_LOCATION"
        | "MONITOR_HIGH_POWER_LOCATION"
        | "ACCESS_COARSE_LOCATION"
        | "ACCESS_FINE_LOCATION"
        | "ACCESS_BACKGROUND_LOCATION" => Resource::Location,
        "CAMERA" => Resource::Camera,
        "RECORD_AUDIO" => Resource::Microphone,
        "READ_MEDIA_IMAGES"
        | "READ_MEDIA_VIDEO"
        | "READ_MEDIA_AUDIO"
        | "WRITE_MEDIA_IMAGES"
        | "WRITE_MEDIA_VIDEO"
        | "WRITE_MEDIA_AUDIO"
        | "ACCESS_MEDIA_LOCATION"
        | "READ_MEDIA_VISUAL_USER_SELECTED" => Resource::Media,
        "READ_EXTERNAL_STORAGE"
        | "WRITE_EXTERNAL_STORAGE"
        | "MANAGE_EXTERNAL_STORAGE"
        | "LEGACY_STORAGE" => Resource::Files,
        "READ_PHONE_STATE"
        | "READ_PHONE_NUMBERS"
        | "CALL_PHONE"
        | "READ_PRECISE_PHONE_STATE"
        | "ANSWER_PHONE_CALLS"
        | "MANAGE_ONGOING_CALLS"
        | "USE_SIP" => Resource::PhoneState,
        "GET_ACCOUNTS" => Resource::Accounts,
        "QUERY_ALL_PACKAGES" => Resource::InstalledApps,
        "PROJECT_MEDIA" => Resource::ScreenRecording,
        _ => return None,
    })
}

/// iOS App Privacy Report access `category` → resource (`None`: a category Khata does not know).
pub fn ios_resource(category: &str) -> Option<Resource> {
    Some(match category {
        "contacts" => Resource::Contacts,
        "location" => Resource::Location,
        "camera" => Resource::Camera,
        "microphone" => Resource::Microphone,
        "photos" | "mediaLibrary" => Resource::Media,
        "screenRecording" => Resource::ScreenRecording,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI words DPV terms from its catalogue (`dpv.en.ts`; `dpv.hi.ts` is typed against
    /// it): every term the mapping gives an observation has words there.
    #[test]
    fn every_dpv_term_has_words_in_the_ui() {
        let words = include_str!("../../../../ui/src/lib/i18n/dpv.en.ts");
        for term in MAPPINGS.iter().flat_map(|m| m.dpv_categories) {
            assert!(words.contains(&format!("'dpv.{term}':")), "{term}");
        }
    }

    #[test]
    fn every_resource_has_exactly_one_mapping_row() {
        use Resource::*;
        for r in [
            Contacts,
            CallLog,
            Sms,
            Location,
            Camera,
            Microphone,
            Media,
            Files,
            PhoneState,
            Accounts,
            InstalledApps,
            ScreenRecording,
            Network,
        ] {
            assert_eq!(
                MAPPINGS.iter().filter(|m| m.resource == r).count(),
                1,
                "{r:?}"
            );
            assert_eq!(mapping(r).resource, r);
        }
    }

    #[test]
    fn android_names_in_every_spelling_map_to_one_resource() {
        for name in [
            "READ_CONTACTS",
            "android:read_contacts",
            "OP_READ_CONTACTS",
            "android.permission.READ_CONTACTS",
            " read_contacts ",
        ] {
            assert_eq!(android_resource(name), Some(Resource::Contacts), "{name}");
        }
        assert_eq!(android_resource("READ_CALL_LOG"), Some(Resource::CallLog));
        assert_eq!(android_resource("FINE_LOCATION"), Some(Resource::Location));
        assert_eq!(
            android_resource("android.permission.QUERY_ALL_PACKAGES"),
            Some(Resource::InstalledApps)
        );
        assert_eq!(android_resource("WAKE_LOCK"), None);
        assert_eq!(android_resource("VIBRATE"), None);
    }

    #[test]
    fn the_regulated_kinds_follow_the_rbi_table() {
        assert_eq!(
            mapping(Resource::Contacts).regulated,
            Some(RegulatedData::ContactList)
        );
        assert_eq!(
            mapping(Resource::CallLog).regulated,
            Some(RegulatedData::CallLogs)
        );
        assert_eq!(
            mapping(Resource::Camera).regulated,
            Some(RegulatedData::Camera)
        );
        assert_eq!(mapping(Resource::Sms).regulated, None);
        assert_eq!(ios_resource("mediaLibrary"), Some(Resource::Media));
        assert_eq!(ios_resource("bluetooth"), None);
    }
}
