//! `khata rights list` and `khata rights request`: the borrower's rights requests to a lender
//! from the terminal, through the engine the app uses (recorded and queued in one step, sent
//! now if the lender answers, later by the outbox otherwise). JSON with `--format json`, words
//! otherwise.

use std::io::Write as _;
use std::process::ExitCode;

use khata_engine::Engine;
use khata_engine::views::{RequestNominee, RightsKindView, RightsRequestView, RightsSubject};

use super::Format;
use super::journey::lender;

#[derive(Debug, clap::Subcommand)]
pub enum RightsCmd {
    /// The rights requests made, newest first, with their due dates.
    List(ListArgs),
    /// Ask a lender to act on a right.
    Request(RequestArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// The lender's id.
    #[arg(long, value_name = "ID")]
    pub lender: String,
    #[arg(long, value_enum)]
    pub kind: RightsKindArg,
    /// What you ask, in your words (1 to 10,000 characters).
    #[arg(long, value_name = "TEXT")]
    pub details: String,
    /// The signal the request is about (e.g. a correction of `sms_income`).
    #[arg(long, value_name = "SIGNAL")]
    pub signal: Option<String>,
    /// The offer the request is about (e.g. a review of its decision).
    #[arg(long, value_name = "OFFER_ID")]
    pub offer: Option<String>,
    /// The consent the request is about (e.g. erasure of what it let the lender collect).
    #[arg(long, value_name = "CONSENT_ID")]
    pub consent: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// `--kind`: the request kinds the engine files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RightsKindArg {
    /// A summary of the data the lender holds and who it was shared with (DPDP Act s.11).
    Access,
    /// Name the nominee kept in the app's Your details to act for you (DPDP Act s.14).
    Nomination,
    /// Correct data the lender holds that is wrong or incomplete.
    Correction,
    /// Erase data the lender holds.
    Erasure,
    /// A complaint to the lender's grievance officer.
    Grievance,
    /// A person, not only the model, to review a decision about you.
    HumanReview,
}

impl From<RightsKindArg> for RightsKindView {
    fn from(k: RightsKindArg) -> Self {
        match k {
            RightsKindArg::Access => RightsKindView::Access,
            RightsKindArg::Nomination => RightsKindView::Nomination,
            RightsKindArg::Correction => RightsKindView::Correction,
            RightsKindArg::Erasure => RightsKindView::Erasure,
            RightsKindArg::Grievance => RightsKindView::Grievance,
            RightsKindArg::HumanReview => RightsKindView::HumanReview,
        }
    }
}

/// The kind in words.
fn kind(k: RightsKindView) -> &'static str {
    match k {
        RightsKindView::Access => "access",
        RightsKindView::Nomination => "nomination",
        RightsKindView::Correction => "correction",
        RightsKindView::Erasure => "erasure",
        RightsKindView::Grievance => "grievance",
        RightsKindView::HumanReview => "human review",
    }
}

pub async fn run(engine: &Engine, cmd: RightsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RightsCmd::List(a) => {
            let list = engine.rights_requests().await?;
            if a.format == Format::Json {
                return super::engine::print(&list);
            }
            let mut s = String::new();
            if list.is_empty() {
                s.push_str("No rights request yet: `khata rights request --help`.\n");
            }
            for r in &list {
                s.push_str(&request_line(r));
            }
            let _ = std::io::stdout().lock().write_all(s.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        RightsCmd::Request(a) => {
            let nominee = if a.kind == RightsKindArg::Nomination {
                let Some(n) = engine.nominee().await? else {
                    anyhow::bail!(
                        "no nominee is recorded: add one under Your details in the app first"
                    );
                };
                Some(RequestNominee {
                    name: n.name,
                    relationship: n.relationship,
                    contact: n.contact,
                })
            } else {
                None
            };
            let about = RightsSubject {
                signal: a.signal,
                offer_id: a.offer,
                consent_id: a.consent,
            };
            let r = engine
                .request_right(&a.lender, a.kind.into(), a.details, about, nominee)
                .await?;
            if a.format == Format::Json {
                return super::engine::print(&r);
            }
            let _ = std::io::stdout()
                .lock()
                .write_all(format!("Recorded: {}", request_line(&r)).as_bytes());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One request in words, with a line for its details.
pub fn request_line(r: &RightsRequestView) -> String {
    let due = match r.due_at {
        Some(d) if r.overdue => format!("; OVERDUE since {}", super::finding_text::time(d)),
        Some(d) => format!("; due {}", super::finding_text::time(d)),
        None => String::new(),
    };
    let mut s = format!(
        "{} request {} to {} ({}), {}{}{}, made {}\n",
        kind(r.kind),
        lender(&r.id),
        lender(&r.lender_name),
        lender(&r.lender_id),
        lender(&r.status),
        r.ticket
            .as_deref()
            .map(|t| format!(", ticket {}", lender(t)))
            .unwrap_or_default(),
        due,
        super::finding_text::time(r.created_at),
    );
    if let Some(d) = &r.details {
        s.push_str(&format!("  {}\n", lender(d)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overdue_request_says_so() {
        let r = RightsRequestView {
            id: "r-1".into(),
            lender_id: "l-1".into(),
            lender_name: "Lender".into(),
            kind: RightsKindView::HumanReview,
            status: "sent".into(),
            ticket: Some("T-9".into()),
            details: Some("Please\nreview".into()),
            created_at: 0,
            lender_created_at: None,
            due_at: Some(86_400_000),
            overdue: true,
            about: RightsSubject::default(),
            nominee: None,
            clocks: vec![],
        };
        let s = request_line(&r);
        assert!(s.starts_with("human review request r-1 to Lender (l-1), sent, ticket T-9; OVERDUE since 1970-01-02"), "{s}");
        assert!(s.ends_with("  Please review\n"), "{s}");
    }
}
