//! The audit, as the engine offers it: the rules, findings and the offline verifier are pure
//! and live in `khata-evidence` (re-exported here, so `khata_engine::audit::…` paths keep
//! working); this module adds what needs the vault — reading it into the rules' input
//! ([`load`]) and [`Engine::audit`](crate::Engine::audit). Findings are data; the UI words
//! them in the reader's language, the `khata` command line in English for the terminal.

pub mod load;

pub use khata_evidence::audit::*;
pub use khata_evidence::verify;

impl crate::Engine {
    /// Audits everything in the vault (read-only): violations and explanation checks.
    pub async fn audit(&self) -> crate::Result<AuditReport> {
        self.with_vault(|v| Ok(load::audit_vault(v, khata_vault::now_ms())?))
            .await
    }
}
