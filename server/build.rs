//! Prepares the web UI for embedding: `vite-rs` runs `npx vite build` in `ui/` while compiling
//! `http::ui`, which needs the UI's npm packages and an existing output folder. On a fresh clone
//! (or after the lock file changed) this installs the packages (`npm ci`, from the committed lock
//! file) first.

use std::path::Path;
use std::process::Command;

fn main() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    // Rebuild (and so re-run Vite) when the UI changes.
    for path in [
        "src",
        "public",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
    ] {
        println!("cargo:rerun-if-changed=../ui/{path}");
    }
    // Install when missing, or when the lock file changed since the last install (npm records
    // the installed tree in node_modules/.package-lock.json). The desktop app's build script
    // does the same and may run at the same time: one `npm ci` at a time, under a file lock.
    let guard = std::fs::File::create(ui.join(".npm-ci.lock")).expect("creating ui/.npm-ci.lock");
    guard.lock().expect("locking ui/.npm-ci.lock");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match (
        modified(&ui.join("package-lock.json")),
        modified(&ui.join("node_modules/.package-lock.json")),
    ) {
        (Some(lock), Some(installed)) => lock > installed,
        _ => true,
    };
    if stale {
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        let status = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&ui)
            .status()
            .unwrap_or_else(|e| {
                panic!("the web UI needs Node.js and npm to build ({e}); install them and retry")
            });
        assert!(status.success(), "npm ci in ui/ failed");
    }
    // The server's own output folder, so it never races with the desktop build reading ui/dist.
    std::fs::create_dir_all(ui.join("dist-server")).expect("creating ui/dist-server");
}
