//! Opening the vault: whether it is open, and unlocking it when the keychain cannot
//! (passphrase, recovery key). The UI shows its unlock screen from [`VaultAccess`].

use std::sync::Arc;

use khata_engine::{CustodyView, Engine, VaultProbe, VaultUnlock};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::error::{AppError, CommandResult};
use crate::state::AppState;

/// Whether the vault is open, and if not, why and what kind of vault is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct VaultAccess {
    pub open: bool,
    /// Where the key is kept, once open.
    pub custody: Option<CustodyView>,
    pub probe: VaultProbe,
    /// Why the vault is not open (`keychain_unavailable`, `passphrase_required`,
    /// `key_missing`, `vault_locked`, …), as a sentence to show.
    pub problem: Option<AppError>,
}

/// How the borrower chose to unlock. Secrets are wiped from memory after use.
#[derive(Deserialize, TS)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum UnlockRequest {
    /// Try the OS keychain again (e.g. after unlocking the login keyring).
    Keychain,
    /// Open a passphrase vault, or on first run create the vault under this passphrase.
    Passphrase { passphrase: String },
    /// Open with the recovery key; keep the key in the keychain, or under `new_passphrase`.
    RecoveryKey {
        recovery_key: String,
        new_passphrase: Option<String>,
    },
}

impl std::fmt::Debug for UnlockRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Keychain => "Keychain",
            Self::Passphrase { .. } => "Passphrase(…)",
            Self::RecoveryKey { .. } => "RecoveryKey(…)",
        })
    }
}

fn secret(s: String) -> khata_engine::Secret {
    Arc::new(Zeroizing::new(s))
}

impl From<UnlockRequest> for VaultUnlock {
    fn from(r: UnlockRequest) -> Self {
        match r {
            UnlockRequest::Keychain => VaultUnlock::Keychain,
            UnlockRequest::Passphrase { passphrase } => VaultUnlock::Passphrase(secret(passphrase)),
            UnlockRequest::RecoveryKey {
                recovery_key,
                new_passphrase,
            } => VaultUnlock::RecoveryKey {
                recovery_key: secret(recovery_key),
                new_passphrase: new_passphrase.filter(|p| !p.is_empty()).map(secret),
            },
        }
    }
}

fn access(state: &AppState, opened: CommandResult<Arc<Engine>>) -> CommandResult<VaultAccess> {
    let probe = Engine::probe(&state.paths.data_dir)?;
    Ok(match opened {
        Ok(engine) => VaultAccess {
            open: true,
            custody: Some(engine.custody()),
            probe,
            problem: None,
        },
        Err(problem) => VaultAccess {
            open: false,
            custody: None,
            probe,
            problem: Some(problem),
        },
    })
}

/// Opens the vault the usual way (OS keychain) and says whether that worked.
pub async fn vault_access(state: State<'_, AppState>) -> CommandResult<VaultAccess> {
    let opened = state.engine().await;
    access(&state, opened)
}

/// Opens the vault the way the borrower chose on the unlock screen.
pub async fn unlock_vault(
    state: State<'_, AppState>,
    request: UnlockRequest,
) -> CommandResult<VaultAccess> {
    tracing::info!(method = ?request, "unlock requested");
    let opened = state.open_engine(request.into()).await;
    access(&state, opened)
}
