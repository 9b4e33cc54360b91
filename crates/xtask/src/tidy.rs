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
fn shipped_code_changes_case_in_ascii() {
    // Unicode's case tables cost every page that names them ~6.5 KB gzip; the text the app
    // capitalises or lower-cases is its own (labels, field names). SNS's `equals-ignore-case`,
    // which matches a reader's message as AWS does, lowercases with its own compact table
    // (`sns/lowercase.rs`), checked against the standard library's in a test. Test modules (from
    // a file's `#[cfg(test)]` on) do not ship.
    const UNICODE_CASE: [&str; 2] = [".to_uppercase()", ".to_lowercase()"];
    let shipped = [sources("crates/app/src"), sources("crates/engine/src")].concat();
    for (path, text) in shipped {
        let shipped_lines = text.lines().take_while(|line| !line.starts_with("#[cfg(test)]"));
        for (n, line) in shipped_lines.enumerate() {
            if UNICODE_CASE.iter().any(|w| line.contains(w)) {
                panic!("{}:{} changes case with Unicode's tables; use the ASCII form", path.display(), n + 1);
            }
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

/// Every file a clone carries, with its path relative to the root: build outputs, installed tools
/// and test artefacts (the ignored folders) left out.
fn project_files(dir: &Path, out: &mut Vec<PathBuf>) {
    const NOT_THE_PROJECT: [&str; 6] = [".git", "target", "dist", ".tools", "node_modules", "screenshots"];
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !NOT_THE_PROJECT.iter().any(|n| entry.file_name() == *n) {
                project_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// The longest run of parent steps (`../`, or a final `..`) in `line`.
fn longest_parent_run(line: &str) -> usize {
    let mut longest = 0;
    for (start, _) in line.match_indices("..") {
        // Count each run once, from its first step; `0..n` is a range, not a path.
        if line[..start].ends_with("../") || line[..start].ends_with(|c: char| c == '.' || c.is_alphanumeric()) {
            continue;
        }
        let rest = &line[start..];
        let mut steps = rest.as_bytes().chunks(3).take_while(|c| *c == b"../").count();
        let after = &rest[steps * 3..];
        let ends_path = |c: char| c.is_whitespace() || "\"'`),".contains(c);
        if after.starts_with("..") && (after.len() == 2 || after[2..].starts_with(ends_path)) {
            steps += 1;
        }
        longest = longest.max(steps);
    }
    longest
}

/// A clone from GitHub has nothing next to it: no file of the project (docs aside) may refer to
/// the shared folder beside this checkout, to an absolute path of this machine, or climb
/// out of the repository with `../`. Rust paths count from the crate (where `CARGO_MANIFEST_DIR`
/// and `cargo test` start), other files' from their own folder.
#[test]
fn nothing_refers_to_paths_outside_the_repository() {
    let root = root();
    // Spelled in pieces so that this test does not find itself.
    let beside = ["..", "shared"].join("/");
    let mut machine_paths: Vec<String> = ["work", "root", "home", "tmp"].iter().map(|d| format!("/{d}/")).collect();
    machine_paths.push(format!("{}/", root.display()));
    if let Some(parent) = root.parent().filter(|p| p.components().count() > 1) {
        machine_paths.push(format!("{}/", parent.display()));
    }
    machine_paths.sort();
    machine_paths.dedup();
    let mut files = Vec::new();
    project_files(&root, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for path in files {
        if path.extension().is_some_and(|e| e == "md") {
            continue; // Docs may tell a maintainer where the shared files come from.
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue }; // not text
        let rel = path.strip_prefix(&root).unwrap_or(&path);
        let base = if rel.extension().is_some_and(|e| e == "rs") {
            rel.ancestors().find(|a| root.join(a).join("Cargo.toml").is_file()).unwrap_or(Path::new(""))
        } else {
            rel.parent().unwrap_or(Path::new(""))
        };
        let allowed_climb = base.components().count();
        for (n, line) in text.lines().enumerate() {
            let at = format!("{}:{}", rel.display(), n + 1);
            if line.contains(&beside) {
                problems.push(format!("{at} refers to {beside}, which a clone does not have"));
            }
            for p in &machine_paths {
                if line.contains(p.as_str()) {
                    problems.push(format!("{at} refers to {p}, a path of this machine"));
                }
            }
            if longest_parent_run(line) > allowed_climb {
                problems.push(format!("{at} climbs out of the repository with `../` (from {})", base.display()));
            }
        }
    }
    assert!(problems.is_empty(), "paths outside the repository:\n{}", problems.join("\n"));
}

#[test]
fn parent_runs_are_counted_whole() {
    assert_eq!(longest_parent_run(&format!("join(\"{}x\")", "../".repeat(3))), 3);
    assert_eq!(longest_parent_run("a ../b ../../c"), 2);
    assert_eq!(longest_parent_run(&format!("join(\"{}..\")", "../".repeat(2))), 3);
    assert_eq!(longest_parent_run("for x in 0..n {} 1...3 a..=b"), 0);
    assert_eq!(longest_parent_run("no parents"), 0);
}
