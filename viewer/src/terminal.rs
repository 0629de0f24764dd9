//! Text from the store made safe for a terminal. Span names, attributes and error messages
//! carry model output and tool results, which a prompt injection can shape: printed as they
//! are, escape sequences in them would retitle the terminal, clear it, write the clipboard
//! (OSC 52) or forge output. Every string from the store that the viewer prints goes through
//! [`visible`] (or [`fit`], which also cuts it to a width), whether or not the output is a
//! terminal; colouring is added afterwards by the viewer itself.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The marker ending a value cut to fit a line.
pub(crate) const CUT: char = '…';

/// `text` with every control character shown as an escape such as `\u{1b}`: C0 (all but
/// tab), DEL, C1, and the bidirectional overrides that reorder what is shown. Borrowed when
/// there is nothing to escape.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// [`visible`] `text`, cut to at most `width` characters on a character boundary, ending with
/// [`CUT`] when something was left out; an escape is kept whole or left out whole.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut shown = 0;
    let mut piece = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        piece.clear();
        push_visible(&mut piece, c);
        let len = piece.chars().count();
        let room = if chars.peek().is_some() {
            width.saturating_sub(1) // keep a place for the marker
        } else {
            width
        };
        if shown + len > room {
            out.push(CUT);
            return out;
        }
        out.push_str(&piece);
        shown += len;
    }
    out
}

/// JSON text with DEL and the C1 controls, which serde_json writes as they are, written as
/// `\u007f`-style escapes: the same JSON value, safe to print. (Outside strings JSON has no
/// such characters, and inside one the escape means the same character.)
pub(crate) fn json_escaped(json: String) -> String {
    if !json.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    if is_hidden(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Characters a terminal acts on rather than shows, or that reorder the text around them.
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::{fit, json_escaped, visible};

    #[test]
    fn control_characters_are_shown_as_escapes_and_text_around_them_stays() {
        let hostile = "ok\u{1b}]0;pwned\u{7}\u{1b}[2J\u{0}\u{8}\u{7f}\u{9b}31m done\ttab";
        let shown = visible(hostile);
        assert_eq!(
            shown,
            "ok\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{0}\\u{8}\\u{7f}\\u{9b}31m done\ttab"
        );
        assert!(shown
            .chars()
            .all(|c| c == '\t' || !(c.is_control() || ('\u{80}'..='\u{9f}').contains(&c))));
        assert_eq!(visible("line\nbreak"), "line\\u{a}break");
        assert_eq!(visible("abc \u{202e}cba"), "abc \\u{202e}cba");
        assert!(matches!(
            visible("plain text, é 漢字"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_keeps_its_value_with_del_and_c1_escaped() {
        let json = serde_json::to_string(&"a\u{7f}b\u{9b}c\u{1b}").unwrap();
        let escaped = json_escaped(json.clone());
        assert_eq!(escaped, r#""a\u007fb\u009bc\u001b""#);
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "a\u{7f}b\u{9b}c\u{1b}");
    }

    #[test]
    fn fitting_cuts_on_a_character_boundary_never_inside_an_escape() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("exactly10!", 10), "exactly10!");
        assert_eq!(fit("longer than ten", 10), "longer th…");
        assert_eq!(fit("漢字漢字漢字漢字漢字漢字", 5), "漢字漢字…");
        // The escape (6 characters) does not fit in what is left: it is left out whole.
        assert_eq!(fit("abcd\u{1b}[2J", 8), "abcd…");
        assert_eq!(fit("ab\u{1b}cdefgh", 9), "ab\\u{1b}…");
    }
}
