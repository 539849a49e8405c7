//! Donating to an advocate: what a donation would hold (read before giving), and writing it
//! whole or not at all. The rules are `crate::donation`'s; the file format is
//! `khata_evidence::donation`'s.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use khata_evidence::donation::{FILE_SUFFIX, NOTE_MAX_CHARS};
use khata_evidence::verify::{SuppliedKeys, verify_export_file};
use khata_vault::{EventFilter, Vault, now_ms};

use crate::donation::{self, REQUIRED};
use crate::engine::{Engine, lender_names};
use crate::error::{EngineError, Result};
use crate::export::export_json;
use crate::export_other::{Counter, with, write_replacing};
use crate::redaction::Redactor;
use crate::views::{
    DonationLender, DonationOptions, DonationPreview, DonationResult, Progress, RedactionSummary,
};

/// The refusal when a contract v1 statement signs a required field in the clear.
fn blocked(count: u64) -> EngineError {
    EngineError::InvalidInput(format!(
        "No donation can be made from this vault: {count} lender statement(s) in the contract \
         v1 form sign your customer id or free text in the clear, and removing it would break \
         the lender's signature. An advocate export (khata export --advocate) keeps them whole \
         and says so."
    ))
}

impl Engine {
    /// What a donation withholding `patterns` (and the required fields) would hold and leave
    /// out, without writing anything: the export is made into nothing, to count exactly.
    pub async fn donation_preview(&self, patterns: Vec<String>) -> Result<DonationPreview> {
        let patterns = donation::patterns(&patterns);
        let (month, start) = donation::month_of(now_ms());
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let mut redactor = Redactor::for_donation(&patterns, &REQUIRED, start);
            let mut sink = Counter {
                inner: std::io::sink(),
                bytes: 0,
            };
            let cancel = AtomicBool::new(false);
            export_json(&vault, &mut sink, Some(&mut redactor), &|_| {}, &cancel)?;
            let blocking_statements = redactor.required_kept();
            let dropped = redactor.dropped_counts();
            let summary = redactor.summary();
            with(&vault, |v| {
                let removed = donation::removals(&summary, &dropped, donation::kept(v, &summary)?);
                let mut preview = counts(v)?;
                preview.required = REQUIRED.iter().map(|p| (*p).to_owned()).collect();
                preview.patterns = summary.patterns.clone();
                preview.removed = removed;
                preview.blocking_statements = blocking_statements;
                preview.month = month;
                Ok(preview)
            })
        })
        .await?
    }

    /// Writes a donation into the folder `dir` (see [`Engine::write_donation_with`]).
    pub async fn write_donation(
        &self,
        dir: impl AsRef<Path>,
        options: DonationOptions,
    ) -> Result<DonationResult> {
        self.write_donation_with(dir, options, |_| {}, Arc::new(AtomicBool::new(false)))
            .await
    }

    /// Writes `<donationId>.khata-donation.zip` into the folder `dir`: the advocate export with
    /// the donation's rules, checked with the verifier and searched for every identifying
    /// value the vault knows, then the manifest and the export zipped into a private temporary
    /// file that is synced and renamed into place. A failure or `cancel` at any point leaves
    /// no file behind.
    pub async fn write_donation_with(
        &self,
        dir: impl AsRef<Path>,
        options: DonationOptions,
        progress: impl Fn(Progress) + Send + Sync + 'static,
        cancel: Arc<AtomicBool>,
    ) -> Result<DonationResult> {
        let dir = dir.as_ref().to_path_buf();
        if !dir.is_dir() {
            return Err(EngineError::InvalidInput(format!(
                "{} is not a folder; choose the folder to save the donation in.",
                dir.display()
            )));
        }
        let note = donation::note(options.note.as_deref())?;
        let patterns = donation::patterns(&options.patterns);
        let profile = self.profile().await?;
        let nominee = self.nominee().await?;
        let donation_id = uuid::Uuid::new_v4().to_string();
        let (month, start) = donation::month_of(now_ms());
        let vault = self.vault.clone();
        tokio::task::spawn_blocking(move || {
            let step = |phase: &str| -> Result<()> {
                if cancel.load(Ordering::Relaxed) {
                    return Err(EngineError::Cancelled);
                }
                progress(Progress {
                    task: "donate".into(),
                    phase: phase.into(),
                    done: 0,
                    total: None,
                });
                Ok(())
            };
            let mut redactor = Redactor::for_donation(&patterns, &REQUIRED, start);
            // The export first, into a private temporary file beside the donation (deleted
            // when dropped, whatever happens next).
            let mut builder = tempfile::Builder::new();
            let prefix = format!(".{donation_id}.export.");
            builder.prefix(&prefix).suffix(".part");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o600));
            }
            let tmp = builder.tempfile_in(&dir)?;
            let mut w = Counter::file(tmp.as_file().try_clone()?);
            export_json(&vault, &mut w, Some(&mut redactor), &progress, &cancel)?;
            w.finish()?;
            if redactor.required_kept() > 0 {
                return Err(blocked(redactor.required_kept()));
            }
            let dropped = redactor.dropped_counts();
            let summary: RedactionSummary = redactor.summary();
            let (kept, values) = with(&vault, |v| {
                Ok((
                    donation::kept(v, &summary)?,
                    donation::identifying_values(v, &profile, nominee.as_ref())?,
                ))
            })?;
            step("search")?;
            let mut export = tmp.reopen()?;
            if let Some((what, member)) = donation::find_identifying(&mut export, &values)? {
                return Err(EngineError::InvalidInput(format!(
                    "The donation would still hold {what} (in `{member}`), in a part that \
                     cannot be removed without breaking a signature or the ledger; nothing was \
                     written."
                )));
            }
            step("verify")?;
            verify_export_file(tmp.path(), &SuppliedKeys::default(), &mut |_, _| {}).map_err(
                |e| EngineError::Internal(format!("the donation's export does not verify: {e}")),
            )?;
            step("write")?;
            let (export_sha256, crc, len) = donation::digests(&mut export)?;
            let removed = donation::removals(&summary, &dropped, kept);
            let has_note = note.is_some();
            let manifest =
                donation::manifest(&donation_id, &month, &export_sha256, removed.clone(), note);
            let path = dir.join(format!("{donation_id}{FILE_SUFFIX}"));
            let bytes = write_replacing(&path, |file| {
                if cancel.load(Ordering::Relaxed) {
                    return Err(EngineError::Cancelled);
                }
                donation::write_zip(file, &manifest, &mut export, len, crc)
            })?;
            donation::sync_dir(&dir);
            drop(tmp);
            Ok(DonationResult {
                donation_id,
                path: path.display().to_string(),
                month,
                bytes,
                export_sha256,
                removed,
                note: has_note,
            })
        })
        .await?
    }
}

