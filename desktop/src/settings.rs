//! The app's own preferences, kept in `settings.json` in the app config directory: whether
//! closing the window hides it to the tray, and whether the app starts on login (applied through
//! the autostart plugin: an XDG autostart entry, a LaunchAgent or a registry Run key).
//!
//! Chat preferences (do-not-disturb, muted conversations, previews) belong to the web UI and are
//! shared with the browser version; only what the OS shell needs lives here.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Desktop preferences as the settings dialog shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Closing the window hides it to the tray (when there is a tray) instead of quitting.
    pub close_to_tray: bool,
    /// Start the app, hidden in the tray, when the user logs in.
    pub start_on_login: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            close_to_tray: true,
            start_on_login: false,
        }
    }
}

/// The settings file and its current contents.
pub struct Store {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl Store {
    /// Reads `path`; a missing or unreadable file gives the defaults (and says why in the log).
    pub fn load(path: PathBuf) -> Self {
        let current = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("ignoring {}: {e}", path.display());
                Settings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                tracing::warn!("cannot read {}: {e}", path.display());
                Settings::default()
            }
        };
        Self {
            path,
            current: Mutex::new(current),
        }
    }

    /// The current settings.
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the settings and writes them (atomically, see [`crate::pins::write_json`]).
    pub fn set(&self, settings: Settings) -> std::io::Result<()> {
        crate::pins::write_json(&self.path, &settings)?;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_round_trip() {
        let dir = std::env::temp_dir().join(format!("liao-settings-{}", std::process::id()));
        let path = dir.join("settings.json");
        let store = Store::load(path.clone());
        assert_eq!(store.get(), Settings::default());
        let changed = Settings {
            close_to_tray: false,
            start_on_login: true,
        };
        store.set(changed.clone()).unwrap();
        assert_eq!(Store::load(path.clone()).get(), changed);
        // A corrupt file falls back to the defaults instead of failing start-up.
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Store::load(path).get(), Settings::default());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
