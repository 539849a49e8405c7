//! A grievance to a lender, drafted from the audit: a DPDP-style letter (Digital Personal Data
//! Protection Act 2023, s.13 grievance redressal) that lists each finding, and a packet (zip)
//! with the letter, the findings as JSON and every signed lender statement that proves them,
//! plus the lender's published keys so anyone can check the signatures. Filing it goes through
//! the lending API's rights endpoint (kind GRIEVANCE), which returns the lender's ticket and due
//! date; the request is tracked like any other right.
//!
//! The letter is in English: it is addressed to the lender's grievance officer, and English is
//! the language of record for Indian lenders' grievance desks.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{Finding, Severity, text};
use crate::engine::{Engine, lender_names};
use crate::error::{EngineError, Result};
use crate::export_other::ZipWriter;
use crate::views::{RightsKindView, RightsRequestView};

/// What the Audit screen shows before saving or filing a grievance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrievanceDraft {
    pub lender_id: String,
    pub lender_name: String,
    /// Findings against this lender that the letter cites.
    pub findings: u64,
    /// The letter, ready to read, print or send.
    pub letter: String,
}

/// A saved grievance packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GrievancePacketSummary {
    pub path: String,
    pub bytes: u64,
    /// Files in the zip (letter, findings, keys, one per signed statement).
    pub files: u64,
}

/// The most a filed grievance's text may hold (the rights endpoint's `details` limit).
const FILED_MAX: usize = 4000;

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%-d %B %Y, %H:%M UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

