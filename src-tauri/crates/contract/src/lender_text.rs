//! Text a lender wrote, made safe to keep: a hostile lender can put megabytes, newlines (forged
//! log lines), terminal escape sequences or bidi overrides (text that reads other than it is) in
//! the strings of an error response, which the client logs on every retry, the engine stores and
//! the UI and the CLI show. The lending client cleans every such string once, when it receives it
//! ([`sanitize`]); the `khata` CLI cleans what it prints from an export, which anyone can craft
//! ([`clean`]). One definition of what is unsafe serves both. A signal's words per language
//! (names, bin labels, reasons) are bounded in number and length here too ([`signal_texts`]).

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

/// The most languages kept of a signal's words (a lender may speak many; the app shows two).
pub const MAX_LANGUAGES: usize = 8;
/// The most characters of a signal's name or a bin's label: a few words.
pub const MAX_LABEL_CHARS: usize = 120;
/// The most characters of a reason's sentence.
pub const MAX_REASON_CHARS: usize = 300;
/// The most bins and reasons kept per signal and language (the sandbox has at most five).
pub const MAX_ENTRIES: usize = 64;
/// The most characters of a language tag, bin id or reason code: identifiers, not prose.
const MAX_KEY_CHARS: usize = 64;

/// Whether `key` can be kept as an identifier (a language tag, a bin id, a reason code):
/// short, printable ASCII, no spaces. Keys are matched, never shown, so a bad one is dropped
/// rather than cleaned.
fn is_identifier(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_CHARS && key.bytes().all(|b| b.is_ascii_graphic())
}

/// A signal's words per language as the lender sent them, made safe to keep and show: at most
/// [`MAX_LANGUAGES`] languages and [`MAX_ENTRIES`] bins and reasons each, every key an
/// identifier, every string cleaned and cut like all lender text.
pub fn signal_texts(
    texts: std::collections::BTreeMap<String, crate::types::SignalText>,
) -> std::collections::BTreeMap<String, crate::types::SignalText> {
    let entries = |map: std::collections::BTreeMap<String, String>, max_chars: usize| {
        map.into_iter()
            .filter(|(k, _)| is_identifier(k))
            .take(MAX_ENTRIES)
            .map(|(k, v)| (k, sanitize_to(&v, max_chars)))
            .collect()
    };
    texts
        .into_iter()
        .filter(|(lang, _)| is_identifier(lang))
        .take(MAX_LANGUAGES)
        .map(|(lang, t)| {
            let t = crate::types::SignalText {
                name: sanitize_to(&t.name, MAX_LABEL_CHARS),
                description: sanitize(&t.description),
                bins: entries(t.bins, MAX_LABEL_CHARS),
                reasons: entries(t.reasons, MAX_REASON_CHARS),
            };
            (lang, t)
        })
        .collect()
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
    fn a_signals_words_are_bounded_and_cleaned() {
        use crate::types::SignalText;
        use std::collections::BTreeMap;
        let huge = "क".repeat(1_000);
        let hostile = SignalText {
            name: format!("Income\n\u{202E}{huge}"),
            description: huge.clone(),
            bins: (0..100)
                .map(|i| (format!("bin{i:04}"), huge.clone()))
                .chain([("bad key\n".to_string(), "x".to_string())])
                .collect(),
            reasons: BTreeMap::from([("A.B".to_string(), format!("\x1b[2J{huge}"))]),
        };
        let texts: BTreeMap<String, SignalText> = (0..10)
            .map(|i| (format!("l{i:02}"), hostile.clone()))
            .chain([("bad tag".to_string(), hostile.clone())])
            .collect();
        let clean = signal_texts(texts);
        assert_eq!(clean.len(), MAX_LANGUAGES);
        assert!(!clean.contains_key("bad tag"));
        for t in clean.values() {
            assert!(t.name.starts_with("Income "));
            assert_eq!(t.name.chars().count(), MAX_LABEL_CHARS);
            assert_eq!(t.description.chars().count(), MAX_CHARS);
            assert_eq!(t.bins.len(), MAX_ENTRIES);
            assert!(!t.bins.contains_key("bad key\n"));
            assert!(
                t.bins
                    .values()
                    .all(|l| l.chars().count() == MAX_LABEL_CHARS)
            );
            let reason = &t.reasons["A.B"];
            assert_eq!(reason.chars().count(), MAX_REASON_CHARS);
            assert!(!reason.chars().any(is_unsafe));
        }
        // Honest words pass unchanged.
        let honest = BTreeMap::from([(
            "hi".to_string(),
            SignalText {
                name: "SMS से पता चली आमदनी".into(),
                description: "आपकी महीने की आमदनी।".into(),
                bins: BTreeMap::from([("under_10k".into(), "महीने में ₹10,000 से कम".into())]),
                reasons: BTreeMap::from([(
                    "SMS_INCOME.UNDER_10K".into(),
                    "आपकी आमदनी कम है।".into(),
                )]),
            },
        )]);
        assert_eq!(signal_texts(honest.clone()), honest);
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
