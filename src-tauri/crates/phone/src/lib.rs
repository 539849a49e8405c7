//! Readers of what the borrower's own phone recorded a lender's app doing: iOS's App Privacy
//! Report and Android's app-ops, permission state, discrete history and bug reports, and
//! Khata's own adb capture bundle. One streaming pass per call, in memory that does not grow
//! with the file: [`survey`] says what a file holds (format, apps, span, malformed lines) so
//! the borrower can choose; [`read`] keeps one app's observations, aggregated, with the
//! file's SHA-256 computed from the very bytes parsed.
//!
//! Pure: files in, [`khata_evidence::phone`] types out. The engine runs adb, stores the raw
//! file and the observations, and the audit rules read them.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use khata_evidence::phone::{
    Device, Observation, OffsetFrom, PhoneSource, Platform, SourceFormat, SourceLimit,
};
use serde::Serialize;

mod android;
mod bundle;
mod collect;
mod detect;
mod error;
mod input;
mod ios;

pub use bundle::{
    CaptureMeta, MAGIC as BUNDLE_MAGIC, capture_sections, format_offset, is_package_name,
    parse_offset, write_bundle,
};
pub use collect::MALFORMED_NAMED;
pub use detect::{HEAD_BYTES, UNDERSTOOD, detect, format_id};
pub use error::PhoneError;
pub use input::MAX_SOURCE_BYTES;

use collect::Collector;

/// What [`read`] is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The app whose records are kept (bundle id or package name). `None`: the file's only
    /// app, else [`PhoneError::ChooseApp`].
    pub app: Option<String>,
    /// The UTC offset (minutes east) to read device-local times in, for formats whose times
    /// carry none (Android dumpsys saved as a file). Ignored where the file has its own.
    pub utc_offset_min: Option<i32>,
}

/// An app with records in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSeen {
    pub id: String,
    pub records: u64,
}

/// What a file holds, before anything is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    pub format: SourceFormat,
    pub platform: Platform,
    /// Most records first.
    pub apps: Vec<AppSeen>,
    pub lines: u64,
    pub malformed_lines: u64,
    /// The first [`MALFORMED_NAMED`] malformed line numbers (1-based).
    pub malformed_first: Vec<u64>,
    /// The span of every app's records (Unix ms). For a file whose times carry no offset,
    /// read as if UTC (the offset shifts it by at most ±14 h).
    pub covers_from: Option<i64>,
    pub covers_to: Option<i64>,
    /// The times carry no UTC offset: [`read`] needs [`ReadOptions::utc_offset_min`].
    pub needs_utc_offset: bool,
    pub device: Device,
    pub captured_at: Option<i64>,
}

/// One app's observations from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    /// The source, but for what only the caller knows: `imported_at` is 0 and `lender_id`
    /// `None` until the engine fills them.
    pub source: PhoneSource,
    pub observations: Vec<Observation>,
    /// The first [`MALFORMED_NAMED`] malformed line numbers (1-based).
    pub malformed_first: Vec<u64>,
}

/// What a format's pass learnt about the source besides its records.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub platform: Platform,
    pub device: Device,
    pub captured_at: Option<i64>,
    /// The offset local times were read in (`None`: every time carried its own).
    pub utc_offset_min: Option<i32>,
    pub offset_from: OffsetFrom,
    /// Local times without an offset were met and none was given.
    pub needs_utc_offset: bool,
    pub limits: Vec<SourceLimit>,
}

/// What one pass returns besides the collector's contents.
struct Pass {
    facts: Facts,
    bytes: u64,
    sha256: String,
}

/// What the file at `path` holds: one streaming pass, nothing kept.
pub fn survey(path: &Path) -> Result<Survey, PhoneError> {
    let (file, format) = open(path)?;
    let mut c = Collector::survey();
    let pass = run(format, file, &mut c, None, &mut |_| {})?;
    Ok(Survey {
        format,
        platform: pass.facts.platform,
        apps: c.tally.apps(),
        lines: c.tally.lines,
        malformed_lines: c.tally.malformed,
        malformed_first: c.tally.malformed_first.clone(),
        covers_from: c.tally.from,
        covers_to: c.tally.to,
        needs_utc_offset: pass.facts.needs_utc_offset,
        device: pass.facts.device,
        captured_at: pass.facts.captured_at,
    })
}

