//! Text from an export, made safe to print on a terminal. Lender names, ids, signals and
//! purposes in an export are the lender's words (and a file can be crafted by anyone): a newline
//! in them forges report lines, an escape sequence can clear the screen or rewrite what
//! `khata audit` printed, a bidi override makes text read other than it is. Every such string
//! goes through [`safe`] before the CLI prints it.

use std::borrow::Cow;

/// Whether `c` must not reach the terminal: C0 (newlines and tabs too), DEL, C1 (which includes
/// the single-character CSI), and the Unicode bidi embeddings, overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` without control, escape and bidi override characters (whitespace controls become a
/// space, so words stay apart); borrowed when there was nothing to remove.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_newlines_and_bidi_overrides_never_reach_the_terminal() {
        assert!(matches!(safe("lender-1 · सहमति"), Cow::Borrowed(_)));
        assert_eq!(
            safe("Evil\x1b[2J\x1b[H\nexport x: verified\u{9b}0m\u{202E}cba\u{7f}"),
            "Evil[2J[H export x: verified0mcba"
        );
    }
}
