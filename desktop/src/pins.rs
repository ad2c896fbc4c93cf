//! Certificate pins (trust on first use), stored as JSON in the app's config directory:
//! `{"last": "https://host:port", "pins": {"https://host:port": "AA:BB:…"}}`.
//!
//! A plain `std::sync::Mutex` guards the in-memory copy: it is held only to read or update the map
//! and write the small file, never across an await.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::Result;

#[derive(Default, Serialize, Deserialize)]
struct PinFile {
    /// The server used last (reconnected to at start-up).
    last: Option<String>,
    /// Server origin → confirmed SHA-256 certificate fingerprint (colon-separated hex).
    pins: BTreeMap<String, String>,
}

/// The pin store.
pub struct Pins {
    path: PathBuf,
    file: Mutex<PinFile>,
}

impl Pins {
    /// Loads `path` (a missing or unreadable file means no pins yet).
    pub fn load(path: PathBuf) -> Self {
        let file = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Pins {
            path,
            file: Mutex::new(file),
        }
    }

    /// The fingerprint pinned for `origin`.
    pub fn get(&self, origin: &str) -> Option<String> {
        self.lock().pins.get(origin).cloned()
    }

    /// The server used last.
    pub fn last(&self) -> Option<String> {
        self.lock().last.clone()
    }

    /// Pins `fingerprint` for `origin` and makes it the last server.
    pub fn pin(&self, origin: &str, fingerprint: &str) -> Result<()> {
        let mut f = self.lock();
        f.pins.insert(origin.to_owned(), fingerprint.to_owned());
        f.last = Some(origin.to_owned());
        self.save(&f)
    }

    /// Makes `origin` the last server.
    pub fn set_last(&self, origin: &str) -> Result<()> {
        let mut f = self.lock();
        f.last = Some(origin.to_owned());
        self.save(&f)
    }

    fn save(&self, f: &PinFile) -> Result<()> {
        Ok(write_json(&self.path, f)?)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PinFile> {
        // The map stays consistent even if a holder panicked; ignore poisoning.
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Writes `value` as JSON to `path`, creating its folder: a temporary file renamed over the old
/// one, so a crash never leaves a half-written file. Used for the pins and the settings.
pub fn write_json<T: serde::Serialize>(path: &std::path::Path, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(tmp, path)
}

/// Colon-separated upper-case hex, as `liao-server` prints it.
pub fn format_fingerprint(fp: &[u8; 32]) -> String {
    fp.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_survive_a_reload() {
        let dir = std::env::temp_dir().join(format!("liao-pins-{}", std::process::id()));
        let path = dir.join("pins.json");
        let pins = Pins::load(path.clone());
        pins.pin("https://a:1", "AB:CD").unwrap();
        let again = Pins::load(path);
        assert_eq!(again.get("https://a:1").as_deref(), Some("AB:CD"));
        assert_eq!(again.last().as_deref(), Some("https://a:1"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn fingerprint_format_matches_the_server() {
        assert!(format_fingerprint(&[0xab; 32]).starts_with("AB:AB:"));
    }
}
