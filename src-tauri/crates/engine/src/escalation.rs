//! When a lender lets a statutory clock run out: the facts of a follow-up letter to its
//! grievance officer and of a complaint to the RBI Ombudsman or the Data Protection Board
//! (the UI words them, in the borrower's language, from [`EscalationFacts`]), the text as the
//! borrower edited it saved with the evidence (the grievance packet's writer, plus the
//! request's own record and the lender's signed answers), and calendar reminders (`.ics`) for
//! every deadline.

use std::path::Path;

use khata_lending::lender_text;
use khata_vault::now_ms;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::{self, CalendarEvent};
use crate::engine::Engine;
use crate::error::{EngineError, Result};
use crate::export_other::write_replacing;
use crate::grievance::{GrievancePacketSummary, PacketContents, checked_letter};
use crate::views::{EscalationFacts, NextStep, NextStepFacts, RightsRequestView};

/// RBI's Complaint Management System, where a complaint to the Ombudsman is lodged.
pub const RBI_CMS: &str = "https://cms.rbi.org.in";

/// The UI's words for one deadline in the calendar: Rust composes no sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CalendarText {
    pub request_id: String,
    pub clock_id: String,
    pub summary: String,
    pub description: String,
}

/// The most characters of a calendar summary or description kept.
const CALENDAR_TEXT_MAX: usize = 2000;

/// The packet's file name for the letter to `to`.
fn letter_name(to: NextStep) -> &'static str {
    match to {
        NextStep::LenderGrievance => "follow-up-letter.txt",
        NextStep::RbiOmbudsman => "complaint-rbi-ombudsman.txt",
        NextStep::DataProtectionBoard => "complaint-data-protection-board.txt",
    }
}

/// Where `step` is taken, when there is a portal for it.
fn portal(step: NextStep) -> Option<String> {
    match step {
        NextStep::RbiOmbudsman => Some(RBI_CMS.into()),
        NextStep::DataProtectionBoard | NextStep::LenderGrievance => None,
    }
}

/// The next steps an escalation of `request` offers: a follow-up to the lender first, then
/// each overdue clock's, each once.
fn next_steps(request: &RightsRequestView) -> Vec<NextStepFacts> {
    let mut steps = vec![NextStep::LenderGrievance];
    for c in request.clocks.iter().filter(|c| c.overdue) {
        if !steps.contains(&c.next_step) {
            steps.push(c.next_step);
        }
    }
    steps
        .into_iter()
        .map(|step| NextStepFacts {
            step,
            portal: portal(step),
        })
        .collect()
}

/// The deadlines of `requests` as calendar events, each worded by the matching `texts`
/// entry (else by its ids alone); a clock without a notified period has no deadline.
fn calendar_events(requests: &[RightsRequestView], texts: &[CalendarText]) -> Vec<CalendarEvent> {
    let cut = |s: &str| -> String { s.chars().take(CALENDAR_TEXT_MAX).collect() };
    let mut events = Vec::new();
    for r in requests {
        for c in &r.clocks {
            let Some(due_at) = c.due_at else { continue };
            let text = texts
                .iter()
                .find(|t| t.request_id == r.id && t.clock_id == c.id);
            let fallback = format!("{} {}", r.ticket.as_deref().unwrap_or(&r.id), c.id);
            events.push(CalendarEvent {
                key: format!("{}-{}", r.id, c.id),
                due_at,
                summary: text.map_or(fallback.clone(), |t| cut(&t.summary)),
                description: text.map_or(fallback, |t| cut(&t.description)),
            });
        }
    }
    events
}

impl Engine {
    /// The facts of an escalation of one rights request: the request with its clocks, the
    /// lender's registration and contact, when the borrower first complained, the clocks that
    /// ran out and where each next step is taken, and how much evidence the packet carries.
    pub async fn escalation_draft(&self, request_id: &str) -> Result<EscalationFacts> {
        let request = self.rights_request(request_id).await?;
        let (lid, rid) = (request.lender_id.clone(), request.id.clone());
        let (lender, acknowledged) = self
            .with_vault(move |v| Ok((v.lender(&lid)?, !v.statements("rights", &rid)?.is_empty())))
            .await?;
        let (_, findings) = self.findings_for(&request.lender_id).await?;
        let clean = |s: Option<String>| s.map(|s| lender_text::sanitize(&s));
        let first_complained_at = request
            .clocks
            .first()
            .map_or(request.created_at, |c| c.started_at);
        Ok(EscalationFacts {
            lender_registration: clean(lender.as_ref().and_then(|l| l.registration.clone())),
            lender_contact: clean(lender.and_then(|l| l.contact)),
            first_complained_at,
            overdue_clocks: request
                .clocks
                .iter()
                .filter(|c| c.overdue)
                .cloned()
                .collect(),
            next_steps: next_steps(&request),
            findings: u32::try_from(findings.len()).unwrap_or(u32::MAX),
            acknowledged,
            drafted_at: now_ms(),
            request,
        })
    }

