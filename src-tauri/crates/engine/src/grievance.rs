//! A grievance to a lender, from the audit: the facts a DPDP-style letter (Digital Personal
//! Data Protection Act 2023, s.13 grievance redressal) needs, and a packet (zip) with the
//! letter, the findings as JSON and every signed lender statement that proves them, plus the
//! lender's published keys so anyone can check the signatures, and what the borrower's phone
//! recorded of the lender's app (sources, observations and the raw files with their hashes).
//! Filing it goes through the lending API's rights endpoint (kind GRIEVANCE), which returns
//! the lender's ticket and due date; the request is tracked like any other right.
//!
//! The letter's words are the UI's: it is composed in the language the borrower reads
//! (ui/src/lib/grievanceLetter.ts) from the [`GrievanceDraft`] here (the findings, the signals'
//! names, and the borrower's name and customer id from their profile), and the text the
//! borrower read and edited comes back to be saved in the packet and filed, so no sentence is
//! composed in Rust. Nothing is cut: a letter the lender's endpoint cannot take whole (its
//! `detail` holds at most [`RIGHTS_DETAIL_MAX`] characters) is filed as the summary the UI
//! wrote, and the whole letter goes in the packet.

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::Finding;
use crate::engine::{Engine, lender_names};
use crate::error::{EngineError, Result};
use crate::export_other::{ZipWriter, with, write_replacing};
use crate::report_words::{Clock, ReportLanguage, packet_guide};
use crate::views::{
    RIGHTS_DETAIL_MAX, RightsKindView, RightsRequestView, RightsSubject, SignalInfo,
};

/// What the grievance letter to one lender is made of: the UI words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrievanceDraft {
    pub lender_id: String,
    pub lender_name: String,
    /// When it was drafted (Unix ms): the letter's date.
    pub drafted_at: i64,
    /// The audit's findings against this lender, in the audit's order: the letter cites each.
    pub findings: Vec<Finding>,
    /// The consents the findings cite, in order of first citation, each once.
    pub consent_ids: Vec<String>,
    /// The signals the findings cite, as the lender's catalogue names them, in order of first
    /// citation: the letter names signals, not ids.
    pub signals: Vec<SignalInfo>,
    /// Who signs the letter, from the borrower's profile.
    pub signer: LetterSigner,
    /// The most characters the lender's endpoint takes as a request's text: a longer letter is
    /// filed as its summary.
    pub detail_max: u32,
}

/// The borrower as a letter is signed, from their profile; empty strings are not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LetterSigner {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    /// The customer id the lender knows the borrower by: the borrower's, else the one in the
    /// lender's latest consent.
    pub customer_id: Option<String>,
}

/// What a packet carries besides the findings and their evidence: its letter (under
/// `letter_name`) and any other files (name, bytes).
/// The name of the guide to a packet, in the reader's language; first in the zip.
const PACKET_GUIDE: &str = "README.txt";

pub(crate) struct PacketContents {
    pub letter_name: &'static str,
    pub letter: String,
    pub extra: Vec<(String, Vec<u8>)>,
}

/// A saved grievance packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrievancePacketSummary {
    pub path: String,
    pub bytes: u64,
    /// Files in the zip (the guide, letter, findings, keys, one per signed statement, the phone
    /// evidence and one per raw phone file).
    pub files: u64,
}

/// The largest letter accepted from the UI (bytes of UTF-8). A letter citing hundreds of
/// grouped findings stays well under it; anything larger is not a letter a person wrote or read.
pub const LETTER_MAX: usize = 64 * 1024;

/// The consents `findings` cite, in order of first citation, each once.
fn consent_ids(findings: &[Finding]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for c in findings.iter().filter_map(|f| f.consent_id.as_deref()) {
        if !ids.iter().any(|id| id == c) {
            ids.push(c.to_owned());
        }
    }
    ids
}

/// The letter as the UI sent it, checked: not blank, and at most [`LETTER_MAX`] bytes.
pub(crate) fn checked_letter(letter: &str) -> Result<&str> {
    if letter.trim().is_empty() {
        return Err(EngineError::InvalidInput(
            "the grievance letter is empty".into(),
        ));
    }
    if letter.len() > LETTER_MAX {
        return Err(EngineError::InvalidInput(format!(
            "the grievance letter is {} bytes; at most {LETTER_MAX} are accepted",
            letter.len()
        )));
    }
    Ok(letter)
}

