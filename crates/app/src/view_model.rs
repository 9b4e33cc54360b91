//! Pure view maths shared by the shell and the scenes: seeds, speeds, time labels, frame pacing, base paths.
//!
//! Nothing here touches the DOM, so every function is unit-tested natively with `cargo test -p app`.

/// The playback speeds offered by the player controls, slowest first (multiples of real time).
pub const SPEED_LADDER: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// The longest wall-clock frame the animation loop will honour, in milliseconds.
///
/// A background tab or a debugger pause can deliver one huge frame; capping it keeps the
/// simulation from jumping ahead by minutes in a single step.
pub const MAX_FRAME_DT_MS: f64 = 100.0;

/// Why a seed typed by the user was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedError {
    /// The field is empty (or only spaces).
    Empty,
    /// The text is not a whole number in `0..=4294967295`.
    Invalid,
}

impl SeedError {
    /// The inline message shown under the seed field.
    pub fn message(&self) -> &'static str {
        match self {
            SeedError::Empty => "Enter a seed: a whole number from 0 to 4294967295.",
            SeedError::Invalid => "A seed is a whole number from 0 to 4294967295; keeping the last valid seed.",
        }
    }
}

/// Parses a seed typed by the user; surrounding spaces are ignored, anything else must be digits.
pub fn parse_seed(text: &str) -> Result<u32, SeedError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SeedError::Empty);
    }
    // `u32::from_str` would also accept a leading `+`; a seed is plain digits so links stay canonical.
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SeedError::Invalid);
    }
    text.parse::<u32>().map_err(|_| SeedError::Invalid)
}

/// Formats a speed multiplier the way the controls show it: `0.25×`, `1×`, `100×`.
pub fn format_speed(speed: f64) -> String {
    // `{}` on f64 prints the shortest exact form (`0.1`, `2`), which is what a ladder of round values wants.
    format!("{speed}×")
}

/// What a key does in a playground (when focus is not in a form field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Space.
    TogglePlay,
    /// →.
    Step,
    /// R.
    Reset,
    /// + (or =, the same key without Shift).
    Faster,
    /// − (or _).
    Slower,
}

/// The playground shortcut for a `KeyboardEvent.key`, if any.
pub fn shortcut(key: &str) -> Option<Shortcut> {
    match key {
        " " | "Spacebar" => Some(Shortcut::TogglePlay),
        "ArrowRight" => Some(Shortcut::Step),
        "r" | "R" => Some(Shortcut::Reset),
        "+" | "=" => Some(Shortcut::Faster),
        "-" | "_" | "\u{2212}" => Some(Shortcut::Slower),
        _ => None,
    }
}

/// The next speed up (`steps` > 0) or down the ladder from `speed`, stopping at its ends.
pub fn step_speed(speed: f64, steps: isize) -> f64 {
    let idx = speed_index(speed).saturating_add_signed(steps).min(SPEED_LADDER.len() - 1);
    SPEED_LADDER[idx]
}

/// The index of the ladder step closest to `speed`, so an unusual value still selects something sensible.
pub fn speed_index(speed: f64) -> usize {
    let mut best = 0;
    let mut best_distance = f64::INFINITY;
    for (idx, step) in SPEED_LADDER.iter().enumerate() {
        // Compare on a log scale: 0.1 vs 0.25 is as far apart as 10 vs 25.
        let distance = (step.ln() - speed.max(f64::MIN_POSITIVE).ln()).abs();
        if distance < best_distance {
            best = idx;
            best_distance = distance;
        }
    }
    best
}

/// A count in a diagram's narrow label column: exact up to 99,999, then `153k`, `1.53M`.
pub fn compact_count(n: u64) -> String {
    match n {
        0..=99_999 => n.to_string(),
        100_000..=999_999 => format!("{}k", n / 1_000),
        _ => format!("{}M", (n as f64 / 10_000.0).round() / 100.0),
    }
}

/// Formats a simulated instant in seconds with millisecond precision: `12.345 s`.
pub fn format_sim_time(secs: f64) -> String {
    format!("{secs:.3} s")
}

/// Clamps a wall-clock frame duration to `0..=MAX_FRAME_DT_MS`; NaN (a broken clock) counts as zero.
pub fn clamp_frame_dt(dt_ms: f64) -> f64 {
    if dt_ms.is_nan() {
        return 0.0;
    }
    dt_ms.clamp(0.0, MAX_FRAME_DT_MS)
}

/// How many simulated microseconds a frame of `dt_ms` wall milliseconds covers at `speed`.
///
/// The frame is clamped first; the result is rounded down so that rounding never runs ahead of real time.
pub fn sim_advance_micros(dt_ms: f64, speed: f64) -> u64 {
    let speed = if speed.is_finite() && speed > 0.0 { speed } else { 0.0 };
    let micros = clamp_frame_dt(dt_ms) * speed * 1000.0;
    // The clamp bounds this to 100 ms × 100 × 1000 = 1e7 µs, far inside u64, and it is never negative.
    micros.floor() as u64
}

/// The site's base path for a document whose base URI is `base_uri`: `""` at the site root, `/nimbus` under a sub-path.
///
/// Relative URLs resolve against the directory of the base URI, so a trailing file name is dropped
/// the same way a browser drops it, then the trailing slash goes.
pub fn base_path_from_uri(base_uri: &str) -> String {
    let after_scheme = match base_uri.find("://") {
        Some(idx) => &base_uri[idx + 3..],
        None => base_uri,
    };
    let path = match after_scheme.find('/') {
        Some(idx) => &after_scheme[idx..],
        None => "/",
    };
    let path = match path.find(['?', '#']) {
        Some(idx) => &path[..idx],
        None => path,
    };
    let directory = match path.rfind('/') {
        Some(idx) => &path[..idx],
        None => "",
    };
    directory.trim_end_matches('/').to_string()
}

/// Joins the site base path and an app path that starts with `/`: `("/nimbus", "/sqs")` gives `/nimbus/sqs`.
pub fn join_base(base: &str, path: &str) -> String {
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    format!("{base}{path}")
}

/// Formats a trace hash as the 16 lowercase hex digits used everywhere (CLI, tests, page).
pub fn format_trace_hash(hash: u64) -> String {
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests;
