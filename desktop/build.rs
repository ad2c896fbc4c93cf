//! Builds the web UI into `ui/dist` (the frontendDist of tauri.conf.json) when its sources change,
//! through the same owner as the server's build (`shared/build/ui.rs`), so a fresh clone builds
//! with plain `cargo build -p liao-desktop` and a build with nothing changed is a no-op; then
//! runs tauri-build against the configuration at the repository root.

use std::path::Path;

#[path = "../shared/build/ui.rs"]
mod ui;

fn main() {
    ui::rerun_if_changed();
    // The Tauri CLI runs beforeBuildCommand itself and says so; don't build the UI twice.
    if std::env::var_os("TAURI_ENV_PLATFORM").is_none() {
        ui::build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui"));
    }
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .unwrap_or_else(|e| panic!("tauri-build failed: {e:#}"));
}
