//! Calendar reminders for the statutory deadlines of rights requests: an RFC 5545 iCalendar
//! file the borrower imports into any calendar, one all-day event per deadline with an alarm
//! the day before. Written by hand rather than with a crate: the few rules that matter (CRLF
//! line ends, text escaping, lines folded at 75 octets without splitting a character, a stable
//! UID so importing twice updates instead of duplicating) are tested here against the RFC.
//!
//! The summary and description are the UI's words, passed in: Rust composes no sentence.

use chrono::{DateTime, Utc};

/// One deadline, as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable per request and clock, e.g. `{request id}-{clock id}`; made a UID under Khata's
    /// domain.
    pub key: String,
    /// The deadline (Unix ms); the event is on its date in India (UTC+05:30).
    pub due_at: i64,
    pub summary: String,
    pub description: String,
}

/// The most octets a content line may hold before it is folded (RFC 5545 §3.1).
const FOLD_AT: usize = 75;

/// India Standard Time's offset from UTC in seconds: a deadline's date is the borrower's.
const IST_SECONDS: i32 = 5 * 3600 + 30 * 60;

/// The whole calendar: `VCALENDAR` with one `VEVENT` (and its `VALARM`) per event; `now`
/// stamps `DTSTAMP`.
pub fn ics(events: &[CalendarEvent], now: i64) -> String {
    let mut out = String::new();
    let mut line = |s: &str| out.push_str(&fold(s));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Khata//Rights deadlines//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    let stamp = utc_stamp(now);
    for e in events {
        let date = ist_date(e.due_at);
        let next = date.succ_opt().unwrap_or(date);
        line("BEGIN:VEVENT");
        line(&format!("UID:{}@khata.app", uid_part(&e.key)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", date.format("%Y%m%d")));
        line(&format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        line(&format!("DESCRIPTION:{}", escape(&e.description)));
        line("TRANSP:TRANSPARENT");
        line("BEGIN:VALARM");
        line("ACTION:DISPLAY");
        line(&format!("DESCRIPTION:{}", escape(&e.summary)));
        line("TRIGGER:-P1D");
        line("END:VALARM");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// The deadline's date in India.
fn ist_date(ms: i64) -> chrono::NaiveDate {
    let offset = chrono::FixedOffset::east_opt(IST_SECONDS).expect("a valid offset");
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset)
        .date_naive()
}

fn utc_stamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// A UID's local part: letters, digits, `-` and `.` only (ids come from lenders too).
fn uid_part(key: &str) -> String {
    key.chars()
        .take(200)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped, a newline as `\n`, other
/// control characters dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): at most 75 octets a line, continued lines
/// starting with a space, never splitting a UTF-8 character; ends with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > FOLD_AT {
            out.push_str("\r\n ");
            // The leading space counts towards the continued line's octets.
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    // 2026-12-31T00:00:00Z, which is 31 Dec in India too.
    const DUE: i64 = 1_798_675_200_000;

    fn event(summary: &str) -> CalendarEvent {
        CalendarEvent {
            key: "rr-1-rbi-ombudsman-30d".into(),
            due_at: DUE,
            summary: summary.into(),
            description: "Ticket KSL-1; first complained on 1 Dec 2026".into(),
        }
    }

    #[test]
    fn a_calendar_with_one_event_and_its_alarm_the_day_before() {
        let text = ics(&[event("Reply due from Lender")], DUE - 30 * DAY);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("\r\nBEGIN:VEVENT\r\n"));
        assert!(text.contains("\r\nDTSTART;VALUE=DATE:20261231\r\n"));
        assert!(text.contains("\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(text.contains("\r\nUID:rr-1-rbi-ombudsman-30d@khata.app\r\n"));
        assert!(text.contains("\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
        assert!(text.contains("\r\nTRIGGER:-P1D\r\n"));
        assert!(text.contains("\r\nDTSTAMP:20261201T000000Z\r\n"));
        // Every line ends with CRLF: no bare LF.
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
        // The description's comma and semicolon are escaped.
        assert!(text.contains("DESCRIPTION:Ticket KSL-1\\; first complained on 1 Dec 2026"));
    }

    #[test]
    fn the_date_is_indias_and_the_uid_is_stable() {
        // 20:00 UTC on 30 Dec is 01:30 on 31 Dec in India.
        let mut e = event("x");
        e.due_at = DUE - 4 * 3_600_000;
        let text = ics(&[e.clone()], 0);
        assert!(text.contains("DTSTART;VALUE=DATE:20261231"), "{text}");
        // Same request and clock, another day: the same UID, so a calendar updates it.
        let again = ics(&[e], DAY);
        let uid = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("UID:"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(uid(&text), uid(&again));
        // A hostile key cannot break the line or the domain.
        assert_eq!(uid_part("a\r\nb@x;y"), "a__b_x_y");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let summary = "ऋणदाता से जवाब की आख़िरी तारीख़ — भारतीय रिज़र्व बैंक के नियम, 30 दिन".repeat(3);
        let text = ics(&[event(&summary)], 0);
        for l in text.split("\r\n") {
            assert!(l.len() <= FOLD_AT, "{} octets: {l}", l.len());
        }
        // Unfolding (remove CRLF followed by a space) gives back the escaped text whole.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}\r\n", escape(&summary))));
        assert_eq!(fold("short"), "short\r\n");
        let exactly = "a".repeat(FOLD_AT);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
        assert_eq!(fold(&format!("{exactly}b")), format!("{exactly}\r\n b\r\n"));
    }

    #[test]
    fn text_is_escaped_as_the_rfc_says() {
        assert_eq!(
            escape("a\\b;c,d\ne\u{7}f"),
            "a\\\\b\\;c\\,d\\ne f".replace(' ', "")
        );
    }
}
