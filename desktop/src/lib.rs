//! Liao desktop app: the React UI in a Tauri 2 webview, with the connection owned by Rust.
//!
//! # Layout
//! - `connection`: server choice, trust on first use (certificate pins), the WebSocket whose frames
//!   reach the webview over a `Channel`, HTTP transfers with the same pin.
//! - `pins`: the pin file in the app config directory.
//! - `secrets`: the session token in the OS keyring (memory only where there is none).
//! - `media`: the `liao:` URI scheme serving images and files through the pinned client.
//! - `native`: the only module touching rfd (dialogs), notify-rust (notifications) and the opener.
//! - `tray`: tray icon and window show/hide.
//! - `commands`: the thin command layer the webview calls.
//!
//! Closing the window hides it to the tray; "Quit" in the tray menu exits. A second launch
//! focuses the running instance. Window size and position are remembered.

mod commands;
mod connection;
mod error;
mod media;
mod native;
mod pins;
mod secrets;
mod tray;

use std::sync::Arc;

use tauri::{Manager, WindowEvent};
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

/// Builds and runs the app.
pub fn run() {
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
        .setup(|app| {
            let pins = Pins::load(app.path().app_config_dir()?.join("pins.json"));
            app.manage(Arc::new(Connection::new(pins)));
            if let Err(e) = tray::build(app.handle()) {
                // No tray on this desktop: closing the window then quits instead of hiding.
                tracing::warn!("no tray icon: {e}");
            } else {
                app.manage(TrayReady);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.app_handle().try_state::<TrayReady>().is_some()
            {
                api.prevent_close();
                let _ = window.hide();
            }
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
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("liao-desktop: {e:#}");
        std::process::exit(1);
    }
}

/// Present in managed state when the tray icon exists (close-to-tray is safe).
struct TrayReady;
