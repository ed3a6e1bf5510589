//! Names and texts from submissions, made safe to show: a folder name is any bytes, and a test's
//! output is anything its code printed.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// A folder name as text that keeps distinct names distinct: printable characters as they are,
/// `\` doubled, and every byte that is not valid UTF-8 or is a control character or a Unicode
/// noncharacter escaped (`\xff`, `\u{1b}`), so two names never show alike.
pub fn escape_name(name: &OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// A line of a test's output for a terminal: control characters (escape sequences, carriage
/// returns) shown as `\u{..}` rather than obeyed.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c != '\t' && needs_escape(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Control characters, and the characters XML 1.0 forbids or Unicode reserves (noncharacters).
fn needs_escape(c: char) -> bool {
    let code = u32::from(c);
    c.is_control() || (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// Whether XML 1.0 allows `c` in a document.
pub fn allowed_in_xml(c: char) -> bool {
    matches!(u32::from(c), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn distinct_names_stay_distinct_and_printable() {
        let a = escape_name(OsStr::from_bytes(b"ana\xff"));
        let b = escape_name(OsStr::from_bytes(b"ana\xfe"));
        assert_eq!((a.as_str(), b.as_str()), ("ana\\xff", "ana\\xfe"));
        assert_eq!(
            escape_name(OsStr::new("a\\xff")),
            "a\\\\xff",
            "no clash with a real backslash"
        );
        assert_eq!(
            escape_name(OsStr::new("bo\n\u{1b}[2J")),
            "bo\\u{a}\\u{1b}[2J"
        );
        assert_eq!(escape_name(OsStr::new("zo\u{fffe}")), "zo\\u{fffe}");
        assert_eq!(escape_name(OsStr::new("Zoë")), "Zoë");
    }

    #[test]
    fn terminal_escapes_in_outputs_are_shown_not_obeyed() {
        assert_eq!(printable("red \u{1b}[31m\r"), "red \\u{1b}[31m\\u{d}");
    }
}