    /// Saves `text` (the follow-up letter or complaint to `to`, as the borrower edited it)
    /// with the evidence to `path` (a zip): the audit's findings against the lender and their
    /// signed statements, the lender's keys and the phone's records (as the grievance packet),
    /// plus the request as Khata recorded it and every signed answer the lender gave to it.
    pub async fn save_escalation_packet(
        &self,
        request_id: &str,
        to: NextStep,
        text: &str,
        path: impl AsRef<Path>,
    ) -> Result<GrievancePacketSummary> {
        let text = checked_letter(text)?.to_owned();
        let request = self.rights_request(request_id).await?;
        let rid = request.id.clone();
        let answers = self
            .with_vault(move |v| Ok(v.statements("rights", &rid)?))
            .await?;
        let mut extra = vec![(
            "rights-request.json".to_owned(),
            serde_json::to_vec_pretty(&request)?,
        )];
        for (i, st) in answers.iter().enumerate() {
            extra.push((
                format!("evidence/rights-answer-{}.json", i + 1),
                st.json.clone(),
            ));
        }
        let (_, findings) = self.findings_for(&request.lender_id).await?;
        let contents = PacketContents {
            letter_name: letter_name(to),
            letter: text,
            extra,
        };
        self.write_evidence_packet(&request.lender_id, contents, findings, path.as_ref())
            .await
    }

    /// An RFC 5545 calendar with one event per statutory deadline (of one request, or of every
    /// open one when `request_id` is `None`), each with an alarm the day before; `texts` are
    /// the UI's words for each.
    pub async fn rights_calendar(
        &self,
        request_id: Option<&str>,
        texts: &[CalendarText],
    ) -> Result<String> {
        let requests = match request_id {
            Some(id) => vec![self.rights_request(id).await?],
            None => self
                .rights_requests()
                .await?
                .into_iter()
                .filter(|r| !matches!(r.status.as_str(), "resolved" | "rejected"))
                .collect(),
        };
        let events = calendar_events(&requests, texts);
        if events.is_empty() {
            return Err(EngineError::InvalidInput(
                "no statutory deadline to put in a calendar".into(),
            ));
        }
        Ok(calendar::ics(&events, now_ms()))
    }

    /// Writes [`Engine::rights_calendar`] to `path`, atomically.
    pub async fn save_rights_calendar(
        &self,
        request_id: Option<&str>,
        texts: &[CalendarText],
        path: impl AsRef<Path>,
    ) -> Result<String> {
        let text = self.rights_calendar(request_id, texts).await?;
        let path = path.as_ref().to_path_buf();
        let shown = path.display().to_string();
        tokio::task::spawn_blocking(move || {
            write_replacing(&path, |mut file| {
                use std::io::Write as _;
                file.write_all(text.as_bytes())?;
                file.sync_all()?;
                Ok(())
            })
        })
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))??;
        Ok(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::{ClockView, RightsKindView, RightsSubject};

    fn clock(id: &str, due_at: Option<i64>, overdue: bool, step: NextStep) -> ClockView {
        ClockView {
            id: id.into(),
            days: due_at.map(|_| 30),
            notified: due_at.is_some(),
            started_at: 0,
            due_at,
            overdue,
            source: "law".into(),
            clause: "cl. 1".into(),
            as_of: "2026-12-01".into(),
            in_force_from: None,
            next_step: step,
        }
    }

    fn request(clocks: Vec<ClockView>) -> RightsRequestView {
        RightsRequestView {
            id: "rr-1".into(),
            lender_id: "l".into(),
            lender_name: "Lender".into(),
            kind: RightsKindView::Grievance,
            status: "sent".into(),
            ticket: Some("KSL-1".into()),
            details: None,
            created_at: 0,
            lender_created_at: None,
            due_at: None,
            overdue: true,
            about: RightsSubject::default(),
            nominee: None,
            clocks,
        }
    }

    #[test]
    fn an_overdue_clock_offers_its_next_step_after_a_follow_up() {
        let r = request(vec![
            clock("rbi-ombudsman-30d", Some(1), true, NextStep::RbiOmbudsman),
            clock(
                "dpdp-grievance-90d",
                Some(2),
                false,
                NextStep::DataProtectionBoard,
            ),
        ]);
        let steps = next_steps(&r);
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].step, NextStep::LenderGrievance);
        assert_eq!(steps[1].step, NextStep::RbiOmbudsman);
        assert_eq!(steps[1].portal.as_deref(), Some(RBI_CMS));
        assert_eq!(
            letter_name(NextStep::RbiOmbudsman),
            "complaint-rbi-ombudsman.txt"
        );
    }

    #[test]
    fn one_event_per_deadline_worded_by_the_ui() {
        let r = request(vec![
            clock("rbi-ombudsman-30d", Some(10), true, NextStep::RbiOmbudsman),
            clock(
                "dpdp-rights-not-notified",
                None,
                false,
                NextStep::LenderGrievance,
            ),
        ]);
        let texts = [CalendarText {
            request_id: "rr-1".into(),
            clock_id: "rbi-ombudsman-30d".into(),
            summary: "Reply due".into(),
            description: "RBI rules, 30 days".into(),
        }];
        let events = calendar_events(std::slice::from_ref(&r), &texts);
        assert_eq!(events.len(), 1, "no deadline where no period is notified");
        assert_eq!(events[0].key, "rr-1-rbi-ombudsman-30d");
        assert_eq!(events[0].summary, "Reply due");
        // Without the UI's words: the ticket and the clock's id, no sentence.
        let bare = calendar_events(&[r], &[]);
        assert_eq!(bare[0].summary, "KSL-1 rbi-ombudsman-30d");
    }
}
