//! The apps a lender's discovery document declares (`apps: [{platform, id}]`), checked before the
//! document is kept. The ids are lender text: the engine stores them, matches them against the
//! app names in a phone's records, and the UI and the CLI show them. A hostile lender could put
//! megabytes, newlines, terminal escapes or bidi overrides there, or a thousand entries; so an id
//! must look like what the phone itself would record — an Android package name or an iOS bundle
//! id, bounded in length — and the list is short. A document that breaks these rules is refused
//! like any other malformed discovery document, never silently trimmed, so what is kept is what
//! the lender published.

use crate::types::{AppPlatform, LenderApp};

/// Most apps one discovery document may declare (a lender has one or two per platform).
pub const MAX_APPS: usize = 16;
/// Android's own limit on a package name's length (the framework refuses longer ones).
pub const MAX_ANDROID_ID_CHARS: usize = 223;
/// App Store Connect's limit on a bundle id's length.
pub const MAX_IOS_ID_CHARS: usize = 155;

/// Why a declared app was refused. Never quotes the id: it is the hostile part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppIdError {
    #[error("the discovery document declares {0} apps; at most {MAX_APPS} are accepted")]
    TooMany(usize),
    #[error("apps[{index}]: the id is empty or longer than {max} characters")]
    Length { index: usize, max: usize },
    #[error(
        "apps[{index}]: not an Android package name (dot-separated parts of letters, digits and \
         underscores, each starting with a letter, at least two parts)"
    )]
    Android { index: usize },
    #[error(
        "apps[{index}]: not an iOS bundle id (dot-separated parts of letters, digits and hyphens)"
    )]
    Ios { index: usize },
}

/// Checks every declared app (see the module's doc); the first fault found.
pub fn check(apps: &[LenderApp]) -> Result<(), AppIdError> {
    if apps.len() > MAX_APPS {
        return Err(AppIdError::TooMany(apps.len()));
    }
    for (index, app) in apps.iter().enumerate() {
        check_one(index, app)?;
    }
    Ok(())
}

/// Whether `id` could be an app id on `platform` (for ids that come from elsewhere, e.g. one
/// the borrower typed).
pub fn is_valid_id(platform: AppPlatform, id: &str) -> bool {
    check_one(
        0,
        &LenderApp {
            platform,
            id: id.to_owned(),
        },
    )
    .is_ok()
}

