//! Native tests of links: parsing (never failing, with notices), writing, and the caps on hostile input.

use super::*;

#[test]
fn a_link_round_trips() {
    let link = Link {
        preset: Some("poison".into()),
        seed: Some(7),
        speed: Some(2.0),
        start_secs: Some(30.25),
        params: vec![("visibility".into(), "5".into()), ("type".into(), "fifo".into())],
        fork: Some((12.5, "visibility=30;max-receive=5".into())),
        view: ViewOptions {
            embed: true,
            controls: Controls::None,
            autoplay: Some(false),
            theme: Theme::Dark,
            transparent: true,
        },
    };
    let query = to_query(&link);
    assert_eq!(
        query,
        "v=1&p=poison&seed=7&speed=2&t=30.25&visibility=5&type=fifo&fork=12.5%3Avisibility%3D30%3Bmax-receive%3D5&embed=1&controls=none&autoplay=0&theme=dark&bg=transparent"
    );
    assert_eq!(parse(&format!("?{query}")), (link, vec![]));
}

#[test]
fn a_broken_fork_is_explained_and_dropped() {
    for bad in ["abc", "20", "20:", "-1:visibility=3", "x:visibility=3"] {
        let (link, notices) = parse(&format!("fork={bad}"));
        assert_eq!(link.fork, None, "{bad}");
        assert!(notices.iter().any(|n| n.contains("a fork is written")), "{bad}: {notices:?}");
    }
}

#[test]
fn defaults_make_an_empty_query() {
    assert_eq!(to_query(&Link::default()), "");
    assert_eq!(parse(""), (Link::default(), vec![]));
}

#[test]
fn values_are_percent_encoded_both_ways() {
    let link = Link { params: vec![("name".into(), "a&b=c d/é".into())], ..Link::default() };
    let query = to_query(&link);
    assert!(!query.contains(' ') && !query.contains('é'), "{query}");
    assert_eq!(parse(&query).0, link);
}

#[test]
fn bad_values_fall_back_with_a_notice() {
    let (link, notices) = parse("v=1&seed=-3&speed=7&t=99999&p=slow");
    assert_eq!(link, Link { preset: Some("slow".into()), ..Link::default() });
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices[0].starts_with("Ignored seed="), "{notices:?}");
    assert!(notices[1].contains("use one of 0.1×"), "{notices:?}");
    assert!(notices[2].contains("from 0 to 3600"), "{notices:?}");
}

#[test]
fn speeds_are_read_in_the_forms_people_write() {
    for text in ["2", "2x", "2×", "2.0"] {
        assert_eq!(parse(&format!("speed={text}")).0.speed, Some(2.0), "{text}");
    }
}

#[test]
fn a_newer_version_is_read_with_a_notice() {
    let (link, notices) = parse("v=9&seed=5");
    assert_eq!(link.seed, Some(5));
    assert_eq!(notices.len(), 1);
    assert!(notices[0].contains("version \u{201c}9\u{201d}"), "{notices:?}");
}

#[test]
fn hostile_queries_are_cut_and_quoted_briefly() {
    // Huge, script-bearing, with invalid UTF-8 escapes: parsed without a panic, quoted short.
    let huge =
        format!("seed={}&x=%FF%FE<script>alert(1)</script>&speed=1e308&t=NaN&{}", "9".repeat(400), "a".repeat(100_000));
    let (link, notices) = parse(&huge);
    assert_eq!(link.seed, None);
    assert!(notices[0].contains("only the settings within its first 2048"), "{notices:?}");
    assert!(notices.iter().all(|n| n.chars().count() < 200), "{notices:?}");
    let x = link.params.iter().find(|(k, _)| k == "x").map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(x.starts_with('\u{fffd}'), "invalid UTF-8 becomes U+FFFD: {x:?}");
    // A multi-byte character straddling the cut does not split.
    let (_, notices) = parse(&"é".repeat(MAX_QUERY_BYTES));
    assert!(!notices.is_empty());
}

#[test]
fn a_long_link_is_cut_between_settings_never_inside_a_value() {
    // The setting that crosses the limit is dropped whole: cut inside, `split:112@112` would
    // read as `split:112@1`, a different valid value.
    let filler = format!("x={}", "a".repeat(MAX_QUERY_BYTES - 20));
    let (link, notices) = parse(&format!("{filler}&reshards=split:112@112&seed=5"));
    assert!(link.params.iter().all(|(k, _)| k != "reshards"), "{:?}", link.params);
    assert_eq!(link.seed, None);
    assert!(notices[0].contains("share the scenario file"), "{notices:?}");
}

#[test]
fn a_setting_given_twice_counts_once_and_says_so() {
    let (link, notices) = parse("p=poison&p=fifo-blocking&seed=3&seed=4");
    assert_eq!((link.preset.as_deref(), link.seed), (Some("poison"), Some(3)));
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("fifo-blocking") && notices[0].contains("more than once"), "{notices:?}");
}

#[test]
fn notices_are_capped() {
    let many: Vec<String> = (0..20).map(|i| format!("n{i}")).collect();
    let capped = capped(many);
    assert_eq!(capped.len(), MAX_NOTICES);
    assert_eq!(capped.last().map(String::as_str), Some("…and 16 more ignored settings."));
}

#[test]
fn numbers_are_trimmed() {
    assert_eq!(trim_number(30.0, 6), "30");
    assert_eq!(trim_number(12.5, 6), "12.5");
    assert_eq!(trim_number(0.000_001, 6), "0.000001");
    assert_eq!(trim_number(0.25, 2), "0.25");
}

#[test]
fn view_options_fall_back_with_a_notice() {
    let (link, notices) = parse("embed=yes&controls=most&autoplay=2&theme=blue&bg=pink");
    assert_eq!(link.view, ViewOptions::default());
    assert_eq!(notices.len(), 5, "{notices:?}");
    assert!(notices[4].contains("use page, transparent"), "{notices:?}");
    assert!(notices[1].contains("use full, min, none"), "{notices:?}");
    let (link, notices) = parse("embed=1&controls=full&theme=light");
    assert_eq!(
        link.view,
        ViewOptions { embed: true, controls: Controls::Full, autoplay: None, theme: Theme::Light, transparent: false }
    );
    assert!(notices.is_empty());
}
