//! Rights requests between the wire, the vault and the views: kinds, what a request is about,
//! the nominee, and each request's statutory clocks (`khata_evidence::rights_clocks`).

use std::collections::HashMap;

use khata_evidence::rights_clocks::{ClockStatus, ClockedRequest, clock_status};
use khata_lending::types as wire;
use khata_vault as vault;

use crate::views::*;

pub fn rights_status(s: wire::RightsStatus) -> vault::RightsStatus {
    match s {
        wire::RightsStatus::Received => vault::RightsStatus::Acknowledged,
        wire::RightsStatus::InProgress => vault::RightsStatus::Acknowledged,
        wire::RightsStatus::Resolved => vault::RightsStatus::Resolved,
        wire::RightsStatus::Rejected => vault::RightsStatus::Rejected,
    }
}

pub fn rights_kind(k: RightsKindView) -> vault::RightsKind {
    match k {
        RightsKindView::Access => vault::RightsKind::Access,
        RightsKindView::Correction => vault::RightsKind::Correction,
        RightsKindView::Erasure => vault::RightsKind::Erasure,
        RightsKindView::Grievance => vault::RightsKind::Grievance,
        RightsKindView::Nomination => vault::RightsKind::Nomination,
        RightsKindView::HumanReview => vault::RightsKind::HumanReview,
    }
}

/// The view of a vault kind; `None` for one the lending API does not take (portability).
pub fn rights_kind_view(k: vault::RightsKind) -> Option<RightsKindView> {
    Some(match k {
        vault::RightsKind::Access => RightsKindView::Access,
        vault::RightsKind::Correction => RightsKindView::Correction,
        vault::RightsKind::Erasure => RightsKindView::Erasure,
        vault::RightsKind::Grievance => RightsKindView::Grievance,
        vault::RightsKind::Nomination => RightsKindView::Nomination,
        vault::RightsKind::HumanReview => RightsKindView::HumanReview,
        vault::RightsKind::Portability => return None,
    })
}

pub fn wire_rights_kind(k: vault::RightsKind) -> Option<wire::RightsKind> {
    Some(match k {
        vault::RightsKind::Access => wire::RightsKind::Access,
        vault::RightsKind::Correction => wire::RightsKind::Correction,
        vault::RightsKind::Erasure => wire::RightsKind::Erasure,
        vault::RightsKind::Grievance => wire::RightsKind::Grievance,
        vault::RightsKind::Nomination => wire::RightsKind::Nomination,
        vault::RightsKind::HumanReview => wire::RightsKind::HumanReview,
        vault::RightsKind::Portability => return None,
    })
}

pub fn wire_nominee(n: &vault::RequestNominee) -> wire::Nominee {
    wire::Nominee {
        name: n.name.clone(),
        relationship: n.relationship.clone(),
        contact: n.contact.clone(),
    }
}

fn closed(r: &vault::RightsRequest) -> bool {
    matches!(
        r.status,
        vault::RightsStatus::Resolved | vault::RightsStatus::Rejected
    )
}

/// The statutory clocks on `r` at `now` (none for a kind the lending API does not take).
pub fn rights_clocks(r: &vault::RightsRequest, now: i64) -> Vec<ClockView> {
    let Some(kind) = wire_rights_kind(r.kind) else {
        return Vec::new();
    };
    let request = ClockedRequest {
        kind,
        sent_at: r.created_at,
        lender_created_at: r.lender_created_at,
        closed: closed(r),
    };
    clock_status(&request, now).iter().map(clock_view).collect()
}

fn clock_view(s: &ClockStatus) -> ClockView {
    ClockView {
        id: s.clock.id.into(),
        days: s.clock.days,
        notified: s.clock.notified,
        started_at: s.started_at,
        due_at: s.due_at,
        overdue: s.overdue,
        source: s.clock.law.into(),
        clause: s.clock.clause.into(),
        as_of: s.clock.as_of.into(),
        in_force_from: s.clock.in_force_from.map(Into::into),
        next_step: s.clock.next_step,
    }
}

/// Past the lender's own `dueBy` and not answered (the statutory clocks say the rest).
pub fn rights_overdue(r: &vault::RightsRequest, now: i64) -> bool {
    !closed(r) && r.due_at.is_some_and(|d| d < now)
}

