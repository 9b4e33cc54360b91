//! Wording shared by the models' event texts.

/// `1 receive`, `3 receives`: a count with its noun in the right number.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular() {
        assert_eq!(super::count(1u32, "receive", "receives"), "1 receive");
        assert_eq!(super::count(0u32, "retry", "retries"), "0 retries");
        assert_eq!(super::count(3u64, "attempt", "attempts"), "3 attempts");
    }
}
