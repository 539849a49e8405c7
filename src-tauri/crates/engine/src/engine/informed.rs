//! Staying informed: the app settings kept in the vault, and the review after each sync or
//! phone import — what is new since Khata last looked (notices, told once) and the audit's
//! result summary that Home reads instead of running the audit at start-up.
//!
//! A notice's key names the event it is about, so the same event never gives two notices; the
//! vault keeps every key it has seen and which notices the window has not yet shown, so a
//! crash between the review and the notification loses nothing.

use std::collections::{BTreeMap, HashMap};

use khata_evidence::audit::{Finding, Rule, Severity};
use khata_lending::lender_text::sanitize_to;
use khata_vault::{ConsentStatus, NewNotice, StoredAuditSummary, StoredNotice, Vault, now_ms};

use super::{Engine, lender_names};
use crate::convert::{self, Catalog};
use crate::error::{EngineError, Result};
use crate::views::*;

/// The settings key of [`AppSettings`].
const SETTINGS_KEY: &str = "app";
/// How long before its expiry a consent is worth a notice.
const EXPIRING_WITHIN_MS: i64 = 7 * 24 * 3600 * 1000;
/// The most characters of a lender's or signal's name in a notice.
const NAME_CHARS: usize = 80;

impl Engine {
    /// The borrower's app settings; the defaults until changed.
    pub async fn app_settings(&self) -> Result<AppSettings> {
        self.with_vault(|v| settings_in(v)).await
    }

    /// Changes the app settings (the interval is checked, not clamped).
    pub async fn set_app_settings(&self, settings: AppSettings) -> Result<AppSettings> {
        if !(AppSettings::MIN_INTERVAL..=AppSettings::MAX_INTERVAL)
            .contains(&settings.sync_interval_min)
        {
            return Err(EngineError::InvalidInput(format!(
                "the sync interval is {} to {} minutes",
                AppSettings::MIN_INTERVAL,
                AppSettings::MAX_INTERVAL
            )));
        }
        self.with_vault(move |v| {
            v.set_setting(SETTINGS_KEY, &serde_json::to_string(&settings)?)?;
            Ok(settings)
        })
        .await
    }

    /// Audits the vault, keeps the result summary and every new notice, and returns the
    /// notices not yet shown (new ones and any left from before), oldest first. The first
    /// review of a vault only takes stock: what is there already is not news.
    pub async fn review(&self) -> Result<Vec<Notice>> {
        self.with_vault(|v| review_in(v, now_ms())).await
    }

    /// Marks notices as shown, so they are not handed out again.
    pub async fn acknowledge_notices(&self, ids: Vec<i64>) -> Result<()> {
        self.with_vault(move |v| Ok(v.mark_notices_delivered(&ids)?))
            .await
    }
}

pub(crate) fn settings_in(v: &Vault) -> Result<AppSettings> {
    Ok(match v.setting(SETTINGS_KEY)? {
        // A value this version cannot read (a newer one's) counts as unset.
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => AppSettings::default(),
    })
}

/// The stored findings summary, if a review has run.
pub(crate) fn stored_summary(v: &Vault) -> Result<Option<FindingsSummary>> {
    Ok(v.audit_summary()?
        .and_then(|s| serde_json::from_str(&s.summary).ok()))
}

fn review_in(v: &mut Vault, now: i64) -> Result<Vec<Notice>> {
    let first_look = v.audit_summary()?.is_none();
    let head = v.ledger_head_seq()?;
    let report = crate::audit::load::audit_vault(v, now)?;
    let names = lender_names(v)?;
    let cat = Engine::catalog(v)?;
    let mut notices = vec![];
    for f in &report.findings {
        if let Some(n) = finding_notice(f, &names, &cat) {
            notices.push(n);
        }
    }
    for a in v.consent_actions(None)? {
        if convert::revocation_view(&a).state == DeliveryState::Confirmed {
            notices.push(notice(
                format!("receipt-confirmed:{}", a.revocation.id),
                NoticeKind::ReceiptConfirmed,
                [
                    ("lender", lender(&names, &a.revocation.lender_id)),
                    ("action", a.action.as_str().to_owned()),
                ],
            ));
        }
    }
    for r in v.rights_requests(None)? {
        if convert::rights_overdue(&r, now) {
            notices.push(notice(
                format!("request-overdue:{}", r.id),
                NoticeKind::RequestOverdue,
                [
                    ("lender", lender(&names, &r.lender_id)),
                    ("kind", r.kind.as_str().to_owned()),
                    ("dueAt", r.due_at.unwrap_or_default().to_string()),
                ],
            ));
        }
    }
    for c in v.all_consents()? {
        if c.status == ConsentStatus::Active
            && c.consent_expiry > now
            && c.consent_expiry - now < EXPIRING_WITHIN_MS
        {
            notices.push(notice(
                format!("consent-expiring:{}:{}", c.id, c.consent_expiry),
                NoticeKind::ConsentExpiring,
                [
                    ("lender", lender(&names, &c.lender_id)),
                    ("expiresAt", c.consent_expiry.to_string()),
                ],
            ));
        }
    }
    let summary = summarise(
        &report.findings,
        &report.summary.by_severity,
        &names,
        &cat,
        now,
    );
    let stored = StoredAuditSummary {
        computed_at: now,
        ledger_head: head,
        summary: serde_json::to_string(&summary)?,
    };
    let pending = v.record_notices(&notices, &stored)?;
    if first_look {
        // Taking stock: everything known now is recorded as told.
        let ids: Vec<i64> = pending.iter().map(|n| n.id).collect();
        v.mark_notices_delivered(&ids)?;
        return Ok(vec![]);
    }
    Ok(pending.into_iter().filter_map(notice_view).collect())
}

