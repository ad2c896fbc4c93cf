//! Fault points for the crash tests: `LIAO_FAULT=<name>` makes the server abort at once (no
//! destructors, no flushing: as close to a kill -9 as a process can do to itself) the first time
//! it reaches the point of that name. Without the variable a point costs one load of a cached
//! value.
//!
//! Points: `upload.received` (every byte of an upload is on disk, nothing finished),
//! `upload.linked` (the blob is in the store, no file recorded), `upload.recorded` (the file and
//! the upload's completion are committed, the upload's own file not yet removed).

use std::sync::OnceLock;

/// The fault armed for this process, if any.
fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var("LIAO_FAULT").ok().filter(|v| !v.is_empty()))
        .as_deref()
}

/// Abort the process here if the fault `name` is armed.
pub fn point(name: &str) {
    if armed() == Some(name) {
        eprintln!("liao-server: fault point {name} reached, aborting");
        std::process::abort();
    }
}
