//! Builds the UI (ui/dist, the frontendDist of tauri.conf.json) when it is missing, so a fresh
//! clone builds with plain `cargo build -p liao-desktop`; then runs tauri-build against the
//! configuration at the repository root.

use std::path::Path;
use std::process::Command;

#[path = "../shared/build/npm_ci.rs"]
mod npm_ci;

fn main() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    println!("cargo:rerun-if-changed=../ui/src");
    println!("cargo:rerun-if-changed=../ui/index.html");
    println!("cargo:rerun-if-changed=../ui/package-lock.json");
    // The Tauri CLI runs beforeBuildCommand itself and says so; don't build the UI twice.
    if std::env::var_os("TAURI_ENV_PLATFORM").is_none() {
        npm_ci::ensure_installed(&ui);
        run(Command::new("npx")
            .args(["vite", "build", "--outDir", "dist", "--emptyOutDir"])
            .current_dir(&ui));
    }
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .unwrap_or_else(|e| panic!("tauri-build failed: {e:#}"));
}

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run {cmd:?} (is Node.js installed?): {e}"));
    assert!(status.success(), "{cmd:?} failed: {status}");
}