/// Late: past the lender's own `dueBy` or a statutory deadline, and not answered.
pub fn rights_late(r: &vault::RightsRequest, now: i64) -> bool {
    rights_overdue(r, now) || rights_clocks(r, now).iter().any(|c| c.overdue)
}

pub fn rights_view(
    r: &vault::RightsRequest,
    names: &HashMap<String, String>,
    now: i64,
) -> Option<RightsRequestView> {
    let kind = rights_kind_view(r.kind)?;
    let clocks = rights_clocks(r, now);
    Some(RightsRequestView {
        id: r.id.clone(),
        lender_id: r.lender_id.clone(),
        lender_name: names.get(&r.lender_id).cloned().unwrap_or_default(),
        kind,
        status: r.status.as_str().into(),
        ticket: r.ticket.clone(),
        details: r.details.clone(),
        created_at: r.created_at,
        lender_created_at: r.lender_created_at,
        due_at: r.due_at,
        overdue: rights_overdue(r, now) || clocks.iter().any(|c| c.overdue),
        about: RightsSubject {
            signal: r.about.signal.clone(),
            offer_id: r.about.offer_id.clone(),
            consent_id: r.about.consent_id.clone(),
        },
        nominee: r.about.nominee.as_ref().map(|n| RequestNominee {
            name: n.name.clone(),
            relationship: n.relationship.clone(),
            contact: n.contact.clone(),
        }),
        clocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    const T0: i64 = 1_790_000_000_000;

    fn request(kind: vault::RightsKind) -> vault::RightsRequest {
        vault::RightsRequest {
            id: "rr-1".into(),
            lender_id: "l".into(),
            kind,
            status: vault::RightsStatus::Sent,
            ticket: Some("T-1".into()),
            details: Some("words".into()),
            created_at: T0,
            due_at: Some(T0 + 60 * DAY),
            about: vault::RightsAbout {
                signal: Some("upi_inflow".into()),
                ..Default::default()
            },
            lender_created_at: Some(T0 - 31 * DAY),
        }
    }

    #[test]
    fn a_grievance_the_lender_dated_31_days_ago_is_overdue_whatever_its_due_by() {
        let names = HashMap::from([("l".to_owned(), "Lender".to_owned())]);
        let r = request(vault::RightsKind::Grievance);
        let v = rights_view(&r, &names, T0).unwrap();
        // The lender promised 60 days from Khata's send; the RBI's 30 run from its own
        // signed createdAt, 31 days ago. Home's alert says so too.
        assert!(v.overdue);
        assert!(!rights_overdue(&r, T0) && rights_late(&r, T0));
        assert_eq!(v.clocks.len(), 2);
        let rbi = &v.clocks[0];
        assert_eq!(rbi.id, "rbi-ombudsman-30d");
        assert_eq!(rbi.started_at, T0 - 31 * DAY);
        assert_eq!(rbi.due_at, Some(T0 - DAY));
        assert!(rbi.overdue);
        assert_eq!(rbi.next_step, NextStep::RbiOmbudsman);
        assert!(!v.clocks[1].overdue);
        assert_eq!(v.about.signal.as_deref(), Some("upi_inflow"));
        assert_eq!(v.lender_name, "Lender");
    }

    #[test]
    fn every_kind_round_trips_and_portability_is_not_shown() {
        for k in [
            RightsKindView::Access,
            RightsKindView::Correction,
            RightsKindView::Erasure,
            RightsKindView::Grievance,
            RightsKindView::Nomination,
            RightsKindView::HumanReview,
        ] {
            assert_eq!(rights_kind_view(rights_kind(k)), Some(k));
            assert!(wire_rights_kind(rights_kind(k)).is_some());
        }
        let mut r = request(vault::RightsKind::Portability);
        assert!(rights_view(&r, &HashMap::new(), T0).is_none());
        r.kind = vault::RightsKind::Nomination;
        r.about.nominee = Some(vault::RequestNominee {
            name: "Sunita".into(),
            relationship: "Mother".into(),
            contact: "+91 98765 43210".into(),
        });
        let v = rights_view(&r, &HashMap::new(), T0).unwrap();
        assert_eq!(v.nominee.unwrap().name, "Sunita");
        assert!(!v.clocks[0].notified);
    }
}
