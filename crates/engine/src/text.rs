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

#[cfg(test)]
mod tests {
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