/// First 8 hex digits of the statement's SHA-256: tells apart two versions of one record
/// (a consent's artefacts share its id) in file names.
/// The longest a lender's kind or id may make its part of an evidence file's name.
const NAME_PART_MAX: usize = 100;

/// The packet's file name for one signed statement. The kind and id are the lender's words, so
/// they are cut to ASCII letters, digits and `-` (no `/`, `\`, `..` or control characters: a
/// hostile id cannot climb out of the folder it is unpacked into) and to [`NAME_PART_MAX`]
/// characters each (an oversized id cannot make an unreadable name); the statement's digest
/// keeps cut names apart.
fn evidence_entry_name(kind: &str, id: &str, digest: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .take(NAME_PART_MAX)
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "evidence/{}-{}-{}.json",
        clean(kind),
        clean(id),
        clean(digest)
    )
}

/// `name`, or `name` numbered (`…-2.json`) when taken: two ids that clean to the same name
/// (`a/b`, `a_b`) must not share an entry.
fn unique_name(taken: &mut std::collections::HashSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{}-{n}.json", name.trim_end_matches(".json"));
    }
    candidate
}

/// The packet's file name for a raw phone file: its SHA-256 first (unique, and what the
/// findings and the ledger name), then the borrower's file name cut like a statement's id.
fn phone_entry_name(sha256: &str, file_name: &str) -> String {
    let clean: String = file_name
        .chars()
        .take(NAME_PART_MAX)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let sha: String = sha256
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    format!("evidence/phone/{sha}-{}", clean.replace("..", "__"))
}

fn short_digest(statement: &serde_json::Value) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(statement.to_string().as_bytes());
    hex::encode(&digest[..4])
}

/// The signals `findings` cite, in order of first citation, each once.
fn signal_ids(findings: &[Finding]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for s in findings.iter().filter_map(|f| f.signal.as_deref()) {
        if !ids.iter().any(|id| id == s) {
            ids.push(s.to_owned());
        }
    }
    ids
}

/// What is filed with the lender: the whole letter when the endpoint takes it, else the
/// summary (which says the whole letter is in the packet). Either is at most
/// [`RIGHTS_DETAIL_MAX`] characters; nothing is cut.
fn filed_text<'a>(letter: &'a str, summary: Option<&'a str>) -> Result<&'a str> {
    if letter.chars().count() <= RIGHTS_DETAIL_MAX {
        return Ok(letter);
    }
    match summary.map(checked_letter).transpose()? {
        Some(s) if s.chars().count() <= RIGHTS_DETAIL_MAX => Ok(s),
        Some(_) => Err(EngineError::InvalidInput(format!(
            "the summary is longer than the {RIGHTS_DETAIL_MAX} characters the lender takes"
        ))),
        None => Err(EngineError::InvalidInput(format!(
            "the letter is longer than the {RIGHTS_DETAIL_MAX} characters the lender takes: \
             file its summary, and send the whole letter in the packet"
        ))),
    }
}

impl Engine {
    /// The audit's findings against one lender, and the lender's name.
    pub(crate) async fn findings_for(&self, lender_id: &str) -> Result<(String, Vec<Finding>)> {
        let id = lender_id.to_owned();
        let name = self
            .with_vault(move |v| {
                lender_names(v)?
                    .remove(&id)
                    .ok_or_else(|| EngineError::NotFound(format!("no connected lender {id}")))
            })
            .await?;
        let report = self.audit().await?;
        let findings = report
            .findings
            .into_iter()
            .filter(|f| f.lender_id == lender_id)
            .collect();
        Ok((name, findings))
    }

    /// What the grievance letter to one lender cites, from the current audit.
    pub async fn grievance_draft(&self, lender_id: &str) -> Result<GrievanceDraft> {
        let (lender_name, findings) = self.findings_for(lender_id).await?;
        let (lid, cited) = (lender_id.to_owned(), signal_ids(&findings));
        let (profile, signals) = self
            .with_vault(move |v| {
                let catalog = Self::catalog(v)?;
                let signals = cited.iter().map(|s| catalog.info(&lid, s)).collect();
                Ok((crate::profile::profile_view(v)?, signals))
            })
            .await?;
        Ok(GrievanceDraft {
            lender_id: lender_id.to_owned(),
            lender_name,
            drafted_at: khata_vault::now_ms(),
            consent_ids: consent_ids(&findings),
            findings,
            signals,
            signer: LetterSigner {
                customer_id: profile.customer_id(lender_id),
                full_name: profile.full_name,
                phone: profile.phone,
                email: profile.email,
            },
            detail_max: RIGHTS_DETAIL_MAX as u32,
        })
    }

