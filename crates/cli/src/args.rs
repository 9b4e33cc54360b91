//! Flag parsing for the few flags `nimbus` has: `--seed N`, `--until DURATION`, `--strict`,
//! positional files.

use anyhow::{anyhow, bail, Context, Result};
use engine::SimDuration;

/// Parsed flags of a subcommand.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Vec<String>,
    pub seed: Option<u64>,
    pub until: Option<SimDuration>,
    /// Warnings (operations AWS would refuse) are errors.
    pub strict: bool,
}

/// Parses `args`, accepting only the flags named in `allowed`.
pub fn parse(args: &[String], allowed: &[&str]) -> Result<Args> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if !flag.starts_with("--") {
            out.positional.push(arg.clone());
            continue;
        }
        if !allowed.contains(&flag) {
            bail!("unknown flag `{flag}` (allowed here: {})", allowed.join(", "));
        }
        if flag == "--strict" {
            if inline.is_some() {
                bail!("`--strict` takes no value");
            }
            out.strict = true;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => it.next().cloned().ok_or_else(|| anyhow!("`{flag}` needs a value"))?,
        };
        match flag {
            "--seed" => {
                let seed = value
                    .parse()
                    .with_context(|| format!("--seed {value}: expected an integer 0–18446744073709551615"))?;
                out.seed = Some(seed);
            }
            "--until" => out.until = Some(parse_duration(&value)?),
            _ => unreachable!("flag list and match arms agree"),
        }
    }
    Ok(out)
}

/// `500ms`, `90s`, `15m`, `1h`, `2d`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<SimDuration> {
    let text = text.trim();
    // The unit is the trailing letters: `1e20s` is 1e20 seconds, not 1 with a unit `e20s`.
    let split = text.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let (number, unit) = text.split_at(split);
    let value: f64 =
        number.parse().with_context(|| format!("duration `{text}`: expected a number with a unit, e.g. 90s or 1h"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86_400.0,
        other => bail!("duration `{text}`: unknown unit `{other}` (use ms, s, m, h or d)"),
    };
    // 365 days is the longest any modelled service keeps data (Kinesis extended retention).
    if !(0.0..=365.0 * 86_400.0).contains(&secs) {
        bail!("duration `{text}` is out of range: allowed 0s–365d");
    }
    Ok(SimDuration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("1h").ok(), Some(SimDuration::from_secs(3600)));
        assert_eq!(parse_duration("500ms").ok(), Some(SimDuration::from_millis(500)));
        assert_eq!(parse_duration("90").ok(), Some(SimDuration::from_secs(90)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("-1h").is_err());
        let huge = parse_duration("1e20s").expect_err("out of range").to_string();
        assert!(huge.contains("out of range"), "{huge}");
        assert!(parse_duration("NaN").expect_err("no number").to_string().contains("expected a number"));
        assert!(parse_duration("999d").is_err());
    }

    #[test]
    fn flags_are_checked() {
        let args: Vec<String> = ["f.json", "--seed", "7", "--until=2m"].iter().map(|s| s.to_string()).collect();
        let parsed = parse(&args, &["--seed", "--until"]).expect("valid flags");
        assert_eq!(parsed.positional, ["f.json"]);
        assert_eq!(parsed.seed, Some(7));
        assert_eq!(parsed.until, Some(SimDuration::from_secs(120)));
        assert!(parse(&args, &["--seed"]).is_err());
        assert!(parse(&["--seed".to_string(), "x".to_string()], &["--seed"]).is_err());
    }
}