/// The observations of `opts.app` in the file at `path`, its SHA-256 (same pass) and its
/// source.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Reading, PhoneError> {
    read_with_progress(path, opts, &mut |_, _| {})
}

/// [`read`], telling `progress(bytes_read, file_bytes)` as it goes (about every 256 KiB).
pub fn read_with_progress(
    path: &Path,
    opts: &ReadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Reading, PhoneError> {
    let (file, format) = open(path)?;
    let total = file.metadata()?.len();
    let mut c = Collector::reading(opts.app.clone());
    let pass = run(format, file, &mut c, opts.utc_offset_min, &mut |n| {
        progress(n, total)
    })?;
    if pass.facts.needs_utc_offset {
        return Err(PhoneError::NeedsUtcOffset);
    }
    let apps = c.tally.apps();
    let app = match &opts.app {
        Some(app) if c.tally.records_of(app) > 0 => app.clone(),
        Some(app) => {
            return Err(PhoneError::AppNotInFile {
                app: app.clone(),
                apps,
            });
        }
        None if apps.len() == 1 => apps[0].id.clone(),
        None => return Err(PhoneError::ChooseApp { apps }),
    };
    let source = PhoneSource {
        sha256: pass.sha256.clone(),
        format,
        platform: pass.facts.platform,
        file_name: file_name(path),
        bytes: pass.bytes,
        captured_at: pass.facts.captured_at,
        imported_at: 0,
        device: pass.facts.device,
        utc_offset_min: pass.facts.utc_offset_min,
        offset_from: pass.facts.offset_from,
        app: app.clone(),
        lender_id: None,
        covers_from: c.tally.from,
        covers_to: c.tally.to,
        records: c.tally.records_of(&app),
        malformed_lines: c.tally.malformed,
        limits: pass.facts.limits,
    };
    let malformed_first = c.tally.malformed_first.clone();
    let observations = c.finish(&pass.sha256, &app, source.platform);
    Ok(Reading {
        source,
        observations,
        malformed_first,
    })
}

/// The file, positioned at its start, and its format.
fn open(path: &Path) -> Result<(File, SourceFormat), PhoneError> {
    let mut file = File::open(path)?;
    if file.metadata()?.len() > MAX_SOURCE_BYTES {
        return Err(PhoneError::TooLarge {
            limit: MAX_SOURCE_BYTES,
        });
    }
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    let format = detect(&head, &file_name(path))?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, format))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One pass of `format` over `file` into `c`.
fn run(
    format: SourceFormat,
    file: File,
    c: &mut Collector,
    utc_offset_min: Option<i32>,
    progress: &mut dyn FnMut(u64),
) -> Result<Pass, PhoneError> {
    if format != SourceFormat::IosAppPrivacyReport {
        return run_android(format, file, c, utc_offset_min, progress);
    }
    let mut lines = input::LineReader::new(file, MAX_SOURCE_BYTES, progress);
    ios::parse(&mut lines, c)?;
    let (bytes, sha256) = lines.finish()?;
    Ok(Pass {
        facts: Facts {
            platform: Platform::Ios,
            device: Device::default(),
            captured_at: None,
            utc_offset_min: None,
            offset_from: OffsetFrom::InFile,
            needs_utc_offset: false,
            limits: vec![
                SourceLimit::UseNotContent,
                SourceLimit::SevenDays,
                SourceLimit::IosNoSmsOrCallLog,
            ],
        },
        bytes,
        sha256,
    })
}

