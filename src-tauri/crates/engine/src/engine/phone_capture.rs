//! Capturing a connected Android phone: choose the phone and the lender's app, read the phone
//! through adb ([`crate::adb`]), keep what it printed as one capture file, then import that
//! file like a saved one. A capture and a saved file are thus the same kind of evidence to the
//! vault, the audit and an export: bytes with a SHA-256, kept raw in the vault.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use khata_evidence::phone::Platform;

use super::Engine;
use super::phone::declared_apps;
use crate::adb::{Adb, AdbError, Captured};
use crate::error::{EngineError, Result};
use crate::views::{AdbDevice, PhoneImportSummary, Progress};

/// Folder of capture files inside the data directory.
pub const PHONE_DIR: &str = "phone";

impl Engine {
    /// The phones adb sees, authorised or not (the capture's device picker).
    pub async fn phone_devices(&self) -> Result<Vec<AdbDevice>> {
        let adb = Adb::from_settings(&self.cfg.adb)?;
        Ok(adb.devices().await?)
    }

    /// Captures the phone `serial` (else the only one connected) and imports the capture as
    /// evidence of the app's lender, chosen as for a saved file ([`Engine::phone_import`]).
    /// The capture file is removed once the vault holds it (the vault keeps it raw, by its
    /// SHA-256); an import that fails leaves it in `phone/` to import again.
    pub async fn phone_capture(
        &self,
        serial: Option<String>,
        app: Option<String>,
        lender_id: Option<String>,
        progress: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Result<PhoneImportSummary> {
        let (path, app) = self
            .phone_capture_file(serial, app, lender_id.clone(), &progress)
            .await?;
        let summary = self
            .phone_import(&path, Some(app), lender_id, None, progress)
            .await
            .inspect_err(|e| {
                tracing::warn!(file = %path.display(), code = e.code(), "a capture was not imported");
            })?;
        if let Err(e) = std::fs::remove_file(&path) {
            tracing::warn!(file = %path.display(), error = %e, "could not remove an imported capture");
        }
        Ok(summary)
    }

    /// Reads the phone `serial` (else the only one connected) and writes what it printed as a
    /// capture file in the data directory's `phone/` folder; returns the file and the app read.
    /// `app` defaults as [`Engine::capture_app`] says. Nothing is imported yet.
    pub async fn phone_capture_file(
        &self,
        serial: Option<String>,
        app: Option<String>,
        lender_id: Option<String>,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<(PathBuf, String)> {
        let adb = Adb::from_settings(&self.cfg.adb)?;
        let device = adb.choose_device(serial.as_deref()).await?;
        let app = self
            .capture_app(&adb, &device.serial, app, lender_id)
            .await?;
        let sections = khata_phone::capture_sections(&app);
        let captured = adb
            .capture(&device.serial, &app, &sections, progress)
            .await?;
        let bytes = bundle(&captured);
        let dir = self.cfg.data_dir.join(PHONE_DIR);
        let path = tokio::task::spawn_blocking(move || {
            write_capture_file(&dir, khata_vault::now_ms(), &bytes)
        })
        .await??;
        tracing::info!(file = %path.display(), app = %app, "phone captured");
        Ok((path, app))
    }

    /// Which app a capture reads: `app` when given; otherwise the Android app a connected
    /// lender declares (only `lender_id`'s when given) that is installed on the phone, when
    /// exactly one is; otherwise the borrower chooses among the phone's own apps.
    async fn capture_app(
        &self,
        adb: &Adb,
        serial: &str,
        app: Option<String>,
        lender_id: Option<String>,
    ) -> Result<String> {
        if let Some(app) = app {
            return Ok(app);
        }
        let declared = self.with_vault(|v| declared_apps(v)).await?;
        let installed = adb.packages(serial, false).await?;
        // Package names as the phone spells them (declarations are compared without case).
        let mut present: Vec<String> = installed
            .into_iter()
            .filter(|p| {
                declared.iter().any(|d| {
                    d.platform == Platform::Android
                        && lender_id.as_deref().is_none_or(|l| d.lender_id == l)
                        && d.id.eq_ignore_ascii_case(p)
                })
            })
            .collect();
        present.sort();
        present.dedup();
        if present.len() == 1 {
            return Ok(present.remove(0));
        }
        Err(AdbError::ChooseApp {
            packages: adb.packages(serial, true).await?,
        }
        .into())
    }
}

/// The capture file: the device's facts, then each section verbatim
/// (`khata_phone::write_bundle`, the format its parser reads back).
fn bundle(c: &Captured) -> Vec<u8> {
    let meta = khata_phone::CaptureMeta {
        serial: Some(c.serial.clone()),
        model: c.model.clone(),
        android: c.android.clone(),
        sdk: c.sdk,
        utc_offset_min: Some(c.utc_offset_min),
        device_time_ms: Some(c.device_time_ms),
        package: c.package.clone(),
    };
    khata_phone::write_bundle(&meta, &c.sections)
}

/// Writes a capture into `dir` (created if needed) as `android-capture-<UTC time>.txt`, a
/// new file readable by the owner only; a capture in the same second gets `-2`, `-3`….
pub(crate) fn write_capture_file(dir: &Path, at_ms: i64, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ");
    let mut builder = tempfile::Builder::new();
    builder.prefix(".android-capture-").suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    for n in 1..1000 {
        let name = match n {
            1 => format!("android-capture-{stamp}.txt"),
            n => format!("android-capture-{stamp}-{n}.txt"),
        };
        let path = dir.join(name);
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error.into()),
        }
    }
    Err(EngineError::Io(format!(
        "no free capture file name in {}",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_files_are_new_private_and_named_by_time() {
        let dir = tempfile::tempdir().unwrap();
        let phone = dir.path().join(PHONE_DIR);
        let at = 1_796_194_440_123; // 2026-12-02 06:54:00.123 UTC
        let a = write_capture_file(&phone, at, b"first").unwrap();
        let b = write_capture_file(&phone, at, b"second").unwrap();
        assert_eq!(
            a.file_name().unwrap(),
            "android-capture-20261202T065400Z.txt"
        );
        assert_eq!(
            b.file_name().unwrap(),
            "android-capture-20261202T065400Z-2.txt"
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"first");
        assert_eq!(std::fs::read(&b).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Nothing else is left in the folder.
        assert_eq!(std::fs::read_dir(&phone).unwrap().count(), 2);
    }
}
