//! Importing what the borrower's own phone recorded: survey a file (format, apps, which
//! connected lender declares each, whether a time zone is needed), import one app's
//! observations with the raw file as evidence, and read back what is held.
//!
//! A file is streamed twice at most: once by the parser (observations and SHA-256 in one
//! pass) and once into the vault (which hashes it again and refuses a file that changed in
//! between). The parser and the vault copy keep flat memory, so a large bug report costs time,
//! not RAM.
//!
//! Which lender an import belongs to: the one asked for, else the one connected lender whose
//! discovery document declares the app (`apps: [{platform, id}]`), else the only connected
//! lender; otherwise the borrower is asked ([`EngineError::PhoneChooseLender`]).

use std::path::{Path, PathBuf};

use khata_evidence::phone::{Observation, PhoneSource, Platform, SourceFormat};
use khata_phone::{PhoneError, ReadOptions};
use khata_vault::{Vault, now_ms};

use super::Engine;
use crate::error::{EngineError, Result};
use crate::views::{PhoneAppSeen, PhoneImportSummary, PhoneSurvey, Progress};

/// An app a connected lender declares in its discovery document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredApp {
    pub lender_id: String,
    pub platform: Platform,
    pub id: String,
}

/// The apps each connected lender declares (`apps` of the stored discovery document, read as
/// JSON: a document without it, or with entries Khata does not know, declares nothing).
pub(crate) fn declared_apps(v: &Vault) -> Result<Vec<DeclaredApp>> {
    let mut out = Vec::new();
    for link in v.lender_links()? {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&link.discovery) else {
            continue;
        };
        for app in doc["apps"].as_array().into_iter().flatten() {
            let platform = match app["platform"].as_str() {
                Some(p) if p.eq_ignore_ascii_case("android") => Platform::Android,
                Some(p) if p.eq_ignore_ascii_case("ios") => Platform::Ios,
                _ => continue,
            };
            if let Some(id) = app["id"].as_str().filter(|id| !id.is_empty()) {
                out.push(DeclaredApp {
                    lender_id: link.lender_id.clone(),
                    platform,
                    id: id.to_owned(),
                });
            }
        }
    }
    Ok(out)
}

/// Whether `declared` names the app `id` on `platform`. Bundle ids and package names are
/// compared without regard to ASCII case (iOS treats bundle ids so).
fn declares(declared: &DeclaredApp, platform: Platform, id: &str) -> bool {
    declared.platform == platform && declared.id.eq_ignore_ascii_case(id)
}

/// The lender an import of `app` belongs to, or why the borrower must choose (design: the one
/// asked for; else the one connected lender declaring the app; else the only connected one).
fn choose_lender(
    connected: &[String],
    declared: &[DeclaredApp],
    platform: Platform,
    app: &str,
    asked: Option<&str>,
) -> Result<String> {
    if let Some(id) = asked {
        return if connected.iter().any(|c| c == id) {
            Ok(id.to_owned())
        } else {
            Err(EngineError::NotFound(format!("no connected lender {id}")))
        };
    }
    let mut declaring: Vec<&str> = declared
        .iter()
        .filter(|d| declares(d, platform, app))
        .map(|d| d.lender_id.as_str())
        .collect();
    declaring.sort_unstable();
    declaring.dedup();
    match (declaring.as_slice(), connected) {
        ([one], _) => Ok((*one).to_owned()),
        ([], [only]) => Ok(only.clone()),
        _ => Err(EngineError::PhoneChooseLender {
            app: app.to_owned(),
            lenders: if declaring.is_empty() {
                connected.to_vec()
            } else {
                declaring.iter().map(|s| s.to_string()).collect()
            },
        }),
    }
}

/// The platform a format belongs to.
fn platform_of(format: SourceFormat) -> Platform {
    match format {
        SourceFormat::IosAppPrivacyReport => Platform::Ios,
        _ => Platform::Android,
    }
}

/// This computer's UTC offset now, in minutes east: offered when a file's times carry none.
pub fn computer_utc_offset_min() -> i32 {
    use chrono::Offset;
    chrono::Local::now().offset().fix().local_minus_utc() / 60
}