    /// Writes the grievance packet for one lender to `path` (a zip), atomically and readable
    /// by the borrower only: a partial file never takes the name. `letter` is the letter as the
    /// borrower read it; `language` is the one the borrower reads (the packet's guide).
    pub async fn save_grievance_packet(
        &self,
        lender_id: &str,
        letter: &str,
        language: ReportLanguage,
        path: impl AsRef<Path>,
    ) -> Result<GrievancePacketSummary> {
        let letter = checked_letter(letter)?;
        let (lender_name, findings) = self.findings_for(lender_id).await?;
        if findings.is_empty() {
            return Err(EngineError::InvalidInput(format!(
                "the audit found nothing against {lender_name}, so there is no grievance to make"
            )));
        }
        // A guide to the packet in the borrower's language, first in the zip.
        let id = lender_id.to_owned();
        let has_phone = self
            .with_vault(move |v| {
                Ok(v.phone_sources()?
                    .iter()
                    .any(|s| s.lender_id.as_deref() == Some(id.as_str())))
            })
            .await?;
        let clock = Clock {
            language,
            offset: *chrono::Local::now().offset(),
        };
        let guide = packet_guide(&clock, &lender_name, khata_vault::now_ms(), has_phone);
        let contents = PacketContents {
            letter_name: "grievance-letter.txt",
            letter: letter.to_owned(),
            extra: vec![(PACKET_GUIDE.to_owned(), guide.into_bytes())],
        };
        self.write_evidence_packet(lender_id, contents, findings, path.as_ref())
            .await
    }

    /// Writes an evidence packet for one lender to `path` (a zip), atomically and readable by
    /// the borrower only: the letter, `findings` with every signed statement they cite, the
    /// lender's keys, what the phone recorded of its app, and `extra` files. The grievance
    /// packet, and an escalation's (a complaint with its request's signed answers).
    pub(crate) async fn write_evidence_packet(
        &self,
        lender_id: &str,
        contents: PacketContents,
        findings: Vec<Finding>,
        path: &Path,
    ) -> Result<GrievancePacketSummary> {
        let PacketContents {
            letter_name,
            letter,
            extra,
        } = contents;
        let id = lender_id.to_owned();
        let keys = self
            .with_vault(move |v| {
                Ok(v.lender_link(&id)?
                    .and_then(|l| serde_json::from_str::<serde_json::Value>(&l.discovery).ok())
                    .map(|d| d["keys"].clone())
                    .unwrap_or(serde_json::Value::Null))
            })
            .await?;
        let id = lender_id.to_owned();
        let phone = self
            .with_vault(move |v| {
                let sources: Vec<_> = v
                    .phone_sources()?
                    .into_iter()
                    .filter(|s| s.lender_id.as_deref() == Some(id.as_str()))
                    .collect();
                let observations: Vec<_> = v
                    .phone_observations()?
                    .into_iter()
                    .filter(|o| sources.iter().any(|s| s.sha256 == o.source))
                    .collect();
                Ok((sources, observations))
            })
            .await?;
        let vault = self.vault.clone();
        let path = path.to_path_buf();
        let path2 = path.clone();
        let written = tokio::task::spawn_blocking(move || -> Result<(u64, u64)> {
            write_replacing(&path2, |file| {
                let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
                let mut files = 0u64;
                let mut put = |zip: &mut ZipWriter<_>, name: &str, bytes: &[u8]| -> Result<()> {
                    files += 1;
                    zip.entry(name, |w| Ok(w.write_all(bytes)?))
                };
                // A guide to the packet (README.txt) comes first, then the letter.
                let (guide, others): (Vec<_>, Vec<_>) =
                    extra.iter().partition(|(name, _)| name == PACKET_GUIDE);
                for (name, bytes) in guide {
                    put(&mut zip, name, bytes)?;
                }
                put(&mut zip, letter_name, letter.as_bytes())?;
                for (name, bytes) in others {
                    put(&mut zip, name, bytes)?;
                }
                put(
                    &mut zip,
                    "findings.json",
                    &serde_json::to_vec_pretty(&findings)?,
                )?;
                put(
                    &mut zip,
                    "evidence/lender-keys.json",
                    &serde_json::to_vec_pretty(&keys)?,
                )?;
                let mut seen = std::collections::HashSet::new();
                let mut names = std::collections::HashSet::new();
                for e in findings.iter().flat_map(|f| &f.evidence) {
                    let digest = short_digest(&e.statement);
                    if !seen.insert((e.kind.clone(), e.id.clone(), digest.clone())) {
                        continue;
                    }
                    let name =
                        unique_name(&mut names, evidence_entry_name(&e.kind, &e.id, &digest));
                    put(
                        &mut zip,
                        &name,
                        &serde_json::to_vec_pretty(e.statement.as_ref())?,
                    )?;
                }
                // What the borrower's phone recorded of this lender's app: the sources and
                // observations, and each raw file as imported (its SHA-256 is in the name and
                // in the sources, so anyone can check the file is the one the findings cite).
                let (sources, observations) = &phone;
                if !sources.is_empty() {
                    put(
                        &mut zip,
                        "evidence/phone-evidence.json",
                        &serde_json::to_vec_pretty(&serde_json::json!({
                            "phoneSources": sources,
                            "phoneObservations": observations,
                        }))?,
                    )?;
                }
                for source in sources {
                    let name = phone_entry_name(&source.sha256, &source.file_name);
                    let name = unique_name(&mut names, name);
                    files += 1;
                    zip.entry(&name, |w| {
                        with(&vault, |v| Ok(v.phone_raw(&source.sha256, w)?))?;
                        Ok(())
                    })?;
                }
                let (mut out, bytes) = zip.finish()?;
                out.flush()?;
                out.get_ref().sync_all()?;
                drop(out);
                Ok((bytes, files))
            })
        })
        .await?;
        let (bytes, files) = written?;
        tracing::info!(bytes, files, "grievance packet written");
        Ok(GrievancePacketSummary {
            path: path.display().to_string(),
            bytes,
            files,
        })
    }

