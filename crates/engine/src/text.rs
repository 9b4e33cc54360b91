//! Wording shared by the models' event texts.

/// `1 receive`, `3 receives`: a count with its noun in the right number.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What is wrong with a piece of JSON, in plain words and with where it is.
pub fn json_problem(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => {
            "it ends too early: a closing brace, bracket or quote is missing".to_owned()
        }
        serde_json::error::Category::Syntax => format!(
            "something is out of place at line {}, column {} (names and text need double quotes, items a comma between them)",
            e.line(),
            e.column()
        ),
        serde_json::error::Category::Data | serde_json::error::Category::Io => {
            format!("it is JSON, but not of the expected shape (line {}, column {})", e.line(), e.column())
        }
    }
}

/// The first key a valid JSON text gives one object twice.
/// JSON allows it and readers keep one of the two silently; a file that says `"kind"` twice
/// says two different things, and Nimbus will not guess which was meant. A scan of the text
/// (it is valid JSON already: only strings, brackets and commas matter), not a second parse.
pub fn duplicate_key(text: &str) -> Option<String> {
    // The keys of each open object (`None` for an array), innermost last.
    let mut open: Vec<Option<Vec<&str>>> = Vec::new();
    let mut key_next = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                open.push(Some(Vec::new()));
                key_next = true;
            }
            b'[' => open.push(None),
            b'}' | b']' => {
                open.pop();
                key_next = false;
            }
            b',' => key_next = matches!(open.last(), Some(Some(_))),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let (true, Some(Some(keys))) = (key_next, open.last_mut()) {
                    let key = text.get(start..i.min(bytes.len())).unwrap_or("");
                    key_next = false;
                    // A scenario's objects have a few dozen keys: past 512 (a file of 256 KB
                    // could hold 40,000 in one object) the check would cost more than it finds.
                    if keys.len() < 512 {
                        if keys.contains(&key) {
                            return Some(key.to_owned());
                        }
                        keys.push(key);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_given_twice_is_found_with_its_path() {
        use super::duplicate_key;
        assert_eq!(duplicate_key(r#"{"kind":"sqs","kind":"vpc"}"#).as_deref(), Some("kind"));
        let nested = r#"{"producers":[{"workload":{"kind":"poisson"}},{"workload":{"rate":1,"rate":2}}]}"#;
        assert_eq!(duplicate_key(nested).as_deref(), Some("rate"));
        assert_eq!(duplicate_key(r#"{"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}],"e":"{\"a\":1,\"a\":2}"}"#), None);
        assert_eq!(duplicate_key(r#"{"a\"b":1,"a\"b":2}"#).as_deref(), Some(r#"a\"b"#));
    }

    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1u32, "receive", "receives"), "1 receive");
        assert_eq!(super::count(0u32, "retry", "retries"), "0 retries");
        assert_eq!(super::count(3u64, "attempt", "attempts"), "3 attempts");
    }

    #[test]
    fn json_problems_in_plain_words() {
        let eof = serde_json::from_str::<serde_json::Value>("{\"a\": 1").unwrap_err();
        assert!(super::json_problem(&eof).contains("closing brace"), "{}", super::json_problem(&eof));
        let syntax = serde_json::from_str::<serde_json::Value>("{a: 1}").unwrap_err();
        assert!(super::json_problem(&syntax).contains("line 1, column 2"), "{}", super::json_problem(&syntax));
    }
}
