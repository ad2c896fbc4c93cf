//! Prepares the web UI for embedding: `vite-rs` runs `npx vite build` in `ui/` while compiling
//! `http::ui`, which needs the UI's npm packages and an existing output folder. On a fresh clone
//! (or after the lock file changed) this installs the packages (`npm ci`, from the committed lock
//! file) first.

use std::path::Path;

#[path = "../shared/build/npm_ci.rs"]
mod npm_ci;

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
    // Install when missing, or when the lock file changed since the last install.
    npm_ci::ensure_installed(&ui);
    // The server's own output folder, so it never races with the desktop build reading ui/dist.
    std::fs::create_dir_all(ui.join("dist-server")).expect("creating ui/dist-server");
}