/// The letter for `findings` (all against `lender_name`), dated `now_ms`. Pure: same input,
/// same letter.
pub fn draft_letter(lender_name: &str, findings: &[Finding], now_ms: i64) -> String {
    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut consents: Vec<&str> = Vec::new();
    for f in findings {
        *by_severity.entry(f.severity).or_default() += 1;
        if let Some(c) = f.consent_id.as_deref()
            && !consents.contains(&c)
        {
            consents.push(c);
        }
    }
    let counts = by_severity
        .iter()
        .map(|(s, n)| format!("{n} {}", severity_name(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = String::new();
    out.push_str(&format!(
        "To: The Grievance Officer, {lender_name}\n\
         Date: {}\n\
         Subject: Grievance under section 13 of the Digital Personal Data Protection Act, 2023 \
         — processing of my personal data beyond my consent\n\n\
         Dear Grievance Officer,\n\n",
        date(now_ms)
    ));
    let consent_text = if consents.is_empty() {
        String::new()
    } else {
        format!(" under consent {}", consents.join(", "))
    };
    out.push_str(&format!(
        "I shared personal data with {lender_name} for credit{consent_text}. My records of your \
         own signed statements show {} problem{} ({counts}):\n\n",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
    ));
    for (i, f) in findings.iter().enumerate() {
        let records = text::records(f);
        let when = if f.count > 1 {
            format!("{} times, {} to {}", f.count, date(f.at), date(f.last_at))
        } else {
            date(f.at)
        };
        out.push_str(&format!(
            "{}. [{}] {}\n   {}\n   When: {}. Rule: {}. Records: {}.\n\n",
            i + 1,
            severity_name(f.severity),
            text::title(f.rule),
            text::detail(f),
            when,
            f.rule.id(),
            if records.is_empty() { "-" } else { &records },
        ));
    }
    out.push_str(
        "Each finding rests on statements you signed (Ed25519). They are enclosed exactly as \
         received, in the evidence folder, with the public keys you published, so anyone can \
         check them.\n\n\
         I ask you to:\n\
         a) stop processing my personal data outside the purpose and signals I consented to, and \
         erase what was collected without, outside or after my consent (DPDP Act 2023, \
         s.6(4), s.8(7) and s.12);\n\
         b) confirm in writing what was erased, with a signed deletion receipt;\n\
         c) have any decision about my credit that relied on such data reviewed by a person;\n\
         d) answer within the time your grievance redressal process promises. If the grievance \
         is not resolved, I may complain to the Data Protection Board of India (s.13(3)).\n\n\
         Sincerely,\n\n[Your name]\n[Your registered mobile number or customer id]\n",
    );
    out
}

/// First 8 hex digits of the statement's SHA-256: tells apart two versions of one record
/// (a consent's artefacts share its id) in file names.
fn short_digest(statement: &serde_json::Value) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(statement.to_string().as_bytes());
    hex::encode(&digest[..4])
}

/// The short form filed through the lender API (the full letter stays with the borrower).
fn filed_text(letter: &str) -> String {
    if letter.len() <= FILED_MAX {
        return letter.to_owned();
    }
    const TAIL: &str =
        "\n[…] The full letter and the signed evidence are in the borrower's grievance packet.";
    let mut cut = FILED_MAX - TAIL.len();
    while !letter.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{TAIL}", &letter[..cut])
}

impl Engine {
    /// The audit's findings against one lender, and the lender's name.
    async fn findings_for(&self, lender_id: &str) -> Result<(String, Vec<Finding>)> {
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

    /// The grievance letter for one lender, from the current audit.
    pub async fn grievance_draft(&self, lender_id: &str) -> Result<GrievanceDraft> {
        let (lender_name, findings) = self.findings_for(lender_id).await?;
        Ok(GrievanceDraft {
            lender_id: lender_id.to_owned(),
            letter: draft_letter(&lender_name, &findings, khata_vault::now_ms()),
            findings: findings.len() as u64,
            lender_name,
        })
    }

    /// Writes the grievance packet for one lender to `path` (a zip), atomically: a partial
    /// file never takes the name.
    pub async fn save_grievance_packet(
        &self,
        lender_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<GrievancePacketSummary> {
        let (lender_name, findings) = self.findings_for(lender_id).await?;
        if findings.is_empty() {
            return Err(EngineError::InvalidInput(format!(
                "the audit found nothing against {lender_name}, so there is no grievance to make"
            )));
        }
        let id = lender_id.to_owned();
        let keys = self
            .with_vault(move |v| {
                Ok(v.lender_link(&id)?
                    .and_then(|l| serde_json::from_str::<serde_json::Value>(&l.discovery).ok())
                    .map(|d| d["keys"].clone())
                    .unwrap_or(serde_json::Value::Null))
            })
            .await?;
        let letter = draft_letter(&lender_name, &findings, khata_vault::now_ms());
        let path = path.as_ref().to_path_buf();
        let tmp = {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".part");
            path.with_file_name(name)
        };
        let (tmp2, path2) = (tmp.clone(), path.clone());
        let written = tokio::task::spawn_blocking(move || -> Result<(u64, u64)> {
            let file = std::fs::File::create(&tmp2)?;
            let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
            let mut files = 0u64;
            let mut put = |zip: &mut ZipWriter<_>, name: &str, bytes: &[u8]| -> Result<()> {
                files += 1;
                zip.entry(name, |w| Ok(w.write_all(bytes)?))
            };
            put(&mut zip, "grievance-letter.txt", letter.as_bytes())?;
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
            for e in findings.iter().flat_map(|f| &f.evidence) {
                let digest = short_digest(&e.statement);
                if !seen.insert((e.kind.clone(), e.id.clone(), digest.clone())) {
                    continue;
                }
                let safe: String = format!("{}-{}-{digest}", e.kind, e.id)
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                put(
                    &mut zip,
                    &format!("evidence/{safe}.json"),
                    &serde_json::to_vec_pretty(e.statement.as_ref())?,
                )?;
            }
            let (mut out, bytes) = zip.finish()?;
            out.flush()?;
            out.get_ref().sync_all()?;
            drop(out);
            std::fs::rename(&tmp2, &path2)?;
            Ok((bytes, files))
        })
        .await?;
        match written {
            Ok((bytes, files)) => {
                tracing::info!(bytes, files, "grievance packet written");
                Ok(GrievancePacketSummary {
                    path: path.display().to_string(),
                    bytes,
                    files,
                })
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Files the grievance with the lender (rights endpoint, kind GRIEVANCE): recorded and
    /// queued like any rights request, so the lender's ticket and due date show under Rights.
    pub async fn file_grievance(&self, lender_id: &str) -> Result<RightsRequestView> {
        let draft = self.grievance_draft(lender_id).await?;
        if draft.findings == 0 {
            return Err(EngineError::InvalidInput(format!(
                "the audit found nothing against {}, so there is no grievance to file",
                draft.lender_name
            )));
        }
        self.request_right(
            lender_id,
            RightsKindView::Grievance,
            filed_text(&draft.letter),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Evidence, FindingFacts, PeriodUnit, RecordRef, Rule};

    fn finding(rule: Rule, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            facts: match rule {
                Rule::AboveFrequency => FindingFacts::Frequency {
                    value: 1,
                    unit: PeriodUnit::Day,
                    most_in_window: 2,
                },
                Rule::CollectedAfterExpiry => FindingFacts::Expired {
                    expired_at: 1_789_996_400_000,
                },
                _ => FindingFacts::Revoked {
                    revoked_at: 1_789_996_400_000,
                },
            },
            lender_id: "l1".into(),
            consent_id: Some("c-1".into()),
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
    fn the_letter_cites_every_finding_with_its_rule_records_and_the_law() {
        let findings = vec![
            finding(Rule::CollectedAfterRevocation, Severity::Critical),
            finding(Rule::CollectedAfterExpiry, Severity::High),
        ];
        let letter = draft_letter("Sandbox Lender", &findings, 1_790_000_000_000);
        assert!(letter.starts_with("To: The Grievance Officer, Sandbox Lender\n"));
        assert!(letter.contains("section 13 of the Digital Personal Data Protection Act, 2023"));
        assert!(letter.contains("under consent c-1."), "{letter}");
        assert!(
            letter.contains("show 2 problems (1 critical, 1 high)"),
            "{letter}"
        );
        assert!(letter.contains("1. [critical] "));
        assert!(letter.contains("2. [high] "));
        assert!(letter.contains(&format!("Rule: {}", Rule::CollectedAfterRevocation.id())));
        // Each finding's title and sentence, worded from its rule and facts.
        assert!(letter.contains("[critical] Collected after you revoked the consent\n"));
        assert!(
            letter.contains(
                "collected contacts at 2026-09-21T14:13:20.000Z, the first 3600000 ms after \
                 consent c-1 was revoked (2026-09-21T13:13:20.000Z)"
            ),
            "{letter}"
        );
        assert!(letter.contains("Records: disclosure d-9."));
        assert!(letter.contains("Data Protection Board of India"));
        assert_eq!(
            letter,
            draft_letter("Sandbox Lender", &findings, 1_790_000_000_000)
        );
    }

    #[test]
    fn a_grouped_finding_says_how_many_times_when_and_how_many_records_are_not_listed() {
        let mut f = finding(Rule::AboveFrequency, Severity::Medium);
        f.count = 1_000_000;
        f.last_at = f.at + 86_400_000;
        f.records_omitted = 999_999;
        let letter = draft_letter("L", &[f], 0);
        assert!(
            letter.contains(
                "When: 1000000 times, 21 September 2026, 14:13 UTC to 22 September 2026, 14:13 UTC."
            ),
            "{letter}"
        );
        assert!(
            letter.contains("Records: disclosure d-9, … 999999 more disclosures."),
            "{letter}"
        );
    }

    #[test]
    fn a_long_letter_is_cut_for_filing_on_a_character_boundary() {
        let many: Vec<Finding> = (0..80)
            .map(|_| finding(Rule::CollectedAfterRevocation, Severity::Critical))
            .collect();
        let letter = draft_letter("ऋणदाता", &many, 0);
        assert!(letter.len() > FILED_MAX);
        let filed = filed_text(&letter);
        assert!(filed.len() <= FILED_MAX, "{}", filed.len());
        assert!(filed.ends_with("grievance packet."));
        let short = draft_letter("L", &many[..1], 0);
        assert_eq!(filed_text(&short), short);
    }
}
