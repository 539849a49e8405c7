//! The audit, as the engine offers it: the rules, findings and the offline verifier are pure
//! and live in `khata-evidence` (re-exported here, so `khata_engine::audit::…` paths keep
//! working); this module adds what needs the vault — reading it into the rules' input
//! ([`load`]) and [`Engine::audit`](crate::Engine::audit) — and [`text`], the English wording
//! of findings for the terminal and the grievance letter.

pub mod load;
pub mod text;

pub use khata_evidence::audit::*;
pub use khata_evidence::verify;

impl crate::Engine {
    /// Audits everything in the vault (read-only): violations and explanation checks.
    pub async fn audit(&self) -> crate::Result<AuditReport> {
        self.with_vault(|v| Ok(load::audit_vault(v, khata_vault::now_ms())?))
            .await
    }
}