/// A parser's refusal as the engine's error (codes `phone_…`, sentences for a borrower).
fn phone_error(e: PhoneError) -> EngineError {
    #[allow(unreachable_patterns)]
    match e {
        PhoneError::UnknownFormat { understood } => EngineError::PhoneUnknownFormat {
            understood: understood.into_iter().collect(),
        },
        PhoneError::NeedsUtcOffset => EngineError::PhoneNeedsTimeZone,
        PhoneError::ChooseApp { apps } => EngineError::PhoneChooseApp {
            apps: apps.into_iter().map(|a| a.id).collect(),
        },
        PhoneError::AppNotInFile { app, apps } => EngineError::PhoneAppNotInFile {
            app,
            apps: apps.into_iter().map(|a| a.id).collect(),
        },
        PhoneError::Io(m) => EngineError::Io(m),
        PhoneError::Zip(m) => {
            EngineError::InvalidInput(format!("The bug report zip could not be read: {m}"))
        }
        PhoneError::TooLarge { limit } => EngineError::InvalidInput(format!(
            "The file is larger than Khata reads ({} MB).",
            limit / 1_000_000
        )),
        other => EngineError::InvalidInput(other.to_string()),
    }
}

/// The format and platform of the file at `path`, from its first bytes and name.
fn detect_file(path: &Path) -> Result<SourceFormat> {
    use std::io::Read;
    let mut head = Vec::with_capacity(khata_phone::HEAD_BYTES);
    std::fs::File::open(path)?
        .take(khata_phone::HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    khata_phone::detect(&head, &name).map_err(phone_error)
}

/// Reads `opts.app`'s observations; when no app was asked for, the app a connected lender
/// declares for the file's platform is tried first, and the file's own single app after it
/// if that one is not in the file.
fn read_app(
    path: &Path,
    app: Option<String>,
    preferred: Option<String>,
    utc_offset_min: Option<i32>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<khata_phone::Reading> {
    let asked = app.is_some();
    let opts = ReadOptions {
        app: app.or(preferred),
        utc_offset_min,
    };
    match khata_phone::read_with_progress(path, &opts, progress) {
        Err(PhoneError::AppNotInFile { .. }) if !asked => {
            let opts = ReadOptions {
                app: None,
                utc_offset_min,
            };
            khata_phone::read_with_progress(path, &opts, progress).map_err(phone_error)
        }
        r => r.map_err(phone_error),
    }
}

fn connected_lenders(v: &Vault) -> Result<Vec<String>> {
    Ok(v.lender_links()?.into_iter().map(|l| l.lender_id).collect())
}

impl Engine {
    /// What the file at `path` holds, before anything is kept: its format, the apps it has
    /// records of (with the connected lender declaring each), the app and lender to preselect,
    /// whether a time zone is needed (and this computer's, to offer), and malformed lines.
    pub async fn phone_survey(&self, path: impl AsRef<Path>) -> Result<PhoneSurvey> {
        let path = path.as_ref().to_path_buf();
        let survey = tokio::task::spawn_blocking(move || khata_phone::survey(&path))
            .await?
            .map_err(phone_error)?;
        let (declared, connected) = self
            .with_vault(|v| Ok((declared_apps(v)?, connected_lenders(v)?)))
            .await?;
        let apps: Vec<PhoneAppSeen> = survey
            .apps
            .iter()
            .map(|a| {
                let mut lenders = declared
                    .iter()
                    .filter(|d| declares(d, survey.platform, &a.id))
                    .map(|d| d.lender_id.clone());
                // Declared by exactly one lender, or it is not the borrower's to assume.
                let declared_by = match (lenders.next(), lenders.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                };
                PhoneAppSeen {
                    id: a.id.clone(),
                    records: a.records,
                    declared_by,
                }
            })
            .collect();
        let suggested_app = apps
            .iter()
            .find(|a| a.declared_by.is_some())
            .or(match apps.as_slice() {
                [only] => Some(only),
                _ => None,
            })
            .map(|a| a.id.clone());
        let suggested_lender = suggested_app
            .as_deref()
            .and_then(|app| choose_lender(&connected, &declared, survey.platform, app, None).ok());
        Ok(PhoneSurvey {
            format: survey.format,
            platform: survey.platform,
            apps,
            suggested_app,
            suggested_lender,
            needs_utc_offset: survey.needs_utc_offset,
            computer_utc_offset_min: computer_utc_offset_min(),
            lines: survey.lines,
            malformed_lines: survey.malformed_lines,
            malformed_first: survey.malformed_first,
            covers_from: survey.covers_from,
            covers_to: survey.covers_to,
        })
    }

    /// Imports one app's observations from the file at `path`, with the file itself as
    /// evidence, in one vault transaction with one `phone.import` ledger entry. The same file
    /// again adds nothing (`new: false`). `app`: the lender's app (else the one a connected
    /// lender declares, else the file's only app); `lender_id`: see the module's lender choice;
    /// `utc_offset_min`: the phone's time zone for Android files whose times carry none.
    /// Nothing is kept when any step fails.
    pub async fn phone_import(
        &self,
        path: impl AsRef<Path>,
        app: Option<String>,
        lender_id: Option<String>,
        utc_offset_min: Option<i32>,
        progress: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Result<PhoneImportSummary> {
        let path: PathBuf = path.as_ref().to_path_buf();
        let (declared, connected) = self
            .with_vault(|v| Ok((declared_apps(v)?, connected_lenders(v)?)))
            .await?;
        let progress = std::sync::Arc::new(progress);
        let report = progress.clone();
        let (reading, lender) = {
            let path = path.clone();
            let lender_id = lender_id.clone();
            tokio::task::spawn_blocking(move || -> Result<_> {
                let platform = platform_of(detect_file(&path)?);
                // The app a connected lender (the one asked for, if any) declares for this
                // platform, when there is exactly one such app.
                let mut preferred: Vec<&DeclaredApp> = declared
                    .iter()
                    .filter(|d| d.platform == platform)
                    .filter(|d| lender_id.as_deref().is_none_or(|l| d.lender_id == l))
                    .collect();
                preferred.dedup_by(|a, b| a.id.eq_ignore_ascii_case(&b.id));
                let preferred = match preferred.as_slice() {
                    [one] => Some(one.id.clone()),
                    _ => None,
                };
                let reading =
                    read_app(&path, app, preferred, utc_offset_min, &mut |done, total| {
                        report(Progress {
                            task: "phone".into(),
                            phase: "reading".into(),
                            done,
                            total: Some(total),
                        })
                    })?;
                let lender = choose_lender(
                    &connected,
                    &declared,
                    reading.source.platform,
                    &reading.source.app,
                    lender_id.as_deref(),
                )?;
                Ok((reading, lender))
            })
            .await??
        };
        let khata_phone::Reading {
            source,
            observations,
            malformed_first,
        } = reading;
        let source = PhoneSource {
            imported_at: now_ms(),
            lender_id: Some(lender),
            ..source
        };
        let total = source.bytes;
        progress(Progress {
            task: "phone".into(),
            phase: "storing".into(),
            done: 0,
            total: Some(total),
        });
        let summary = self
            .with_vault(move |v| {
                let file = std::fs::File::open(&path)?;
                let mut raw = std::io::BufReader::with_capacity(1 << 16, file);
                let done = v.import_phone(&source, &observations, &mut raw)?;
                if done.new {
                    return Ok(PhoneImportSummary {
                        observations: observations.len() as u64,
                        source,
                        new: true,
                        malformed_first,
                    });
                }
                // Already held: what the vault has of it, as first imported.
                let held = v.phone_source(&source.sha256)?.unwrap_or(source);
                let kept = v
                    .phone_observations()?
                    .iter()
                    .filter(|o| o.source == held.sha256)
                    .count() as u64;
                Ok(PhoneImportSummary {
                    source: held,
                    new: false,
                    observations: kept,
                    malformed_first,
                })
            })
            .await?;
        progress(Progress {
            task: "phone".into(),
            phase: "done".into(),
            done: total,
            total: Some(total),
        });
        Ok(summary)
    }

    /// Every phone source held, in the order imported.
    pub async fn phone_sources(&self) -> Result<Vec<PhoneSource>> {
        self.with_vault(|v| Ok(v.phone_sources()?)).await
    }

    /// Every observation held, source by source.
    pub async fn phone_observations(&self) -> Result<Vec<Observation>> {
        self.with_vault(|v| Ok(v.phone_observations()?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(lender: &str, platform: Platform, id: &str) -> DeclaredApp {
        DeclaredApp {
            lender_id: lender.into(),
            platform,
            id: id.into(),
        }
    }

    #[test]
    fn the_lender_is_the_one_asked_the_declaring_one_or_the_only_one() {
        let connected = vec!["a".to_string(), "b".to_string()];
        let declared = [
            app("a", Platform::Android, "in.a.app"),
            app("b", Platform::Ios, "in.a.app"),
        ];
        let choose = |platform, id: &str, asked: Option<&str>| {
            choose_lender(&connected, &declared, platform, id, asked)
        };
        // Declared by one lender on that platform (case aside).
        assert_eq!(choose(Platform::Android, "IN.A.APP", None).unwrap(), "a");
        assert_eq!(choose(Platform::Ios, "in.a.app", None).unwrap(), "b");
        // Asked for: that lender, if connected.
        assert_eq!(
            choose(Platform::Android, "in.a.app", Some("b")).unwrap(),
            "b"
        );
        assert_eq!(
            choose(Platform::Android, "x", Some("c"))
                .unwrap_err()
                .code(),
            "not_found"
        );
        // Nobody declares it and two are connected: the borrower chooses between them.
        match choose(Platform::Android, "in.other", None).unwrap_err() {
            EngineError::PhoneChooseLender { app, lenders } => {
                assert_eq!(app, "in.other");
                assert_eq!(lenders, ["a", "b"]);
            }
            e => panic!("{e}"),
        }
        // Only one connected: that one.
        let only = vec!["a".to_string()];
        assert_eq!(
            choose_lender(&only, &[], Platform::Android, "in.other", None).unwrap(),
            "a"
        );
        // Two declare the same app: asked, between those two.
        let both = [
            app("a", Platform::Android, "in.a.app"),
            app("b", Platform::Android, "in.a.app"),
        ];
        let e = choose_lender(&connected, &both, Platform::Android, "in.a.app", None).unwrap_err();
        assert_eq!(e.code(), "phone_choose_lender");
        // None connected at all.
        assert_eq!(
            choose_lender(&[], &[], Platform::Ios, "x", None)
                .unwrap_err()
                .code(),
            "phone_choose_lender"
        );
    }

    #[test]
    fn parser_refusals_keep_their_codes() {
        let apps = vec![khata_phone::AppSeen {
            id: "in.a".into(),
            records: 3,
        }];
        let cases = [
            (
                PhoneError::UnknownFormat {
                    understood: vec![SourceFormat::IosAppPrivacyReport],
                },
                "phone_unknown_format",
            ),
            (PhoneError::NeedsUtcOffset, "phone_needs_time_zone"),
            (
                PhoneError::ChooseApp { apps: apps.clone() },
                "phone_choose_app",
            ),
            (
                PhoneError::AppNotInFile {
                    app: "in.b".into(),
                    apps,
                },
                "phone_app_not_in_file",
            ),
            (PhoneError::Io("gone".into()), "io"),
            (PhoneError::TooLarge { limit: 1 }, "invalid_input"),
        ];
        for (e, code) in cases {
            let e = phone_error(e);
            assert_eq!(e.code(), code, "{e}");
            assert!(!e.to_string().is_empty());
        }
        let e = phone_error(PhoneError::UnknownFormat {
            understood: vec![SourceFormat::IosAppPrivacyReport],
        });
        assert!(e.to_string().contains("iOS App Privacy Report"), "{e}");
    }
}
