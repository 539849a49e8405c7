//! Where Khata keeps its files. Each OS's conventional app-data folder by default;
//! `KHATA_DATA_DIR` overrides it (tests, portable installs) so nothing touches a user's real vault.

use std::path::{Path, PathBuf};

/// The folders the app writes to.
#[derive(Debug, Clone)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// `override_dir` (from `KHATA_DATA_DIR`) wins; otherwise the OS folders Tauri resolved.
    pub fn resolve(
        override_dir: Option<PathBuf>,
        os_data_dir: PathBuf,
        os_log_dir: PathBuf,
    ) -> Self {
        match override_dir {
            Some(dir) => Self {
                log_dir: dir.join("logs"),
                data_dir: dir,
            },
            None => Self {
                data_dir: os_data_dir,
                log_dir: os_log_dir,
            },
        }
    }

    pub fn vault_file(&self) -> PathBuf {
        self.data_dir.join(khata_engine::VAULT_FILE)
    }

    pub fn ensure_exist(&self) -> std::io::Result<()> {
        for dir in [&self.data_dir, &self.log_dir] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(())
    }
}

/// Reads the `KHATA_DATA_DIR` override, ignoring an empty value.
pub fn data_dir_override() -> Option<PathBuf> {
    std::env::var_os("KHATA_DATA_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Shown to the user; a path inside the home folder is shortened to `~/…`.
pub fn display_path(path: &Path) -> String {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    match home
        .as_deref()
        .and_then(|home| path.strip_prefix(home).ok())
    {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_puts_logs_beside_the_vault() {
        let paths = AppPaths::resolve(Some("/tmp/k".into()), "/os/data".into(), "/os/logs".into());
        assert_eq!(
            paths.vault_file(),
            PathBuf::from("/tmp/k").join(khata_engine::VAULT_FILE)
        );
        assert_eq!(paths.log_dir, PathBuf::from("/tmp/k/logs"));
    }

    #[test]
    fn os_folders_are_used_without_override() {
        let paths = AppPaths::resolve(None, "/os/data".into(), "/os/logs".into());
        assert_eq!(
            paths.vault_file(),
            PathBuf::from("/os/data").join(khata_engine::VAULT_FILE)
        );
        assert_eq!(paths.log_dir, PathBuf::from("/os/logs"));
    }
}
