//! Native tests of the pure view maths.

use super::*;

#[test]
fn seeds_accept_the_full_u32_range_and_nothing_else() {
    assert_eq!(parse_seed("0"), Ok(0));
    assert_eq!(parse_seed(" 42 "), Ok(42));
    assert_eq!(parse_seed("4294967295"), Ok(u32::MAX));
    assert_eq!(parse_seed("007"), Ok(7));
    assert_eq!(parse_seed(""), Err(SeedError::Empty));
    assert_eq!(parse_seed("   "), Err(SeedError::Empty));
    assert_eq!(parse_seed("4294967296"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("99999999999999999999999"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("-1"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("+1"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("1.5"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("1e3"), Err(SeedError::Invalid));
    assert_eq!(parse_seed("١٢"), Err(SeedError::Invalid));
}

#[test]
fn speeds_format_without_trailing_zeros() {
    let labels: Vec<String> = SPEED_LADDER.iter().map(|s| format_speed(*s)).collect();
    assert_eq!(labels, ["0.1×", "0.25×", "0.5×", "1×", "2×", "5×", "10×", "25×", "50×", "100×"]);
}

#[test]
fn speed_index_finds_the_nearest_step() {
    for (idx, step) in SPEED_LADDER.iter().enumerate() {
        assert_eq!(speed_index(*step), idx);
    }
    assert_eq!(speed_index(0.0), 0);
    assert_eq!(speed_index(-3.0), 0);
    assert_eq!(speed_index(1000.0), SPEED_LADDER.len() - 1);
    assert_eq!(speed_index(1.2), 3);
    assert_eq!(speed_index(f64::NAN), 0);
}

#[test]
fn sim_time_has_millisecond_precision() {
    assert_eq!(format_sim_time(12.3451), "12.345 s");
    assert_eq!(format_sim_time(0.0), "0.000 s");
}

#[test]
fn frames_are_clamped_and_scaled_by_speed() {
    assert_eq!(clamp_frame_dt(16.0), 16.0);
    assert_eq!(clamp_frame_dt(-5.0), 0.0);
    assert_eq!(clamp_frame_dt(5_000.0), MAX_FRAME_DT_MS);
    assert_eq!(clamp_frame_dt(f64::NAN), 0.0);
    assert_eq!(sim_advance_micros(16.0, 1.0), 16_000);
    assert_eq!(sim_advance_micros(10.0, 0.1), 1_000);
    assert_eq!(sim_advance_micros(60_000.0, 100.0), 10_000_000);
    assert_eq!(sim_advance_micros(16.0, f64::NAN), 0);
    assert_eq!(sim_advance_micros(16.0, -1.0), 0);
}

#[test]
fn base_path_comes_from_the_base_uri_directory() {
    assert_eq!(base_path_from_uri("http://127.0.0.1:8080/"), "");
    assert_eq!(base_path_from_uri("http://127.0.0.1:8080"), "");
    assert_eq!(base_path_from_uri("https://me.github.io/nimbus/"), "/nimbus");
    assert_eq!(base_path_from_uri("https://me.github.io/nimbus/index.html"), "/nimbus");
    assert_eq!(base_path_from_uri("https://me.github.io/a/b/?x=1#top"), "/a/b");
    assert_eq!(base_path_from_uri("https://me.github.io//"), "");
}

#[test]
fn links_join_the_base_path() {
    assert_eq!(join_base("", "/"), "/");
    assert_eq!(join_base("", "/sqs"), "/sqs");
    assert_eq!(join_base("/nimbus", "/"), "/nimbus/");
    assert_eq!(join_base("/nimbus", "/sqs"), "/nimbus/sqs");
    assert_eq!(join_base("/nimbus", "sqs"), "/nimbus/sqs");
}

#[test]
fn trace_hashes_are_sixteen_hex_digits() {
    assert_eq!(format_trace_hash(0x3f2a), "0000000000003f2a");
    assert_eq!(format_trace_hash(u64::MAX), "ffffffffffffffff");
}

#[test]
fn shortcuts_map_keys_and_speed_steps_stop_at_the_ends() {
    assert_eq!(shortcut(" "), Some(Shortcut::TogglePlay));
    assert_eq!(shortcut("ArrowRight"), Some(Shortcut::Step));
    assert_eq!(shortcut("R"), Some(Shortcut::Reset));
    assert_eq!(shortcut("="), Some(Shortcut::Faster));
    assert_eq!(shortcut("-"), Some(Shortcut::Slower));
    assert_eq!(shortcut("x"), None);
    assert_eq!(step_speed(1.0, 1), 2.0);
    assert_eq!(step_speed(1.0, -1), 0.5);
    assert_eq!(step_speed(100.0, 1), 100.0);
    assert_eq!(step_speed(0.1, -1), 0.1);
}

#[test]
fn big_counts_fit_a_label_column() {
    assert_eq!([compact_count(99_999), compact_count(153_420), compact_count(1_531_685)], ["99999", "153k", "1.53M"]);
}
