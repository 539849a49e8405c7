//! `dumpsys appops`: the app-ops service's state, and with `--history --include-discrete` its
//! discrete history.
//!
//! State (Android 10+): under `Uid u0a123:` and `Package PKG:`, an op header `NAME (mode):`
//! (`NAME (mode / switch OTHER=mode):`), then the last access and the last rejection per app
//! state and flags: `Access: [fg-s] 2025-11-30 10:15:00.123 (-3h2m) duration=+2s proxy[…]`
//! and `Reject: [bg-s]2025-11-30 …` (no space before the date). Android 11+ may nest these
//! under an attribution tag (`null=[` … `]`), which changes nothing here. Android 9 and older
//! print the op on one line with times relative to the dump: `NAME (mode): time=+1d2h ago;
//! rejectTime=+3h ago; duration=+5ms`, or `NAME: mode=allow; time=+1d ago`.
//!
//! Discrete history (Android 12+): `Uid: 10123`, `Package: PKG`, the op name alone,
//! `Attribution: tag`, then `Access [top-s] at 2025-11-30 10:15:00.000 for 60000 milliseconds`
//! (minute-rounded); newer versions print one table row per access instead, after the header
//! `UID|PACKAGE_NAME|DEVICE_ID|OP_NAME|ATTRIBUTION_TAG|UID_STATE|OP_FLAGS|ATTR_FLAGS|CHAIN_ID|
//! ACCESS_TIME|DURATION`. The aggregated history (`Historical ops`) has no access times and is
//! skipped.

use khata_evidence::phone::{AppState, ObservationKind};

use super::{Ctx, TextReader, emit, is_op_name, parse_duration, parse_local, uid_state};
use crate::collect::Collector;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    State,
    /// The aggregated history: counts per window, no times.
    Skip,
    Discrete,
}

/// The reader of `dumpsys appops` output.
pub(crate) struct Appops {
    section: Section,
    package: Option<String>,
    op: Option<String>,
    /// The discrete history as table rows.
    table: bool,
}

impl Appops {
    pub fn new() -> Self {
        Appops {
            section: Section::State,
            package: None,
            op: None,
            table: false,
        }
    }

    fn enter(&mut self, section: Section) {
        self.section = section;
        self.package = None;
        self.op = None;
        self.table = false;
    }

    fn state_line(&mut self, t: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        if t.starts_with("Uid ") && t.ends_with(':') {
            self.package = None;
            self.op = None;
            return true;
        }
        if let Some(rest) = t.strip_prefix("Package ")
            && let Some(name) = rest.strip_suffix(':')
        {
            self.package = Some(name.trim().to_string());
            self.op = None;
            return true;
        }
        for (prefix, kind) in [
            ("Access:", ObservationKind::Access),
            ("Reject:", ObservationKind::Rejected),
        ] {
            if let Some(rest) = t.strip_prefix(prefix) {
                return self.last_access(rest, kind, ctx, c);
            }
        }
        if let Some((name, rest)) = op_header(t) {
            self.op = Some(name.to_string());
            if let Some(app) = &self.package {
                return inline_times(app, name, rest, ctx, c);
            }
        }
        true
    }

    /// `[fg-s] 2025-11-30 10:15:00.123 (-3h2m) duration=+2s proxy[…]`.
    fn last_access(
        &mut self,
        rest: &str,
        kind: ObservationKind,
        ctx: &mut Ctx,
        c: &mut Collector,
    ) -> bool {
        let (Some(app), Some(op)) = (&self.package, &self.op) else {
            // A uid-level op (no package) is nobody's record here.
            return self.package.is_none();
        };
        let rest = rest.trim_start();
        let (state, rest) = match rest.strip_prefix('[') {
            Some(r) => match r.split_once(']') {
                Some((key, after)) => (uid_state(key.split('-').next().unwrap_or("")), after),
                None => return false,
            },
            None => (AppState::Unknown, rest),
        };
        let mut words = rest.split_whitespace();
        let (Some(day), Some(time)) = (words.next(), words.next()) else {
            return false;
        };
        let Some(at) = parse_local(&format!("{day} {time}")) else {
            return false;
        };
        let first = ctx.local(at);
        let duration = words
            .find_map(|w| w.strip_prefix("duration="))
            .and_then(parse_duration)
            .unwrap_or(0)
            .max(0);
        emit(
            c,
            app,
            op,
            kind,
            state,
            first,
            first.saturating_add(duration),
        );
        true
    }

