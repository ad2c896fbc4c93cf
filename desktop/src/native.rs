//! Native OS integration: file dialogs (rfd), system notifications (notify-rust) and opening
//! links in the system browser. The only module that touches those crates.
//!
//! # Threads
//! GTK dialogs must run on the main (GTK) thread: they are started there with
//! `run_on_main_thread` and their answer comes back over a oneshot, so commands await them without
//! blocking. A notification's click is awaited on its own short-lived thread (notify-rust blocks).
//!
//! # Which files the webview may read
//! `upload` takes a path from JavaScript, so a path is only accepted when the user chose it: in
//! the open dialog or by dropping it on the window ([`Chosen`]). A script in the webview cannot
//! make the app read any other file.
//!
//! # Test hooks
//! Tests cannot click through a GTK dialog, so two run-time environment variables replace them:
//! `LIAO_DESKTOP_TEST_PICK` (a path "chosen" in the open dialog) and `LIAO_DESKTOP_TEST_SAVE`
//! (the path "chosen" in Save as…).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{Error, Result};

/// A file the user picked.
#[derive(Clone, Serialize)]
pub struct PickedFile {
    /// Absolute path.
    pub path: String,
    /// File name shown in the UI.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
}

/// The paths the user chose (open dialog or drag-and-drop) during this run.
#[derive(Default)]
pub struct Chosen(Mutex<HashSet<PathBuf>>);

impl Chosen {
    fn add(&self, paths: impl IntoIterator<Item = PathBuf>) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(paths);
    }

    /// Whether the user chose `path`.
    pub fn contains(&self, path: &Path) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(path)
    }
}

/// Describes the regular files among `paths` (folders and unreadable entries are skipped) and
/// records them as chosen.
pub async fn choose<R: Runtime>(app: &AppHandle<R>, paths: Vec<PathBuf>) -> Vec<PickedFile> {
    let mut out = Vec::with_capacity(paths.len());
    let mut accepted = Vec::with_capacity(paths.len());
    for path in paths {
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => {
                out.push(PickedFile {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    path: path.to_string_lossy().into_owned(),
                    size: meta.len(),
                });
                accepted.push(path);
            }
            Ok(_) => tracing::info!("skipping {} (not a file)", path.display()),
            Err(e) => tracing::warn!("skipping {}: {e}", path.display()),
        }
    }
    app.state::<Chosen>().add(accepted);
    out
}

/// Files dropped on the window, at `x`,`y` in CSS pixels of the webview.
#[derive(Clone, Serialize)]
pub struct Dropped {
    /// The files (folders are skipped).
    pub files: Vec<PickedFile>,
    /// Drop position, CSS pixels from the left.
    pub x: f64,
    /// Drop position, CSS pixels from the top.
    pub y: f64,
}

/// `accept` as in `<input accept>` (`image/*`, `.png,.jpg`) → extensions for a dialog filter.
fn extensions(accept: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in accept.split(',').map(str::trim) {
        if part == "image/*" {
            out.extend(["png", "jpg", "jpeg", "gif", "webp"].map(String::from));
        } else if let Some(ext) = part.strip_prefix('.') {
            out.push(ext.to_owned());
        } else if let Some(sub) = part.strip_prefix("image/") {
            out.push(sub.to_owned());
        }
    }
    out
}

/// Shows the open dialog and returns the chosen files (empty when cancelled).
pub async fn pick_files<R: Runtime>(
    app: &AppHandle<R>,
    accept: Option<String>,
    multiple: bool,
) -> Result<Vec<PickedFile>> {
    let paths = if let Some(p) = std::env::var_os("LIAO_DESKTOP_TEST_PICK") {
        vec![PathBuf::from(p)]
    } else {
        let (tx, rx) = tokio::sync::oneshot::channel();
        app.run_on_main_thread(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(exts) = accept.as_deref().map(extensions).filter(|e| !e.is_empty()) {
                dialog = dialog.add_filter("", &exts);
            }
            let picked = if multiple {
                dialog.pick_files()
            } else {
                dialog.pick_file().map(|p| vec![p])
            };
            let _ = tx.send(picked.unwrap_or_default());
        })?;
        rx.await.map_err(|_| Error::Cancelled)?
    };
    Ok(choose(app, paths).await)
}

/// Shows "Save as…" proposing `name`; `None` when cancelled.
pub async fn save_path<R: Runtime>(app: &AppHandle<R>, name: String) -> Result<Option<PathBuf>> {
    if let Some(p) = std::env::var_os("LIAO_DESKTOP_TEST_SAVE") {
        return Ok(Some(PathBuf::from(p)));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.run_on_main_thread(move || {
        let _ = tx.send(rfd::FileDialog::new().set_file_name(name).save_file());
    })?;
    rx.await.map_err(|_| Error::Cancelled)
}

/// Shows a system notification. Clicking it (where the notification server supports actions)
/// shows the window and emits `notification-click` with `tag` to the webview.
pub fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str, tag: String) {
    let mut n = notify_rust::Notification::new();
    n.appname("Liao")
        .summary(title)
        .body(body)
        .icon("chat.liao.desktop");
    #[cfg(all(unix, not(target_os = "macos")))]
    n.action("default", "Open");
    let handle = match n.show() {
        Ok(h) => h,
        Err(e) => {
            // No notification server (or no session bus): nothing else to do.
            tracing::warn!("notification failed: {e}");
            return;
        }
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let app = app.clone();
        std::thread::spawn(move || {
            handle.wait_for_action(|action| {
                if action == "default" {
                    if let Some(w) = app.get_webview_window("main") {
                        let _ = w.show();
                        let _ = w.unminimize();
                        let _ = w.set_focus();
                    }
                    let _ = app.emit("notification-click", tag);
                }
            });
        });
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = (handle, app, tag);
}

/// Opens an http(s) or mailto link in the system's default application.
pub fn open_external(url: &str) {
    let allowed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| url.starts_with(p));
    if !allowed {
        tracing::warn!("refusing to open {url}");
        return;
    }
    if let Err(e) = tauri_plugin_opener::open_url(url, None::<&str>) {
        tracing::warn!("could not open {url}: {e}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn accept_lists_become_extensions() {
        assert_eq!(super::extensions("image/*").len(), 5);
        assert_eq!(super::extensions(".png, image/webp"), ["png", "webp"]);
    }
}
