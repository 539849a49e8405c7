//! Words for phone evidence, where the engine writes text itself (the HTML report, the
//! grievance packet's summary, the command line): English, and Hindi for the report in the
//! reader's language (the same words as the app's `phone.hi.ts`). The app words the same facts
//! in the reader's language from the typed values; these are the terminal's and the printed
//! report's.

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
            "The file's times were counted back from when the file was saved on this computer, not from the phone's clock."
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

/// [`format_en`] in Hindi.
pub fn format_hi(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::IosAppPrivacyReport => "iPhone की App Privacy Report",
        SourceFormat::AndroidAppops => "Android पर ऐप की गतिविधि (dumpsys appops)",
        SourceFormat::AndroidAppopsCmd => "Android पर ऐप की गतिविधि (cmd appops get)",
        SourceFormat::AndroidDiscreteHistory => "Android का विस्तृत इस्तेमाल इतिहास",
        SourceFormat::AndroidPackage => "Android अनुमतियाँ (dumpsys package)",
        SourceFormat::AndroidBugreport => "Android की बग रिपोर्ट",
        SourceFormat::AndroidCapture => "USB (adb) से खाता ने फ़ोन से पढ़ा",
    }
}

/// [`limit_en`] in Hindi.
pub fn limit_hi(l: SourceLimit) -> &'static str {
    match l {
        SourceLimit::UseNotContent => {
            "इससे पता चलता है कि ऐप ने कोई चीज़ इस्तेमाल की और कब, यह नहीं कि उसने क्या पढ़ा या कहाँ भेजा।"
        }
        SourceLimit::SevenDays => "iPhone की रिपोर्ट सिर्फ़ पिछले 7 दिन की होती है।",
        SourceLimit::LastAccessOnly => {
            "Android हर तरह के इस्तेमाल का सिर्फ़ आख़िरी बार रखता है; पहले के इस्तेमाल इसमें नहीं हैं।"
        }
        SourceLimit::DiscreteRecentOnly => {
            "Android का विस्तृत इतिहास मिनट तक गोल किया जाता है और थोड़े समय तक रहता है, आम तौर पर सिर्फ़ लोकेशन, कैमरा और माइक्रोफ़ोन का।"
        }
        SourceLimit::PermissionsNotUse => {
            "अनुमति से पता चलता है कि ऐप क्या इस्तेमाल कर सकता है, यह नहीं कि उसने किया।"
        }
        SourceLimit::OffsetNotInFile => {
            "फ़ाइल के समय के साथ समय क्षेत्र नहीं था; उन्हें दिखाए गए क्षेत्र में पढ़ा गया।"
        }
        SourceLimit::IosNoSmsOrCallLog => {
            "iPhone किसी ऐप को आपके SMS या कॉल लॉग नहीं देता, इसलिए उसकी रिपोर्ट इन्हें नहीं दिखा सकती।"
        }
        SourceLimit::ClockFromFileTime => {
            "फ़ाइल के समय इस कंप्यूटर पर उसके सहेजे जाने के समय से पीछे गिने गए, फ़ोन की घड़ी से नहीं।"
        }
    }
}

/// [`resource_en`] in Hindi.
pub fn resource_hi(r: Resource) -> &'static str {
    match r {
        Resource::Contacts => "संपर्क",
        Resource::CallLog => "कॉल लॉग",
        Resource::Sms => "SMS",
        Resource::Location => "लोकेशन",
        Resource::Camera => "कैमरा",
        Resource::Microphone => "माइक्रोफ़ोन",
        Resource::Media => "फ़ोटो और मीडिया",
        Resource::Files => "फ़ाइलें",
        Resource::PhoneState => "फ़ोन नंबर और पहचान",
        Resource::Accounts => "फ़ोन पर खाते (अकाउंट)",
        Resource::InstalledApps => "लगे हुए ऐप की सूची",
        Resource::ScreenRecording => "स्क्रीन रिकॉर्डिंग",
        Resource::Network => "इंटरनेट पता",
    }
}

/// [`kind_en`] in Hindi.
pub fn kind_hi(k: ObservationKind) -> &'static str {
    match k {
        ObservationKind::Access => "इस्तेमाल किया",
        ObservationKind::Rejected => "कोशिश की, फ़ोन ने रोका",
        ObservationKind::Granted => "अनुमति दी गई",
        ObservationKind::Requested => "अनुमति माँगी (मिली नहीं)",
        ObservationKind::Network => "संपर्क किया",
    }
}

/// [`state_en`] in Hindi.
pub fn state_hi(s: AppState) -> &'static str {
    match s {
        AppState::Foreground => "स्क्रीन पर खुला",
        AppState::Background => "पीछे चलते हुए",
        AppState::Unknown => "",
    }
}

/// [`offset_en`] in Hindi.
pub fn offset_hi(from: OffsetFrom, minutes: Option<i32>) -> String {
    let zone = minutes.map(offset_text).unwrap_or_default();
    match from {
        OffsetFrom::InFile => "समय क्षेत्र फ़ाइल में लिखा है".into(),
        OffsetFrom::Device => format!("UTC{zone}, फ़ोन से पढ़ा गया"),
        OffsetFrom::Assumed => format!("UTC{zone}, लाते समय चुना गया"),
        OffsetFrom::CaptureClock => format!("रिकॉर्ड लेते समय फ़ोन की घड़ी से (UTC{zone})"),
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
