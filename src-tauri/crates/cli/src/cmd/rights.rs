//! `khata rights list` and `khata rights request`: the borrower's rights requests to a lender
//! from the terminal, through the engine the app uses (recorded and queued in one step, sent
//! now if the lender answers, later by the outbox otherwise). JSON with `--format json`, words
//! otherwise.

use std::io::Write as _;
use std::process::ExitCode;

use khata_engine::Engine;
use khata_engine::views::{RightsKindView, RightsRequestView};

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
    /// What you ask, in your words (1 to 4000 characters).
    #[arg(long, value_name = "TEXT")]
    pub details: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// `--kind`: the request kinds the engine files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RightsKindArg {
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
            let r = engine
                .request_right(&a.lender, a.kind.into(), a.details)
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
            due_at: Some(86_400_000),
            overdue: true,
        };
        let s = request_line(&r);
        assert!(s.starts_with("human review request r-1 to Lender (l-1), sent, ticket T-9; OVERDUE since 1970-01-02"), "{s}");
        assert!(s.ends_with("  Please review\n"), "{s}");
    }
}