/// What the vault holds, per lender and in all (the rest of the preview is filled by the caller).
fn counts(v: &Vault) -> Result<DonationPreview> {
    let names = lender_names(v)?;
    let consents = v.all_consents()?;
    let offers = v.statements_of_kind("offer", None)?;
    let distinct_offers = |lender: Option<&str>| {
        let mut ids: Vec<&str> = offers
            .iter()
            .filter(|o| lender.is_none_or(|l| o.lender_id == l))
            .map(|o| o.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    };
    let mut lenders = Vec::new();
    let mut any_log = false;
    for link in v.lender_links()? {
        any_log |= v.log_state(&link.lender_id)?.is_some();
        let filter = EventFilter {
            lender_id: Some(link.lender_id.clone()),
            ..EventFilter::default()
        };
        lenders.push(DonationLender {
            name: names.get(&link.lender_id).cloned().unwrap_or_default(),
            consents: consents
                .iter()
                .filter(|c| c.lender_id == link.lender_id)
                .count() as u64,
            disclosures: v.count_events(&filter, None)? as u64,
            offers: distinct_offers(Some(&link.lender_id)),
            lender_id: link.lender_id,
        });
    }
    Ok(DonationPreview {
        consents: consents.len() as u64,
        disclosures: v.event_count()? as u64,
        offers: distinct_offers(None),
        consent_actions: v.consent_actions(None)?.len() as u64,
        phone_observations: v.phone_observations()?.len() as u64,
        rights_requests: v.rights_requests(None)?.len() as u64,
        export_version: if any_log { 2 } else { 1 },
        lenders,
        required: Vec::new(),
        patterns: Vec::new(),
        removed: Vec::new(),
        blocking_statements: 0,
        note_max_chars: NOTE_MAX_CHARS as u32,
        month: String::new(),
    })
}
