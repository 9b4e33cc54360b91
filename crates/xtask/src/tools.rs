//! Installing and finding the build and test tools, reusing what is already installed.
//!
//! Versions are pinned where the machine's traps demand it (see the shared TOOLCHAIN notes):
//! Trunk 0.21.x (0.22 needs a newer rustc), wasm-bindgen-cli equal to the locked `wasm-bindgen`
//! crate, and wasm-opt from npm `binaryen` in the ignored `.tools/` folder — never Debian's
//! wasm-opt 108, whose output fails to start in Chromium; terser from npm there too.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::{output, root, run};

/// The Trunk release installed when none of the 0.21 series is found.
const TRUNK_VERSION: &str = "0.21.14";
/// The binaryen (wasm-opt) release installed from npm.
const BINARYEN_VERSION: &str = "132.0.0";
/// The terser release that minifies wasm-bindgen's JS glue (Trunk leaves it as written).
const TERSER_VERSION: &str = "5.51.4";

/// Where the build tools live, for the `PATH` of Trunk.
#[derive(Debug, Clone)]
pub struct Tools {
    /// Directory holding `trunk` and `wasm-bindgen`.
    pub cargo_bin: PathBuf,
    /// Directory holding the npm `wasm-opt` and `terser`.
    pub npm_bin: PathBuf,
}

impl Tools {
    /// A `PATH` with our tools first, so Trunk cannot pick up a system wasm-opt.
    pub fn path_env(&self) -> Result<OsString> {
        let mut dirs = vec![self.npm_bin.clone(), self.cargo_bin.clone()];
        dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
        Ok(std::env::join_paths(dirs)?)
    }

    /// The `trunk` executable.
    pub fn trunk(&self) -> PathBuf {
        self.cargo_bin.join("trunk")
    }
    /// The npm `terser`.
    pub fn terser(&self) -> PathBuf {
        self.npm_bin.join("terser")
    }
}

/// Ensures the wasm target, Trunk, wasm-bindgen-cli, wasm-opt and terser are installed.
pub fn ensure_build_tools() -> Result<Tools> {
    ensure_wasm_target()?;
    let cargo_bin = cargo_bin_dir();
    ensure_trunk(&cargo_bin)?;
    ensure_wasm_bindgen(&cargo_bin)?;
    let npm_bin = ensure_npm_tools()?;
    Ok(Tools { cargo_bin, npm_bin })
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo").join("bin")
}

/// The wasm32 target of the active toolchain (a fresh machine has only the host target).
pub fn ensure_wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    install("the wasm32-unknown-unknown target", "to compile the app to WebAssembly", "about 10 s", || {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
    })
}

/// Says what is about to be installed, why, and roughly how long it takes — on a fresh machine
/// the installs are most of the first run — then installs it and says how long it took.
fn install(what: &str, why: &str, takes: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("xtask: installing {what}, {why} (once per machine; {takes})");
    let start = Instant::now();
    f()?;
    eprintln!("xtask: installed {what} in {}", crate::elapsed(start));
    Ok(())
}

/// Installs a crate's binaries with `cargo binstall` when the machine has it (prebuilt binaries
/// where the network allows, else it builds them itself), with `cargo install` otherwise or if
/// binstall fails.
fn cargo_install(krate: &str, version: &str, locked: bool) -> Result<()> {
    let spec = format!("{krate}@{version}");
    let lock: &[&str] = if locked { &["--locked"] } else { &[] };
    if output(crate::cargo().args(["binstall", "-V"])).is_some() {
        let res = run(crate::cargo().args(["binstall", "--no-confirm", "--force"]).args(lock).arg(&spec));
        match res {
            Ok(()) => return Ok(()),
            Err(e) => eprintln!("xtask: cargo binstall failed ({e:#}); building {spec} with cargo install instead"),
        }
    }
    run(crate::cargo().args(["install", &spec, "--force"]).args(lock))
}

/// twiggy, the wasm size profiler `cargo xtask bench` uses (not needed to build or test).
const TWIGGY_VERSION: &str = "0.8.0";

/// Ensures twiggy is installed; returns its path.
pub fn ensure_twiggy() -> Result<PathBuf> {
    let path = cargo_bin_dir().join("twiggy");
    let version = output(Command::new(&path).arg("--version")).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(TWIGGY_VERSION) {
        return Ok(path);
    }
    install(
        &format!("twiggy {TWIGGY_VERSION}"),
        "to show what the wasm bundles are made of",
        "about 3 minutes",
        || cargo_install("twiggy", TWIGGY_VERSION, true),
    )?;
    Ok(path)
}

