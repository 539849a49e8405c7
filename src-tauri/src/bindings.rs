//! TypeScript types for the UI, generated from the Rust types with ts-rs so they are never
//! written twice, and the files generated from the list of commands ([`command_files`]: the UI's
//! `api.ts`, the capability, the list `build.rs` reads). `make bindings` rewrites them all; the
//! test below fails when a committed file is stale.

pub mod command_files;

use std::path::PathBuf;
use ts_rs::{Config, TS};

/// Every type the UI receives or sends: (file name, generated TypeScript).
pub fn all() -> Vec<(PathBuf, String)> {
    let cfg = Config::from_env();
    macro_rules! render {
        ($($ty:ty),+ $(,)?) => {
            vec![$((
                <$ty as TS>::output_path().expect("exportable type"),
                <$ty as TS>::export_to_string(&cfg).expect("renders"),
            )),+]
        };
    }
    let mut files = render![
        crate::error::AppError,
        crate::error::ErrorCode,
        crate::commands::app::AppInfo,
        crate::commands::app::BuildProfile,
        crate::commands::vault::VaultAccess,
        crate::commands::vault::UnlockRequest,
        crate::commands::verify::VerifyOutcome,
        crate::commands::updates::UpdateSettings,
        crate::commands::updates::UpdateInfo,
        khata_engine::audit::verify::VerifyReport,
        khata_engine::audit::verify::LenderTrust,
        khata_engine::audit::verify::KeyTrust,
        khata_engine::audit::verify::KeyFingerprint,
        khata_engine::audit::verify::SequenceGap,
    ];
    files.extend(khata_engine::ts_types());
    files
}

/// The folder the bindings live in, from `TS_RS_EXPORT_DIR` (set in `.cargo/config.toml`).
pub fn export_dir() -> PathBuf {
    PathBuf::from(option_env!("TS_RS_EXPORT_DIR").unwrap_or("ui/src/lib/bindings"))
}

/// Every generated file: (path, contents). Relative paths start at the repository root.
pub fn generated_files() -> Vec<(PathBuf, String)> {
    let dir = export_dir();
    let mut files: Vec<_> = all()
        .into_iter()
        .map(|(file, contents)| (dir.join(file), contents))
        .collect();
    let specs = crate::commands::specs(&Config::from_env());
    let api = dir.parent().unwrap_or(&dir).join("api.ts");
    files.push((api, command_files::api_ts(&specs)));
    files.push((
        command_files::CAPABILITY_FILE.into(),
        command_files::capability(&specs),
    ));
    files.push((
        command_files::COMMAND_LIST_FILE.into(),
        command_files::command_list(&specs),
    ));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `KHATA_WRITE_BINDINGS=1` this writes the files instead (that is `make bindings`).
    #[test]
    fn generated_bindings_are_up_to_date() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let write = std::env::var_os("KHATA_WRITE_BINDINGS").is_some();
        let mut stale = Vec::new();
        for (file, contents) in generated_files() {
            let path = root.join(&file);
            if write {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &contents).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
                let shown = path.strip_prefix(&root).unwrap_or(&path);
                stale.push(shown.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files {stale:?}: run `make bindings` and commit"
        );
    }
}
