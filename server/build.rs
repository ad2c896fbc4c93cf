//! Builds the web UI into `ui/dist` when its sources change (see `shared/build/ui.rs`: one owner
//! of the UI build for the server and the desktop app, rewriting only files whose bytes changed,
//! so a build with nothing changed is a no-op). `http::ui` embeds `ui/dist` with rust-embed.

use std::path::Path;

#[path = "../shared/build/ui.rs"]
mod ui;

fn main() {
    ui::rerun_if_changed();
    ui::build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui"));
}
