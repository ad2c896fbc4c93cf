//! Shared by the server's and the desktop app's build scripts (`#[path]`-included; build scripts
//! cannot depend on a workspace crate for this): installs the web UI's npm packages when they
//! are missing or older than `package-lock.json`, one install at a time.

use std::path::Path;
use std::process::Command;

/// Runs `npm ci` in `ui` unless `node_modules` is up to date with the lock file. Both build
/// scripts may run at once, so the check and the install happen under a file lock.
pub fn ensure_installed(ui: &Path) {
    let guard = std::fs::File::create(ui.join(".npm-ci.lock")).expect("creating ui/.npm-ci.lock");
    guard.lock().expect("locking ui/.npm-ci.lock");
    // npm records the installed tree in node_modules/.package-lock.json.
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
            .current_dir(ui)
            .status()
            .unwrap_or_else(|e| {
                panic!("the web UI needs Node.js and npm to build ({e}); install them and retry")
            });
        assert!(status.success(), "npm ci in ui/ failed");
    }
}
