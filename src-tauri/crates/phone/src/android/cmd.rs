//! `cmd appops get PKG`: one line per op, its mode and the last access and rejection as times
//! relative to when the command ran: `READ_CONTACTS: allow; time=+1d2h3m4s5ms ago;
//! rejectTime=+3h ago; duration=+5ms` (`(running)` after the time while in use), `Uid mode:
//! OP: mode` lines for the uid's own modes, or `No operations.`. The output never names its
//! package: a capture's section line does, and a saved file's app is the one the caller names.
//!
//! The times are across all app states (the state is unknown) and are made absolute from the
//! capture's clock: the phone's own in a capture, the file's modification time for a saved
//! file (the source then says so: `SourceLimit::ClockFromFileTime`).

use khata_evidence::phone::ObservationKind;

use super::appops::relative_times;
use super::{Ctx, TextReader, is_op_name};
use crate::collect::Collector;

/// The reader of `cmd appops get` output, for `app` (if known).
pub(crate) struct Cmd {
    app: Option<String>,
}

impl Cmd {
    pub fn new(app: Option<String>) -> Self {
        Cmd { app }
    }
}

/// Whether `t` is an op line: `NAME: mode…`.
pub(crate) fn is_op_line(t: &str) -> bool {
    let Some((name, rest)) = t.split_once(": ") else {
        return false;
    };
    let mode = rest.split(';').next().unwrap_or("").trim();
    is_op_name(name) && !mode.is_empty() && mode.bytes().all(|b| b.is_ascii_lowercase())
}

impl TextReader for Cmd {
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        let t = line.trim();
        if t.is_empty() || t.starts_with("Uid mode:") || t == "No operations." {
            return true;
        }
        if !is_op_line(t) {
            // An op name with something unreadable after it is a record we failed to read.
            let name = t.split(':').next().unwrap_or("");
            return !(t.contains(':') && is_op_name(name));
        }
        let (op, rest) = t.split_once(": ").unwrap_or((t, ""));
        let mut ok = true;
        for part in rest.split(';').map(str::trim) {
            let (kind, value) = if let Some(v) = part.strip_prefix("time=") {
                (ObservationKind::Access, v)
            } else if let Some(v) = part.strip_prefix("rejectTime=") {
                (ObservationKind::Rejected, v)
            } else {
                continue;
            };
            match &self.app {
                Some(app) => ok &= relative_times(app, op, kind, value, ctx, c),
                // No app to attribute it to (a survey of a saved file): the span only.
                None => ok &= span_only(value, ctx, c),
            }
        }
        ok
    }
}

fn span_only(value: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
    let v = value.trim();
    let v = v.strip_suffix("(running)").unwrap_or(v).trim();
    let Some(ago) = v.strip_suffix("ago").and_then(super::parse_duration) else {
        return false;
    };
    if let Some(at) = ctx.ago(ago) {
        c.tally.at(at);
    }
    true
}