fn ensure_trunk(cargo_bin: &Path) -> Result<()> {
    let version = output(Command::new(cargo_bin.join("trunk")).arg("--version")).unwrap_or_default();
    // `trunk 0.21.14`
    if version.split_whitespace().nth(1).is_some_and(|v| v.starts_with("0.21.")) {
        return Ok(());
    }
    let found = if version.is_empty() { "none found".to_owned() } else { format!("found {version}") };
    install(
        &format!("Trunk {TRUNK_VERSION}"),
        &format!("which builds and serves the web app ({found})"),
        "7 to 12 minutes on 2 cores",
        || cargo_install("trunk", TRUNK_VERSION, true),
    )
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")).and_then(|l| l.strip_suffix('"'))
            {
                return Ok(v.to_owned());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn ensure_wasm_bindgen(cargo_bin: &Path) -> Result<()> {
    let want = locked_wasm_bindgen_version()?;
    let have = output(Command::new(cargo_bin.join("wasm-bindgen")).arg("--version")).unwrap_or_default();
    // `wasm-bindgen 0.2.130`
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    let found = if have.is_empty() { "none found".to_owned() } else { format!("found {have}") };
    install(
        &format!("wasm-bindgen-cli {want}"),
        &format!("which Trunk needs in the exact version of the wasm-bindgen crate in Cargo.lock ({found})"),
        "about 3 minutes on 2 cores",
        // Not `--locked`: the registry mirror lacks one of its locked dependency versions.
        || cargo_install("wasm-bindgen-cli", &want, false),
    )
}

fn ensure_npm_tools() -> Result<PathBuf> {
    let prefix = root().join(".tools");
    let bin = prefix.join("node_modules").join(".bin");
    let have = output(Command::new(bin.join("wasm-opt")).arg("--version")).unwrap_or_default();
    // `wasm-opt version 132 (version_132)`
    let want_major = BINARYEN_VERSION.split('.').next().unwrap_or(BINARYEN_VERSION);
    let wasm_opt_ok = have.split_whitespace().nth(2) == Some(want_major);
    // `terser 5.51.4`
    let terser_ok = output(Command::new(bin.join("terser")).arg("--version"))
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(TERSER_VERSION));
    if wasm_opt_ok && terser_ok {
        return Ok(bin);
    }
    std::fs::create_dir_all(&prefix)?;
    install(
        &format!("wasm-opt (npm binaryen@{BINARYEN_VERSION}) and terser@{TERSER_VERSION} into .tools/"),
        "which shrink the release wasm and its JS glue (Debian's wasm-opt 108 breaks the app)",
        "about 20 s",
        || {
            // One install for both: a later `--no-save` install would prune the other.
            run(npm().arg("install").arg("--prefix").arg(&prefix).args([
                "--no-save",
                "--no-audit",
                "--no-fund",
                &format!("binaryen@{BINARYEN_VERSION}"),
                &format!("terser@{TERSER_VERSION}"),
            ]))
        },
    )?;
    Ok(bin)
}

/// `npm`, with the update notifier off so CI logs stay quiet.
pub fn npm() -> Command {
    let mut cmd = Command::new("npm");
    cmd.env("NO_UPDATE_NOTIFIER", "1");
    cmd
}

/// Ensures Debian's Chromium and the tests' npm packages (from the committed lockfile).
pub fn ensure_browser_test_tools() -> Result<PathBuf> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    if output(Command::new(&chromium).arg("--version")).is_none() {
        let sudo = if output(Command::new("id").arg("-u")).as_deref() == Some("0") { None } else { Some("sudo") };
        let apt = |args: &[&str]| {
            let mut cmd = match sudo {
                Some(s) => {
                    let mut c = Command::new(s);
                    c.arg("apt-get");
                    c
                }
                None => Command::new("apt-get"),
            };
            cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            cmd
        };
        install("Debian's chromium", "the headless browser of the browser tests", "about 1 to 2 minutes", || {
            run(&mut apt(&["update", "-q"]))?;
            run(&mut apt(&["install", "-y", "-q", "chromium"]))
        })?;
    }
    let tests = root().join("web").join("tests");
    let wanted = std::fs::read_to_string(tests.join("package.json")).context("reading web/tests/package.json")?;
    let wanted = wanted
        .split("\"playwright-core\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("web/tests/package.json does not pin playwright-core")?;
    let installed =
        std::fs::read_to_string(tests.join("node_modules/playwright-core/package.json")).unwrap_or_default();
    if !installed.contains(&format!("\"version\": \"{wanted}\"")) {
        install(
            &format!("playwright-core {wanted} into web/tests/node_modules"),
            "which drives Chromium in the browser tests",
            "about 10 s",
            || run(npm().arg("ci").args(["--no-audit", "--no-fund"]).current_dir(&tests)),
        )?;
    }
    Ok(chromium)
}
