//! Tidy checks over the source tree, run by plain `cargo test`: conventions a reviewer would
//! otherwise have to catch by eye.

use std::path::{Path, PathBuf};

use crate::root;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(crate_dir: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&root().join(crate_dir), &mut files);
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap_or_default())).collect()
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    for (path, text) in sources("crates") {
        assert!(text.starts_with("//!"), "{} must start with a `//!` comment saying what it is for", path.display());
    }
}

#[test]
fn the_engine_never_reads_a_clock_or_iterates_hash_maps() {
    let forbidden =
        ["Instant::now", "SystemTime", "thread_rng", "HashMap", "HashSet", "std::thread", "println!", "web_sys"];
    for (path, text) in sources("crates/engine/src") {
        for word in forbidden {
            assert!(
                !text.contains(word),
                "{} mentions `{word}`: the engine is sans-IO and deterministic",
                path.display()
            );
        }
    }
}

#[test]
fn no_trailing_whitespace() {
    for (path, text) in sources("crates") {
        for (n, line) in text.lines().enumerate() {
            assert!(!line.ends_with([' ', '\t']), "{}:{} has trailing whitespace", path.display(), n + 1);
        }
    }
}
