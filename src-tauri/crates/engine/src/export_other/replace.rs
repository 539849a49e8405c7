//! Writing a file the borrower asked for (an export, a grievance packet) so that it appears
//! whole or not at all, and never where a planted link points. Every such file holds personal
//! records, so it is private to the borrower (0600 on Unix) from the moment it exists.

use std::ffi::OsString;
use std::fs::File;
use std::path::Path;

use crate::error::{EngineError, Result};

/// Writes `path` through `write`, which is handed a fresh file beside it: created with a random
/// name, exclusively (an existing file or symlink at that name is never opened) and readable by
/// the owner only. Renamed over `path` when `write` succeeds; removed when it fails or is
/// cancelled, so a partial file never takes the name.
pub(crate) fn write_replacing<T>(path: &Path, write: impl FnOnce(File) -> Result<T>) -> Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(".");
    // `tempfile` opens with O_EXCL (a final symlink is not followed) and deletes the file when
    // dropped; the mode is spelled out rather than left to its default.
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let tmp = builder.tempfile_in(dir)?;
    let out = write(tmp.as_file().try_clone()?)?;
    tmp.persist(path).map_err(|e| EngineError::from(e.error))?;
    Ok(out)
}