    fn discrete_line(&mut self, t: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        if self.table {
            return table_row(t, ctx, c);
        }
        if t.starts_with("UID|PACKAGE_NAME|") {
            self.table = true;
            return true;
        }
        if let Some(rest) = t.strip_prefix("Uid:") {
            let _uid = rest.trim();
            self.package = None;
            self.op = None;
            return true;
        }
        if let Some(rest) = t.strip_prefix("Package:") {
            self.package = Some(rest.trim().to_string());
            self.op = None;
            return true;
        }
        if t.starts_with("Attribution:") || t.starts_with("Largest chain id:") {
            return true;
        }
        if is_op_name(t) {
            self.op = Some(t.to_string());
            return true;
        }
        if let Some(rest) = t.strip_prefix("Access [") {
            let (Some(app), Some(op)) = (&self.package, &self.op) else {
                return false;
            };
            return discrete_access(app, op, rest, ctx, c);
        }
        true
    }
}

impl TextReader for Appops {
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        let t = line.trim();
        if t.is_empty() {
            return true;
        }
        if t.starts_with("Current AppOps Service state") {
            self.enter(Section::State);
            return true;
        }
        if t.starts_with("Discrete accesses") {
            self.enter(Section::Discrete);
            return true;
        }
        if self.section != Section::Discrete
            && (t.starts_with("Historical ops") || t == "History:" || t.starts_with("History ("))
        {
            self.enter(Section::Skip);
            return true;
        }
        // A discrete dump without its header (or one section of a bug report).
        if self.section == Section::State
            && (t.starts_with("Uid: ")
                || t.starts_with("Largest chain id:")
                || t.starts_with("UID|PACKAGE_NAME|"))
        {
            self.enter(Section::Discrete);
        }
        match self.section {
            Section::State => self.state_line(t, ctx, c),
            Section::Discrete => self.discrete_line(t, ctx, c),
            Section::Skip => true,
        }
    }
}

/// `NAME (mode…):` or `NAME: …` → (NAME, what follows the colon).
fn op_header(t: &str) -> Option<(&str, &str)> {
    let name_end = t.find([' ', ':']).unwrap_or(t.len());
    let name = &t[..name_end];
    if !is_op_name(name) {
        return None;
    }
    let after = &t[name_end..];
    if let Some(rest) = after.strip_prefix(':') {
        return Some((name, rest));
    }
    let inner = after.trim_start().strip_prefix('(')?;
    let close = inner.find("):")?;
    Some((name, &inner[close + 2..]))
}

/// The one-line forms of Android 9 and older: `time=+1d2h ago; rejectTime=+3h ago`, or per
/// state `time=[top=+1h ago, bg=+2h ago]`.
fn inline_times(app: &str, op: &str, rest: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
    let mut ok = true;
    for part in split_fields(rest) {
        let (kind, value) = if let Some(v) = part.strip_prefix("time=") {
            (ObservationKind::Access, v)
        } else if let Some(v) = part.strip_prefix("rejectTime=") {
            (ObservationKind::Rejected, v)
        } else {
            continue;
        };
        ok &= relative_times(app, op, kind, value, ctx, c);
    }
    ok
}

