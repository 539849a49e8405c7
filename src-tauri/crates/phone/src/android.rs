//! Android's own records of an app, as adb prints them: which of the text formats a file is.

use khata_evidence::phone::SourceFormat;

use crate::detect::contains;

/// The Android text format of a file's head, if it is one.
pub(crate) fn detect_text(head: &[u8]) -> Option<SourceFormat> {
    if contains(head, b"== dumpstate:") {
        return Some(SourceFormat::AndroidBugreport);
    }
    if contains(head, b"Current AppOps Service state:") {
        return Some(SourceFormat::AndroidAppops);
    }
    if contains(head, b"Package [")
        && (contains(head, b"permissions:") || contains(head, b"versionCode="))
    {
        return Some(SourceFormat::AndroidPackage);
    }
    None
}