fn check_one(index: usize, app: &LenderApp) -> Result<(), AppIdError> {
    let id = app.id.as_str();
    let max = match app.platform {
        AppPlatform::Android => MAX_ANDROID_ID_CHARS,
        AppPlatform::Ios => MAX_IOS_ID_CHARS,
    };
    // Every accepted character is ASCII, so bytes count characters; a longer string is refused
    // before its characters are looked at.
    if id.is_empty() || id.len() > max {
        return Err(AppIdError::Length { index, max });
    }
    let parts = id.split('.');
    let ok = match app.platform {
        AppPlatform::Android => {
            id.contains('.')
                && parts.into_iter().all(|p| {
                    p.starts_with(|c: char| c.is_ascii_alphabetic())
                        && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        }
        AppPlatform::Ios => parts
            .into_iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')),
    };
    match (ok, app.platform) {
        (true, _) => Ok(()),
        (false, AppPlatform::Android) => Err(AppIdError::Android { index }),
        (false, AppPlatform::Ios) => Err(AppIdError::Ios { index }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Discovery;

    fn app(platform: AppPlatform, id: &str) -> LenderApp {
        LenderApp {
            platform,
            id: id.into(),
        }
    }

    #[test]
    fn real_app_ids_pass() {
        let apps = [
            app(AppPlatform::Android, "in.khata.sandbox.lender"),
            app(AppPlatform::Android, "com.example.loan_app2"),
            app(AppPlatform::Ios, "in.khata.sandbox.Lender"),
            app(AppPlatform::Ios, "com.example.Loan-App"),
            app(AppPlatform::Ios, "Lender"),
        ];
        assert_eq!(check(&apps), Ok(()));
        assert_eq!(check(&[]), Ok(()));
        assert!(is_valid_id(AppPlatform::Android, "a.b"));
        assert!(!is_valid_id(AppPlatform::Android, "ab"));
    }

    #[test]
    fn hostile_and_malformed_ids_are_refused_without_being_quoted() {
        let long_android = format!("a.{}", "b".repeat(MAX_ANDROID_ID_CHARS - 1));
        let long_ios = "c".repeat(MAX_IOS_ID_CHARS + 1);
        let cases = [
            (
                app(AppPlatform::Android, ""),
                AppIdError::Length {
                    index: 0,
                    max: MAX_ANDROID_ID_CHARS,
                },
            ),
            (
                app(AppPlatform::Android, &long_android),
                AppIdError::Length {
                    index: 0,
                    max: MAX_ANDROID_ID_CHARS,
                },
            ),
            (
                app(AppPlatform::Ios, &long_ios),
                AppIdError::Length {
                    index: 0,
                    max: MAX_IOS_ID_CHARS,
                },
            ),
            (
                app(AppPlatform::Android, "nodot"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Android, "com..x"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Android, "com.1x"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Android, "com.ex-ample"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Android, "com.x\n2026-01-01 INFO forged"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Android, "com.x\u{1b}[2J"),
                AppIdError::Android { index: 0 },
            ),
            (
                app(AppPlatform::Ios, "com.x\u{202E}gnp"),
                AppIdError::Ios { index: 0 },
            ),
            (
                app(AppPlatform::Ios, "com.éxample"),
                AppIdError::Ios { index: 0 },
            ),
            (
                app(AppPlatform::Ios, ".com.x"),
                AppIdError::Ios { index: 0 },
            ),
            (app(AppPlatform::Ios, "com x"), AppIdError::Ios { index: 0 }),
        ];
        for (bad, want) in cases {
            let got = check(std::slice::from_ref(&bad)).unwrap_err();
            assert_eq!(got, want, "{:?}", bad.id);
            let message = got.to_string();
            assert!(
                bad.id.len() < 3 || !message.contains(&bad.id),
                "the message quotes the id: {message}"
            );
        }
        // The index says which entry; the first fault is reported.
        let mixed = [
            app(AppPlatform::Ios, "ok.app"),
            app(AppPlatform::Android, "bad"),
        ];
        assert_eq!(check(&mixed), Err(AppIdError::Android { index: 1 }));
        let many = vec![app(AppPlatform::Android, "a.b"); MAX_APPS + 1];
        assert_eq!(check(&many), Err(AppIdError::TooMany(MAX_APPS + 1)));
        assert_eq!(check(&many[..MAX_APPS]), Ok(()));
    }

    #[test]
    fn apps_are_optional_on_the_wire_and_strict_in_shape() {
        let base = r#"{"lenderId":"L","name":"N","apiBase":"https://l.example","authorizationEndpoint":"https://l.example/a","tokenEndpoint":"https://l.example/t","specVersion":"2.0","keys":[]"#;
        let without: Discovery = serde_json::from_str(&format!("{base}}}")).unwrap();
        assert!(without.apps.is_empty());
        // An empty list is not written, so a document without apps keeps its bytes.
        assert!(!serde_json::to_string(&without).unwrap().contains("apps"));
        let with: Discovery = serde_json::from_str(&format!(
            r#"{base},"apps":[{{"platform":"android","id":"in.khata.sandbox.lender"}},{{"platform":"ios","id":"in.khata.sandbox.Lender"}}]}}"#
        ))
        .unwrap();
        assert_eq!(
            with.apps,
            [
                app(AppPlatform::Android, "in.khata.sandbox.lender"),
                app(AppPlatform::Ios, "in.khata.sandbox.Lender")
            ]
        );
        assert!(
            serde_json::to_string(&with)
                .unwrap()
                .contains(r#""platform":"ios""#)
        );
        for bad in [
            r#"{"platform":"windows","id":"a.b"}"#,
            r#"{"platform":"android","id":"a.b","extra":1}"#,
            r#"{"platform":"android"}"#,
        ] {
            assert!(
                serde_json::from_str::<Discovery>(&format!(r#"{base},"apps":[{bad}]}}"#)).is_err(),
                "{bad}"
            );
        }
    }
}