/// Fields separated by `;` (or spaces) at the top level, never inside `[…]`.
fn split_fields(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// `+1d2h ago`, `+5m ago (running)` or `[top=+1h ago, bg=+2h ago]`, made absolute from the
/// capture's clock.
pub(crate) fn relative_times(
    app: &str,
    op: &str,
    kind: ObservationKind,
    value: &str,
    ctx: &mut Ctx,
    c: &mut Collector,
) -> bool {
    let value = value.trim();
    let entries: Vec<(AppState, &str)> = match value.strip_prefix('[') {
        Some(inner) => {
            let inner = inner.trim_end_matches(']');
            let mut v = Vec::new();
            for e in inner.split(',') {
                match e.trim().split_once('=') {
                    Some((state, d)) => v.push((uid_state(state.trim()), d)),
                    None => return false,
                }
            }
            v
        }
        None => vec![(AppState::Unknown, value)],
    };
    for (state, d) in entries {
        let d = d.trim();
        let d = d.strip_suffix("(running)").unwrap_or(d).trim();
        let Some(d) = d.strip_suffix("ago") else {
            return false;
        };
        let Some(ago) = parse_duration(d) else {
            return false;
        };
        let Some(at) = ctx.ago(ago) else {
            return false;
        };
        emit(c, app, op, kind, state, at, at);
    }
    true
}

/// `top-s] at 2025-11-30 10:15:00.000 for 60000 milliseconds  attribution flags=…`.
fn discrete_access(app: &str, op: &str, rest: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
    let Some((key, after)) = rest.split_once(']') else {
        return false;
    };
    let state = uid_state(key.split('-').next().unwrap_or(""));
    let Some(after) = after.trim_start().strip_prefix("at ") else {
        return false;
    };
    let mut words = after.split_whitespace();
    let (Some(day), Some(time)) = (words.next(), words.next()) else {
        return false;
    };
    let Some(at) = parse_local(&format!("{day} {time}")) else {
        return false;
    };
    let first = ctx.local(at);
    let duration = match (words.next(), words.next()) {
        (Some("for"), Some(ms)) => ms.parse::<i64>().unwrap_or(0).max(0),
        _ => 0,
    };
    emit(
        c,
        app,
        op,
        ObservationKind::Access,
        state,
        first,
        first.saturating_add(duration),
    );
    true
}

/// `10123|PKG|default|CAMERA|null|top|s|0|0|2025-11-30 10:15:00.000|60000`.
fn table_row(t: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
    let f: Vec<&str> = t.split('|').collect();
    if f.len() < 11 {
        return false;
    }
    let (app, op, state, time, duration) = (f[1], f[3], f[5], f[9], f[10]);
    if app.is_empty() || !is_op_name(op) {
        return false;
    }
    let Some(at) = parse_local(time) else {
        return false;
    };
    let first = ctx.local(at);
    let duration = duration.trim().parse::<i64>().unwrap_or(0).max(0);
    emit(
        c,
        app,
        op,
        ObservationKind::Access,
        uid_state(state),
        first,
        first.saturating_add(duration),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_headers_of_every_version() {
        assert_eq!(
            op_header("READ_CONTACTS (allow):"),
            Some(("READ_CONTACTS", ""))
        );
        assert_eq!(
            op_header("COARSE_LOCATION (allow / switch COARSE_LOCATION=allow): time=+1h ago"),
            Some(("COARSE_LOCATION", " time=+1h ago"))
        );
        assert_eq!(
            op_header("CAMERA: mode=allow; time=+1d ago"),
            Some(("CAMERA", " mode=allow; time=+1d ago"))
        );
        assert_eq!(op_header("Access: [fg-s] 2025-01-01"), None);
        assert_eq!(op_header("state=top"), None);
    }

    #[test]
    fn fields_split_outside_brackets() {
        assert_eq!(
            split_fields(" mode=allow; time=[top=+1h ago, bg=+2h ago]; duration=+5ms"),
            vec![
                "mode=allow",
                "time=[top=+1h ago, bg=+2h ago]",
                "duration=+5ms"
            ]
        );
    }
}
