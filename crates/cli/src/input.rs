//! What `nimbus` reads from outside, bounded: files up to a size, JSON without repeated keys,
//! and error text that is short and printable whatever the input held.

use std::io::Read;

use anyhow::{bail, Context, Result};

/// The largest file `nimbus` reads (10 MiB): a scenario is a few KB, a conformance file a few
/// hundred; `/dev/zero` or a 100 MB file is refused before it fills memory.
pub const MAX_FILE_BYTES: u64 = 10 << 20;
/// The most characters of one line of an error message (a 100 MB label stays out of a terminal).
const MAX_LINE_CHARS: usize = 300;

/// Reads `path` as UTF-8 text of at most [`MAX_FILE_BYTES`].
pub fn read_file(path: &str) -> Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {path}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).with_context(|| format!("reading {path}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!("{path} is larger than {} MB; a scenario file is a few KB", MAX_FILE_BYTES >> 20);
    }
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{path} is not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// Fails on an object with a key given twice, naming the key: the engine's check, which the
/// playground's Import JSON makes too, after a check that the text is JSON at all.
pub fn check_unique_keys(text: &str) -> Result<()> {
    serde_json::from_str::<serde::de::IgnoredAny>(text)?;
    match engine::text::duplicate_key(text) {
        Some(path) => bail!("`{}` is given twice in one object", printable(&path)),
        None => Ok(()),
    }
}

/// `text` as one short printable line: control characters (terminal escapes included) shown
/// escaped, and cut at [`MAX_LINE_CHARS`] per line.
pub fn printable(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::new();
            for (n, c) in line.chars().enumerate() {
                if n == MAX_LINE_CHARS {
                    out.push('…');
                    break;
                }
                if c.is_control() {
                    out.extend(c.escape_default());
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_named() {
        let err = check_unique_keys(r#"{"kind":"sqs","kind":"vpc"}"#).expect_err("kind twice").to_string();
        assert!(err.contains("`kind` is given twice"), "{err}");
        let nested = r#"{"producers":[{"workload":{"kind":"constant","kind":"poisson"}}]}"#;
        let err = check_unique_keys(nested).expect_err("nested").to_string();
        assert!(err.contains("`kind` is given twice"), "{err}");
        check_unique_keys(r#"{"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}]}"#)
            .expect("the same key in different objects");
    }

    #[test]
    fn error_text_is_short_and_printable() {
        let long = format!("label \u{1b}[31m{}", "x".repeat(10_000));
        let shown = printable(&long);
        assert!(shown.starts_with("label \\u{1b}[31m") && shown.chars().count() <= MAX_LINE_CHARS + 12, "{shown}");
    }

    #[test]
    fn huge_files_are_refused_before_they_fill_memory() {
        let err = read_file("/dev/zero").expect_err("endless").to_string();
        assert!(err.contains("larger than 10 MB"), "{err}");
    }
}
