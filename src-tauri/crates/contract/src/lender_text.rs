//! Text a lender wrote, made safe to keep: a hostile lender can put megabytes, newlines (forged
//! log lines), terminal escape sequences or bidi overrides (text that reads other than it is) in
//! the strings of an error response, which the client logs on every retry, the engine stores and
//! the UI and the CLI show. The lending client cleans every such string once, when it receives it
//! ([`sanitize`]); the `khata` CLI cleans what it prints from an export, which anyone can craft
//! ([`clean`]). One definition of what is unsafe serves both.

/// The most characters of lender text kept (a sentence or two; real problem details are short).
pub const MAX_CHARS: usize = 500;

/// Marks where lender text was cut.
const ELLIPSIS: char = '…';

/// Whether `c` may not appear in kept lender text: C0 (newlines and tabs too), DEL, C1, and the
/// Unicode bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `c` as kept: whitespace controls become a space (so words stay apart), other unsafe
/// characters are dropped.
fn keep(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => Some(' '),
        c if is_unsafe(c) => None,
        c => Some(c),
    }
}

/// `s` without unsafe characters, any length; borrowed when there was nothing to remove.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(s.chars().filter_map(keep).collect())
}

/// `s` without unsafe characters (whitespace controls become a space, so words stay apart),
/// cut to [`MAX_CHARS`] characters with an ellipsis.
pub fn sanitize(s: &str) -> String {
    sanitize_to(s, MAX_CHARS)
}

/// [`sanitize`] with another limit (at least one character: the ellipsis). Reads no further
/// into `s` than it keeps, so a huge string costs no more than a short one.
pub fn sanitize_to(s: &str, max_chars: usize) -> String {
    let max_chars = max_chars.max(1);
    let mut kept = s.chars().filter_map(keep).take(max_chars + 1);
    let mut out = String::new();
    for (i, c) in kept.by_ref().enumerate() {
        if i == max_chars {
            // One character too many: the text goes on, so it is cut with an ellipsis.
            out.pop();
            out.push(ELLIPSIS);
            break;
        }
        out.push(c);
    }
    out
}

/// The same for an optional string.
pub fn sanitize_opt(s: Option<String>) -> Option<String> {
    s.map(|s| sanitize(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honest_text_is_kept_as_is() {
        for s in [
            "",
            "consent c-1 is already revoked",
            "सहमति पहले ही रद्द हो चुकी है",
            "emoji 🙂 and é",
        ] {
            assert_eq!(sanitize(s), s);
        }
    }

    #[test]
    fn controls_escapes_and_bidi_overrides_are_removed() {
        let hostile = "ok\n2026-01-01 INFO forged line\r\x1b[2J\x1b]0;title\x07\u{9b}31m\u{202E}gnp.exe\u{2066}x\u{2069}\u{7f}\0end\tz";
        let clean = sanitize(hostile);
        assert!(!clean.chars().any(is_unsafe), "{clean:?}");
        assert_eq!(
            clean,
            "ok 2026-01-01 INFO forged line [2J]0;title31mgnp.exexend z"
        );
    }

    #[test]
    fn escapes_newlines_and_bidi_overrides_never_reach_the_terminal() {
        assert!(matches!(
            clean("lender-1 · सहमति"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            clean("Evil\x1b[2J\x1b[H\nexport x: verified\u{9b}0m\u{202E}cba\u{7f}"),
            "Evil[2J[H export x: verified0mcba"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary_with_an_ellipsis() {
        let exact = "a".repeat(MAX_CHARS);
        assert_eq!(sanitize(&exact), exact);
        // Multi-byte characters: the cut counts characters, never splitting one.
        let long = "क".repeat(8 * 1024 * 1024 / 3);
        let cut = sanitize(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(cut.ends_with(ELLIPSIS));
        assert!(cut.starts_with(&"क".repeat(MAX_CHARS - 1)));
        // Removed characters do not count towards the limit.
        let padded = format!("{}{}", "\x1b".repeat(1000), "b".repeat(MAX_CHARS));
        assert_eq!(sanitize(&padded), "b".repeat(MAX_CHARS));
        assert_eq!(sanitize_to("abc", 0), "…");
        assert_eq!(sanitize_to("abc", 2), "a…");
        assert_eq!(sanitize_opt(Some("x\ny".into())).as_deref(), Some("x y"));
        assert_eq!(sanitize_opt(None), None);
    }
}