/// One pass of an Android format. Saved files' relative times count from the file's
/// modification time; a capture's and a bug report's from the phone's clock they recorded.
fn run_android(
    format: SourceFormat,
    mut file: File,
    c: &mut Collector,
    utc_offset_min: Option<i32>,
    progress: &mut dyn FnMut(u64),
) -> Result<Pass, PhoneError> {
    use android::{ClockFrom, Ctx, drive};

    let mtime = file
        .metadata()?
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    let mut ctx = Ctx::new(utc_offset_min, mtime, ClockFrom::FileTime);
    ctx.default_app = c.app().map(str::to_string);
    let mut limits = vec![SourceLimit::UseNotContent];
    let mut device = Device::default();
    let mut captured_at = mtime;
    let mut offset_from_device = false;

    let text = |file: File,
                reader: &mut dyn android::TextReader,
                ctx: &mut Ctx,
                c: &mut Collector,
                progress: &mut dyn FnMut(u64)| {
        let mut lines = input::LineReader::new(file, MAX_SOURCE_BYTES, progress);
        drive(&mut lines, reader, ctx, c)?;
        lines.finish()
    };

    let (bytes, sha256) = match format {
        SourceFormat::AndroidBugreport => {
            let mut magic = [0u8; 4];
            let n = file.read(&mut magic)?;
            file.seek(SeekFrom::Start(0))?;
            let mut r = android::bugreport::Bugreport::new();
            let out = if n == 4 && &magic == b"PK\x03\x04" {
                android::bugreport::read_zip(file, &mut r, &mut ctx, c, progress)?
            } else {
                text(file, &mut r, &mut ctx, c, progress)?
            };
            if r.found.appops {
                limits.push(SourceLimit::LastAccessOnly);
            }
            if r.found.package {
                limits.push(SourceLimit::PermissionsNotUse);
            }
            device = r.found.device;
            captured_at = r.found.taken_at.or(captured_at);
            out
        }
        SourceFormat::AndroidCapture => {
            let mut r = bundle::BundleReader::new();
            let out = text(file, &mut r, &mut ctx, c, progress)?;
            if r.appops {
                limits.push(SourceLimit::LastAccessOnly);
            }
            if r.discrete {
                limits.push(SourceLimit::DiscreteRecentOnly);
            }
            if r.package {
                limits.push(SourceLimit::PermissionsNotUse);
            }
            device = Device {
                serial: r.meta.serial,
                model: r.meta.model,
                os_version: r.meta.android,
            };
            captured_at = r.meta.device_time_ms.or(captured_at);
            offset_from_device = r.offset_from_device;
            out
        }
        SourceFormat::AndroidAppops | SourceFormat::AndroidDiscreteHistory => {
            limits.push(if format == SourceFormat::AndroidAppops {
                SourceLimit::LastAccessOnly
            } else {
                SourceLimit::DiscreteRecentOnly
            });
            let mut r = android::appops::Appops::new();
            text(file, &mut r, &mut ctx, c, progress)?
        }
        SourceFormat::AndroidAppopsCmd => {
            limits.push(SourceLimit::LastAccessOnly);
            let mut r = android::cmd::Cmd::new(ctx.default_app.clone());
            text(file, &mut r, &mut ctx, c, progress)?
        }
        SourceFormat::AndroidPackage => {
            limits.push(SourceLimit::PermissionsNotUse);
            let mut r = android::package::Package::new();
            text(file, &mut r, &mut ctx, c, progress)?
        }
        SourceFormat::IosAppPrivacyReport => unreachable!("read by `run`"),
    };

    if ctx.used_local && !offset_from_device {
        limits.push(SourceLimit::OffsetNotInFile);
    }
    if ctx.used_clock && ctx.clock_from == ClockFrom::FileTime {
        limits.push(SourceLimit::ClockFromFileTime);
    }
    let offset_from = if offset_from_device {
        OffsetFrom::Device
    } else if ctx.used_local {
        OffsetFrom::Assumed
    } else {
        OffsetFrom::CaptureClock
    };
    Ok(Pass {
        facts: Facts {
            platform: Platform::Android,
            device,
            captured_at,
            utc_offset_min: (offset_from_device || ctx.used_local)
                .then_some(ctx.offset)
                .flatten(),
            offset_from,
            needs_utc_offset: ctx.needs_offset,
            limits,
        },
        bytes,
        sha256,
    })
}
