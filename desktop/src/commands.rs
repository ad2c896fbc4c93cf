//! Tauri commands: thin wrappers that pass the webview's arguments to the connection, secrets and
//! native modules. Errors reach JavaScript as `{kind, message}`.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liao_shared::client::transfer::UploadKind;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::connection::{Connection, Probe, SocketEvent, server_path};
use crate::error::{Error, Result};
use crate::native::{self, Chosen, PickedFile};
use crate::secrets::{self, StoredToken};
use crate::settings::{self, Settings};
use crate::tray;

type Conn<'a> = State<'a, Arc<Connection>>;

/// TLS handshake with the server; returns its certificate fingerprint (and whether it is pinned).
#[tauri::command]
pub async fn connect(conn: Conn<'_>, server_url: String) -> Result<Probe> {
    conn.probe(&server_url).await
}

/// Pins the fingerprint the user confirmed.
#[tauri::command]
pub fn trust(conn: Conn<'_>, fingerprint: String) -> Result<()> {
    conn.trust(&fingerprint)
}

/// The server used last, if any.
#[tauri::command]
pub fn last_server(conn: Conn<'_>) -> Option<String> {
    conn.last_server()
}

/// Opens the WebSocket; its events arrive on `on_event`.
#[tauri::command]
pub fn open_socket(conn: Conn<'_>, on_event: Channel<SocketEvent>) -> Result<()> {
    conn.inner().open(on_event)
}

/// Sends one text frame.
#[tauri::command]
pub async fn send(conn: Conn<'_>, text: String) -> Result<()> {
    conn.send(text).await
}

/// Closes the WebSocket.
#[tauri::command]
pub async fn close_socket(conn: Conn<'_>) -> Result<()> {
    conn.close().await;
    Ok(())
}

/// Reads the session token for the current server from the keyring.
#[tauri::command]
pub async fn token_load(conn: Conn<'_>) -> Result<StoredToken> {
    let stored = secrets::load(conn.server()?.origin).await;
    conn.set_token(stored.token.clone());
    Ok(stored)
}

/// Saves (or clears) the session token; returns whether the keyring kept it.
#[tauri::command]
pub async fn token_store(conn: Conn<'_>, token: Option<String>) -> Result<bool> {
    conn.set_token(token.clone());
    Ok(secrets::store(conn.server()?.origin, token).await)
}

/// Shows a system notification.
#[tauri::command]
pub fn notify(app: AppHandle, title: String, body: String, tag: String) {
    native::notify(&app, &title, &body, tag);
}

/// Opens a link in the system browser.
#[tauri::command]
pub fn open_external(url: String) {
    native::open_external(&url);
}

/// The native open dialog.
#[tauri::command]
pub async fn pick_files(
    app: AppHandle,
    accept: Option<String>,
    multiple: bool,
) -> Result<Vec<PickedFile>> {
    native::pick_files(&app, accept, multiple).await
}

/// Calls `send` with the fraction done at most every 100 ms (and at the end).
fn throttled(on_progress: Channel<f64>) -> impl FnMut(u64, u64) -> ControlFlow<()> + Send {
    let mut last = Instant::now() - Duration::from_secs(1);
    move |done, total| {
        if done == total || last.elapsed() >= Duration::from_millis(100) {
            last = Instant::now();
            let fraction = if total == 0 {
                1.0
            } else {
                done as f64 / total as f64
            };
            let _ = on_progress.send(fraction);
        }
        ControlFlow::Continue(())
    }
}

/// Uploads a file the user chose (dialog or drop), streamed from disk; returns the server's file
/// id.
#[tauri::command]
pub async fn upload(
    conn: Conn<'_>,
    chosen: State<'_, Chosen>,
    path: String,
    kind: String,
    on_progress: Channel<f64>,
) -> Result<String> {
    if !chosen.contains(Path::new(&path)) {
        return Err(Error::NotChosen);
    }
    let kind = if kind == "image" {
        UploadKind::Image
    } else {
        UploadKind::File
    };
    let mut progress = throttled(on_progress);
    let id = conn
        .transfers()?
        .upload(Path::new(&path), kind, &mut progress)
        .await?;
    Ok(id.to_string())
}

/// "Save as…" for a file the server holds (`url` from `file_urls`); streamed to disk. Returns the
/// chosen path, or `None` when cancelled.
#[tauri::command]
pub async fn save_as(
    app: AppHandle,
    conn: Conn<'_>,
    url: String,
    name: String,
    on_progress: Channel<f64>,
) -> Result<Option<String>> {
    let Some(dest) = native::save_path(&app, name).await? else {
        return Ok(None);
    };
    // A fresh download: Save as… replaces the file rather than resuming into it.
    match tokio::fs::remove_file(&dest).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::Io(e)),
        _ => {}
    }
    let mut progress = throttled(on_progress);
    conn.transfers()?
        .download_path(&server_path(&url), &dest, &mut progress)
        .await?;
    Ok(Some(dest.to_string_lossy().into_owned()))
}

/// The desktop preferences (close to tray, start on login).
#[tauri::command]
pub fn settings_get(app: AppHandle, store: State<'_, settings::Store>) -> Settings {
    let mut s = store.get();
    // The OS entry is the truth for start-on-login (the user may have removed it elsewhere).
    if let Ok(on) = app.autolaunch().is_enabled() {
        s.start_on_login = on;
    }
    s
}

/// Saves the desktop preferences and applies start-on-login.
#[tauri::command]
pub fn settings_set(
    app: AppHandle,
    store: State<'_, settings::Store>,
    settings: Settings,
) -> Result<Settings> {
    let autolaunch = app.autolaunch();
    let applied = if settings.start_on_login {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    if let Err(e) = applied {
        return Err(Error::Io(std::io::Error::other(format!(
            "could not change start on login: {e}"
        ))));
    }
    store.set(settings.clone())?;
    Ok(settings)
}

/// The unread total: shown in the tray tooltip and the window title.
#[tauri::command]
pub fn set_unread(app: AppHandle, count: u32) {
    tray::set_unread(&app, count);
}

/// The UI shows its first conversation list: logged once with the time since start-up (the cold
/// start figure `.ci/desktop_e2e.py` measures).
#[tauri::command]
pub fn list_shown() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let ms = crate::STARTED.get().map_or(0, |t| t.elapsed().as_millis());
        tracing::info!("conversation list shown {ms} ms after start");
    });
}
