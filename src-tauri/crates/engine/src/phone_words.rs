//! English words for phone evidence, where the engine writes text itself (the HTML report, the
//! grievance packet's summary, the command line). The app words the same facts in the reader's
//! language from the typed values; these are the terminal's and the printed report's.

use khata_evidence::phone::{
    AppState, ObservationKind, OffsetFrom, Resource, SourceFormat, SourceLimit,
};

/// What kind of file or capture a source is.
pub fn format_en(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::IosAppPrivacyReport => "iOS App Privacy Report",
        SourceFormat::AndroidAppops => "Android app-ops (dumpsys appops)",
        SourceFormat::AndroidAppopsCmd => "Android app-ops (cmd appops get)",
        SourceFormat::AndroidDiscreteHistory => "Android app-ops history",
        SourceFormat::AndroidPackage => "Android permissions (dumpsys package)",
        SourceFormat::AndroidBugreport => "Android bug report",
        SourceFormat::AndroidCapture => "Khata capture over USB (adb)",
    }
}

/// What a source cannot show, as a sentence.
pub fn limit_en(l: SourceLimit) -> &'static str {
    match l {
        SourceLimit::UseNotContent => {
            "The phone records that and when an app used something, not what it read or where it sent it."
        }
        SourceLimit::SevenDays => "The iOS report covers only the last 7 days.",
        SourceLimit::LastAccessOnly => {
            "Android keeps only the last access of each kind per app state, so earlier accesses are not shown."
        }
        SourceLimit::DiscreteRecentOnly => {
            "Android's access history is rounded to the minute and kept for a short time, by default only for location, camera and microphone."
        }
        SourceLimit::PermissionsNotUse => {
            "Permissions show what the app may do, not that it did it."
        }
        SourceLimit::OffsetNotInFile => {
            "The file's times carry no time zone; they were read in the time zone shown."
        }
        SourceLimit::IosNoSmsOrCallLog => {
            "iOS apps cannot read SMS or call logs, so the report is silent about them."
        }
        SourceLimit::ClockFromFileTime => {
            "The file's times are relative to when it was saved, which it does not say; they were counted from the file's date on this computer."
        }
    }
}

/// The resource, in a few words.
pub fn resource_en(r: Resource) -> &'static str {
    match r {
        Resource::Contacts => "contacts",
        Resource::CallLog => "call log",
        Resource::Sms => "SMS",
        Resource::Location => "location",
        Resource::Camera => "camera",
        Resource::Microphone => "microphone",
        Resource::Media => "photos and media",
        Resource::Files => "files",
        Resource::PhoneState => "phone state and number",
        Resource::Accounts => "accounts on the phone",
        Resource::InstalledApps => "list of installed apps",
        Resource::ScreenRecording => "screen recording",
        Resource::Network => "network",
    }
}

/// What the phone recorded, as a verb phrase.
pub fn kind_en(k: ObservationKind) -> &'static str {
    match k {
        ObservationKind::Access => "used",
        ObservationKind::Rejected => "tried and was refused",
        ObservationKind::Granted => "has permission for",
        ObservationKind::Requested => "asks for (not granted)",
        ObservationKind::Network => "contacted",
    }
}

pub fn state_en(s: AppState) -> &'static str {
    match s {
        AppState::Foreground => "in the foreground",
        AppState::Background => "in the background",
        AppState::Unknown => "",
    }
}

/// `+05:30` for 330 minutes east of UTC.
pub fn offset_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Where the time zone of a source's times came from, with the zone.
pub fn offset_en(from: OffsetFrom, minutes: Option<i32>) -> String {
    let zone = minutes.map(offset_text).unwrap_or_default();
    match from {
        OffsetFrom::InFile => "times carry their own time zone".into(),
        OffsetFrom::Device => format!("UTC{zone}, read from the phone"),
        OffsetFrom::Assumed => format!("UTC{zone}, chosen at import"),
        OffsetFrom::CaptureClock => {
            format!("counted back from the capture's clock (UTC{zone})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_written_as_hours_and_minutes() {
        assert_eq!(offset_text(330), "+05:30");
        assert_eq!(offset_text(-210), "-03:30");
        assert_eq!(offset_text(0), "+00:00");
        assert_eq!(
            offset_en(OffsetFrom::Assumed, Some(330)),
            "UTC+05:30, chosen at import"
        );
    }
}