/// A finding's stable key: its rule and the evidence behind it. A collection that continues
/// after a revocation brings newer evidence, so it is news again.
pub fn finding_key(f: &Finding) -> String {
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("{}:{}", e.kind, e.id))
        .collect();
    format!("{}|{}|{}", f.rule.id(), f.lender_id, evidence.join(","))
}

/// The notice a finding is worth, if any: collections after a revocation and contradicting
/// receipts always, other findings when critical or high.
fn finding_notice(
    f: &Finding,
    names: &HashMap<String, String>,
    cat: &Catalog,
) -> Option<NewNotice> {
    let kind = match f.rule {
        Rule::CollectedAfterRevocation
        | Rule::CollectedAfterSignalRevocation
        | Rule::ObservedAfterRevocation => NoticeKind::CollectionAfterRevocation,
        Rule::ReceiptContradictsRequest => NoticeKind::ReceiptContradicted,
        _ if matches!(f.severity, Severity::Critical | Severity::High) => NoticeKind::NewFinding,
        _ => return None,
    };
    let mut params = vec![
        ("lender", lender(names, &f.lender_id)),
        ("rule", f.rule.id().to_owned()),
        ("severity", severity(f.severity).to_owned()),
        ("count", f.count.to_string()),
    ];
    if let Some(s) = &f.signal {
        params.push((
            "signal",
            sanitize_to(&cat.name(&f.lender_id, s), NAME_CHARS),
        ));
    }
    Some(notice(format!("finding:{}", finding_key(f)), kind, params))
}

fn summarise(
    findings: &[Finding],
    by_severity: &BTreeMap<String, u64>,
    names: &HashMap<String, String>,
    cat: &Catalog,
    now: i64,
) -> FindingsSummary {
    // Most severe first; within a severity, by rule (the rules' order puts collections after
    // a revocation first), then the most recent.
    let mut grave: Vec<&Finding> = findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Critical | Severity::High))
        .collect();
    grave.sort_by_key(|f| (f.severity, f.rule, std::cmp::Reverse(f.last_at)));
    let alerts: Vec<FindingAlertView> = grave
        .into_iter()
        .map(|f| FindingAlertView {
            key: finding_key(f),
            rule: f.rule.id().to_owned(),
            severity: severity(f.severity).to_owned(),
            lender_id: f.lender_id.clone(),
            lender_name: lender(names, &f.lender_id),
            signal: f
                .signal
                .as_ref()
                .map(|s| sanitize_to(&cat.name(&f.lender_id, s), NAME_CHARS)),
            signal_texts: f.signal.as_ref().map(|s| cat.texts(&f.lender_id, s)),
            count: f.count,
            last_at: f.last_at,
        })
        .collect();
    FindingsSummary {
        computed_at: now,
        by_severity: by_severity.clone(),
        alerts,
        phone_findings: findings
            .iter()
            .filter(|f| f.rule.id().starts_with("observed-"))
            .count() as u32,
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

/// A lender's name as a notice shows it: cleaned and bounded (the lender chose it).
fn lender(names: &HashMap<String, String>, id: &str) -> String {
    sanitize_to(names.get(id).map(String::as_str).unwrap_or(id), NAME_CHARS)
}

fn notice<'a>(
    key: String,
    kind: NoticeKind,
    params: impl IntoIterator<Item = (&'a str, String)>,
) -> NewNotice {
    let params: BTreeMap<&str, String> = params.into_iter().collect();
    NewNotice {
        key,
        kind: kind.as_str().to_owned(),
        params: serde_json::to_string(&params).unwrap_or_else(|_| "{}".into()),
    }
}

/// A stored notice as the UI reads it; one of an unknown kind (a newer version's) is skipped.
fn notice_view(n: StoredNotice) -> Option<Notice> {
    Some(Notice {
        id: n.id,
        kind: NoticeKind::parse(&n.kind)?,
        params: serde_json::from_str(&n.params).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_kind_round_trips_its_spelling() {
        for k in [
            NoticeKind::CollectionAfterRevocation,
            NoticeKind::NewFinding,
            NoticeKind::ReceiptConfirmed,
            NoticeKind::ReceiptContradicted,
            NoticeKind::RequestOverdue,
            NoticeKind::ConsentExpiring,
        ] {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::String(k.as_str().into())
            );
        }
    }
}
