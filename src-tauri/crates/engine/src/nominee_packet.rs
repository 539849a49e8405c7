//! The packet a nominee needs to act for the borrower (DPDP Act 2023, s.14): the letter of
//! nomination as the borrower read it (worded by the UI, like the grievance letter), the
//! nominee's and the borrower's details, the consents and rights requests in force, and the
//! borrower's records as a JSON export, which anyone can check with `khata verify` or Khata's
//! "Verify an export" (the letter says how). One zip, written like the grievance packet: a
//! private file beside the target, renamed over it only once whole.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::export_other::{ZipWriter, write_replacing};
use crate::grievance::LETTER_MAX;
use crate::profile::NomineeView;
use crate::views::{ConsentStatusView, ExportFormat, ExportOptions};

/// The packet's name for the export inside it (the letter cites it by this name).
pub const EXPORT_ENTRY: &str = "evidence/khata-export.json";

/// A saved nominee packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NomineePacketSummary {
    pub path: String,
    pub bytes: u64,
    /// Files in the zip.
    pub files: u64,
    /// Consents in force included (active or paused).
    pub consents: u64,
    /// Rights requests still open included.
    pub requests: u64,
}

/// What `nominee.json` holds: who nominated whom, and when.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Nomination<'a> {
    nominee: &'a NomineeView,
    borrower_name: &'a str,
    /// The lender the packet is for; `None`: every lender.
    lender_id: Option<&'a str>,
    /// The customer id that lender knows the borrower by, when known.
    customer_id: Option<String>,
    written_at: i64,
}

impl Engine {
    /// Writes the nominee packet to `path` (a zip), for one lender or (`None`) for all.
    /// `letter` is the letter of nomination as the borrower read it. Refused when no nominee is
    /// recorded: the packet would name no one.
    pub async fn save_nominee_packet(
        &self,
        lender_id: Option<&str>,
        letter: &str,
        path: impl AsRef<Path>,
    ) -> Result<NomineePacketSummary> {
        if letter.trim().is_empty() || letter.len() > LETTER_MAX {
            return Err(EngineError::InvalidInput(format!(
                "the letter of nomination must be 1 to {LETTER_MAX} bytes"
            )));
        }
        let nominee = self.nominee().await?.ok_or_else(|| {
            EngineError::InvalidInput("record a nominee first: the packet names them".into())
        })?;
        let profile = self.profile().await?;
        if let Some(id) = lender_id
            && !profile.lenders.iter().any(|l| l.lender_id == id)
        {
            return Err(EngineError::NotFound(format!("no connected lender {id}")));
        }
        let of_lender = |id: &str| lender_id.is_none_or(|l| l == id);
        let consents: Vec<_> = self
            .consents()
            .await?
            .into_iter()
            .filter(|c| of_lender(&c.lender_id))
            .filter(|c| {
                matches!(
                    c.status,
                    ConsentStatusView::Active | ConsentStatusView::Paused
                )
            })
            .collect();
        let requests: Vec<_> = self
            .rights_requests()
            .await?
            .into_iter()
            .filter(|r| of_lender(&r.lender_id))
            .filter(|r| !matches!(r.status.as_str(), "resolved" | "rejected"))
            .collect();
        let nomination = serde_json::to_vec_pretty(&Nomination {
            nominee: &nominee,
            borrower_name: &profile.full_name,
            lender_id,
            customer_id: lender_id.and_then(|l| profile.customer_id(l)),
            written_at: khata_vault::now_ms(),
        })?;

        // The export first, into a private folder beside the packet, then copied into it.
        let path = path.as_ref().to_path_buf();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let scratch = tempfile::Builder::new()
            .prefix(".khata-nominee-")
            .tempdir_in(&dir)?;
        let export_path = scratch.path().join("khata-export.json");
        self.export(
            &export_path,
            ExportFormat::Json,
            ExportOptions::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await?;

        let letter = letter.to_owned();
        let (n_consents, n_requests) = (consents.len() as u64, requests.len() as u64);
        let path2 = path.clone();
        let written = tokio::task::spawn_blocking(move || -> Result<(u64, u64)> {
            write_replacing(&path2, |file| {
                let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
                let mut files = 0u64;
                let mut put = |zip: &mut ZipWriter<_>, name: &str, bytes: &[u8]| -> Result<()> {
                    files += 1;
                    zip.entry(name, |w| Ok(w.write_all(bytes)?))
                };
                put(&mut zip, "nomination-letter.txt", letter.as_bytes())?;
                put(&mut zip, "nominee.json", &nomination)?;
                put(
                    &mut zip,
                    "consents-in-force.json",
                    &serde_json::to_vec_pretty(&consents)?,
                )?;
                put(
                    &mut zip,
                    "rights-requests-open.json",
                    &serde_json::to_vec_pretty(&requests)?,
                )?;
                files += 1;
                zip.entry(EXPORT_ENTRY, |w| {
                    let mut export = std::fs::File::open(&export_path)?;
                    std::io::copy(&mut export, w)?;
                    Ok(())
                })?;
                let (mut out, bytes) = zip.finish()?;
                out.flush()?;
                out.get_ref().sync_all()?;
                drop(out);
                Ok((bytes, files))
            })
        })
        .await?;
        drop(scratch);
        let (bytes, files) = written?;
        tracing::info!(bytes, files, "nominee packet written");
        Ok(NomineePacketSummary {
            path: path.display().to_string(),
            bytes,
            files,
            consents: n_consents,
            requests: n_requests,
        })
    }
}