    /// Files the grievance with the lender (rights endpoint, kind GRIEVANCE): recorded and
    /// queued like any rights request, so the lender's ticket and due date show under Rights.
    /// `letter` is the letter as the borrower read it; one longer than the endpoint takes is
    /// filed as `summary` (the UI's, pointing to the packet), never cut.
    pub async fn file_grievance(
        &self,
        lender_id: &str,
        letter: &str,
        summary: Option<&str>,
    ) -> Result<RightsRequestView> {
        let filed = filed_text(checked_letter(letter)?, summary)?.to_owned();
        let (lender_name, findings) = self.findings_for(lender_id).await?;
        if findings.is_empty() {
            return Err(EngineError::InvalidInput(format!(
                "the audit found nothing against {lender_name}, so there is no grievance to file"
            )));
        }
        self.request_right(
            lender_id,
            RightsKindView::Grievance,
            filed,
            RightsSubject::default(),
            None,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Evidence, FindingFacts, RecordRef, Rule, Severity};

    fn finding(consent: Option<&str>) -> Finding {
        Finding {
            rule: Rule::CollectedAfterRevocation,
            severity: Severity::Critical,
            facts: FindingFacts::Revoked {
                revoked_at: 1_789_996_400_000,
            },
            lender_id: "l1".into(),
            consent_id: consent.map(Into::into),
            signal: Some("contacts".into()),
            at: 1_790_000_000_000,
            last_at: 1_790_000_000_000,
            count: 1,
            records: vec![RecordRef {
                kind: "disclosure".into(),
                id: "d-9".into(),
                local_id: Some(9),
            }],
            records_omitted: 0,
            evidence: vec![Evidence {
                kind: "disclosure".into(),
                id: "d-9".into(),
                statement: std::sync::Arc::new(serde_json::json!({"disclosureId": "d-9"})),
            }],
        }
    }

    #[test]
    fn the_draft_names_each_cited_consent_once_in_order() {
        let findings = [
            finding(Some("c-2")),
            finding(None),
            finding(Some("c-1")),
            finding(Some("c-2")),
        ];
        assert_eq!(consent_ids(&findings), ["c-2", "c-1"]);
        assert!(consent_ids(&[]).is_empty());
    }

    #[test]
    fn a_letter_from_the_ui_must_be_neither_blank_nor_oversized() {
        assert_eq!(
            checked_letter("प्रिय शिकायत अधिकारी").unwrap(),
            "प्रिय शिकायत अधिकारी"
        );
        assert_eq!(checked_letter(" \n").unwrap_err().code(), "invalid_input");
        let at_limit = "a".repeat(LETTER_MAX);
        assert!(checked_letter(&at_limit).is_ok());
        let err = checked_letter(&format!("{at_limit}a")).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("at most 65536"), "{err}");
    }

