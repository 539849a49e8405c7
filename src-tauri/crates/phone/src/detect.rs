//! Which format a file is, from its first bytes and its name: a borrower drops whatever the
//! phone saved, and an unknown file must be refused with the list of what Khata reads rather
//! than half-read.

use khata_evidence::phone::SourceFormat;

use crate::PhoneError;

/// How many bytes of the head [`detect`] looks at (the callers read this much).
pub const HEAD_BYTES: usize = 16 * 1024;

/// Every format Khata reads, in the order the borrower meets them.
pub const UNDERSTOOD: &[SourceFormat] = &[
    SourceFormat::IosAppPrivacyReport,
    SourceFormat::AndroidCapture,
    SourceFormat::AndroidBugreport,
    SourceFormat::AndroidAppops,
    SourceFormat::AndroidAppopsCmd,
    SourceFormat::AndroidDiscreteHistory,
    SourceFormat::AndroidPackage,
];

/// The stable id of a format (as in exports and the vault).
pub fn format_id(f: SourceFormat) -> &'static str {
    match f {
        SourceFormat::IosAppPrivacyReport => "ios-app-privacy-report",
        SourceFormat::AndroidAppops => "android-appops",
        SourceFormat::AndroidAppopsCmd => "android-appops-cmd",
        SourceFormat::AndroidDiscreteHistory => "android-discrete-history",
        SourceFormat::AndroidPackage => "android-package",
        SourceFormat::AndroidBugreport => "android-bugreport",
        SourceFormat::AndroidCapture => "android-capture",
    }
}

pub(crate) fn unknown() -> PhoneError {
    PhoneError::UnknownFormat {
        understood: UNDERSTOOD.to_vec(),
    }
}

/// The format of a file from its first bytes (up to [`HEAD_BYTES`]) and its name.
pub fn detect(head: &[u8], file_name: &str) -> Result<SourceFormat, PhoneError> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"PK\x03\x04") {
        return Ok(SourceFormat::AndroidBugreport);
    }
    let text = head.trim_ascii_start();
    if text.starts_with(crate::bundle::MAGIC.as_bytes()) {
        return Ok(SourceFormat::AndroidCapture);
    }
    if text.starts_with(b"{") {
        let first = text.split(|b| *b == b'\n').next().unwrap_or(text);
        let ios_keys = [
            &b"\"accessor\""[..],
            b"\"networkActivity\"",
            b"\"bundleID\"",
            b"\"timeStamp\"",
            b"\"intervalBegin\"",
        ];
        let lower = file_name.to_ascii_lowercase();
        if ios_keys.iter().any(|k| contains(first, k))
            || lower.ends_with(".ndjson") && lower.contains("privacy")
        {
            return Ok(SourceFormat::IosAppPrivacyReport);
        }
        return Err(unknown());
    }
    crate::android::detect_text(text).ok_or_else(unknown)
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}
