//! Liao desktop app: the React UI in a Tauri 2 webview, with the connection owned by Rust.
//!
//! # Layout
//! - `connection`: server choice, trust on first use (certificate pins), the WebSocket whose frames
//!   reach the webview over a `Channel`, HTTP transfers with the same pin.
//! - `pins`: the pin file in the app config directory.
//! - `secrets`: the session token in the OS keyring (memory only where there is none).
//! - `media`: the `liao:` URI scheme serving images and files through the pinned client.
//! - `native`: the only module touching rfd (dialogs), notify-rust (notifications) and the opener.
//! - `tray`: tray icon, window show/hide, the unread count in tooltip and title.
//! - `settings`: close-to-tray and start-on-login.
//! - `commands`: the thin command layer the webview calls.
//!
//! Closing the window hides it to the tray (a setting); "Quit" in the tray menu exits. A second
//! launch focuses the running instance. Window size and position are remembered. Files dropped
//! from the OS reach the webview as `files-dropped` events carrying paths Rust streams from.
//! Started with `--hidden` (start on login), the app comes up in the tray.
//!
//! Logs go to stderr; `LIAO_LOG` filters them (`LIAO_LOG=liao_desktop=debug`).

mod commands;
mod connection;
mod error;
mod media;
mod native;
mod pins;
mod secrets;
mod settings;
mod tray;

use std::sync::Arc;

use tauri::{DragDropEvent, Emitter, Manager, WindowEvent};
use tauri_plugin_window_state::StateFlags;

use crate::connection::Connection;
use crate::pins::Pins;

/// Opens links that leave the app in the system browser instead of navigating the webview.
fn links_plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("links")
        .on_navigation(|_webview, url| {
            let internal = matches!(url.scheme(), "tauri" | "liao" | "about" | "data" | "blob")
                || url.host_str().is_some_and(|h| h.ends_with("localhost"))
                || (cfg!(debug_assertions) && url.host_str() == Some("127.0.0.1"));
            if !internal {
                native::open_external(url.as_str());
            }
            internal
        })
        .build()
}

/// Logs to stderr, filtered by `LIAO_LOG` (default: warnings, and this crate's info).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,liao_desktop=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Makes WebKitGTK lighter for a chat window: the document-viewer cache model (no back/forward
/// page cache, small memory caches) and no OpenGL compositing (a software-rendered chat UI is
/// smooth enough, and GL compositing costs the web process about 100 MiB). `LIAO_GPU=1` keeps
/// WebKit's defaults.
#[cfg(target_os = "linux")]
fn lighten_webview<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    if std::env::var_os("LIAO_GPU").is_some_and(|v| v == "1") {
        return;
    }
    let applied = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = applied {
        tracing::warn!("could not tune the webview: {e}");
    }
}

/// Files dropped on the window: recorded as chosen, then announced to the webview.
fn on_drop<R: tauri::Runtime>(window: &tauri::Window<R>, event: &DragDropEvent) {
    let DragDropEvent::Drop { paths, position } = event else {
        return;
    };
    let scale = window.scale_factor().unwrap_or(1.0);
    let (x, y) = (position.x / scale, position.y / scale);
    let app = window.app_handle().clone();
    let paths = paths.clone();
    tauri::async_runtime::spawn(async move {
        let files = native::choose(&app, paths).await;
        if !files.is_empty() {
            let _ = app.emit_to("main", "files-dropped", native::Dropped { files, x, y });
        }
    });
}

/// When `run` started (for the cold start log line).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Builds and runs the app.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    init_logging();
    let start_hidden = std::env::args().any(|a| a == "--hidden");
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show(app)
        }))
        .plugin(
            tauri_plugin_window_state::Builder::default()
                // Never restore "hidden": an app quit from the tray must come back visible.
                .with_state_flags(StateFlags::all() - StateFlags::VISIBLE)
                .build(),
        )
        .plugin(links_plugin())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .setup(move |app| {
            let config = app.path().app_config_dir()?;
            let pins = Pins::load(config.join("pins.json"));
            app.manage(Arc::new(Connection::new(pins)));
            app.manage(settings::Store::load(config.join("settings.json")));
            app.manage(native::Chosen::default());
            #[cfg(target_os = "linux")]
            if let Some(w) = app.get_webview_window("main") {
                lighten_webview(&w);
            }
            if let Err(e) = tray::build(app.handle()) {
                // No tray on this desktop: closing the window then quits instead of hiding.
                tracing::warn!("no tray icon: {e}");
            } else {
                app.manage(TrayReady);
                if start_hidden && let Some(w) = app.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            Ok(())
        })
        .on_window_event(|window, event| match event {
            WindowEvent::CloseRequested { api, .. } => {
                let app = window.app_handle();
                let to_tray = app.state::<settings::Store>().get().close_to_tray;
                if to_tray && app.try_state::<TrayReady>().is_some() {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
            WindowEvent::DragDrop(drop) => on_drop(window, drop),
            _ => {}
        })
        .register_asynchronous_uri_scheme_protocol("liao", media::handle)
        .invoke_handler(tauri::generate_handler![
            commands::connect,
            commands::trust,
            commands::last_server,
            commands::open_socket,
            commands::send,
            commands::close_socket,
            commands::token_load,
            commands::token_store,
            commands::notify,
            commands::open_external,
            commands::pick_files,
            commands::upload,
            commands::save_as,
            commands::settings_get,
            commands::settings_set,
            commands::set_unread,
            commands::list_shown,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("liao-desktop: {e:#}");
        std::process::exit(1);
    }
}

/// Present in managed state when the tray icon exists (close-to-tray is safe).
struct TrayReady;