    #[test]
    fn a_hostile_statement_id_makes_a_safe_bounded_entry_name() {
        for id in [
            "../../etc/x",
            "..\\..\\win\\x",
            "a\u{0}b\nc\u{1b}[2J\u{202e}d",
            "/abs",
        ] {
            let name = evidence_entry_name("disclosure", id, "0a1b2c3d");
            let file = name.strip_prefix("evidence/").expect(&name);
            assert!(!file.contains('/') && !file.contains('\\'), "{name}");
            assert!(!file.contains(".."), "{name}");
            assert!(file.chars().all(|c| c.is_ascii_graphic()), "{name}");
            assert!(file.ends_with("-0a1b2c3d.json"), "{name}");
        }
        assert_eq!(
            evidence_entry_name("disclosure", "../../etc/x", "0a1b2c3d"),
            "evidence/disclosure-______etc_x-0a1b2c3d.json"
        );
        // An honest id keeps its name.
        assert_eq!(
            evidence_entry_name("disclosure", "d-9", "0a1b2c3d"),
            "evidence/disclosure-d-9-0a1b2c3d.json"
        );
        // A 70,000-byte id (or kind) is cut, not left to overflow the zip's name field.
        let long = "x".repeat(70_000);
        let name = evidence_entry_name(&long, &long, "0a1b2c3d");
        assert_eq!(
            name.len(),
            "evidence/".len() + 2 * NAME_PART_MAX + "--0a1b2c3d.json".len()
        );
    }

    #[test]
    fn a_phone_file_keeps_its_hash_and_a_safe_name() {
        let sha = "ab".repeat(32);
        assert_eq!(
            phone_entry_name(&sha, "App_Privacy_Report_v4_2026-11-30T10:00:00.ndjson"),
            format!("evidence/phone/{sha}-App_Privacy_Report_v4_2026-11-30T10_00_00.ndjson")
        );
        let name = phone_entry_name(&sha, "../../etc/passwd");
        let file = name.strip_prefix("evidence/phone/").unwrap();
        assert!(!file.contains('/') && !file.contains(".."), "{name}");
    }

    #[test]
    fn ids_that_clean_to_one_name_get_distinct_entries() {
        let mut taken = std::collections::HashSet::new();
        let names: Vec<String> = ["a/b", "a_b", "a\\b"]
            .iter()
            .map(|id| unique_name(&mut taken, evidence_entry_name("offer", id, "0a1b2c3d")))
            .collect();
        assert_eq!(
            names,
            [
                "evidence/offer-a_b-0a1b2c3d.json",
                "evidence/offer-a_b-0a1b2c3d-2.json",
                "evidence/offer-a_b-0a1b2c3d-3.json",
            ]
        );
    }

    #[test]
    fn a_long_letter_is_filed_as_its_summary_never_cut() {
        // Devanagari is three bytes a character: the bound is in characters.
        let line = "1. [गंभीर] आपके सहमति वापस लेने के बाद एकत्र किया गया — ऋणदाता\n";
        let fits = line.repeat(RIGHTS_DETAIL_MAX / line.chars().count());
        assert!(fits.len() > RIGHTS_DETAIL_MAX, "more bytes than characters");
        assert_eq!(filed_text(&fits, None).unwrap(), fits, "filed whole");
        let long = line.repeat(200);
        assert_eq!(
            filed_text(&long, None).unwrap_err().code(),
            "invalid_input",
            "a long letter with no summary is refused, not cut"
        );
        assert_eq!(filed_text(&long, Some("सारांश")).unwrap(), "सारांश");
        assert_eq!(
            filed_text(&long, Some(&long)).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(
            filed_text(&long, Some(" ")).unwrap_err().code(),
            "invalid_input"
        );
    }

    #[test]
    fn the_draft_names_each_cited_signal_once_in_order() {
        let mut a = finding(Some("c-1"));
        a.signal = Some("call_logs".into());
        let mut none = finding(None);
        none.signal = None;
        assert_eq!(
            signal_ids(&[finding(None), a, none, finding(None)]),
            ["contacts", "call_logs"]
        );
    }
}
