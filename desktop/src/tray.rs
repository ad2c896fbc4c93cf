//! The tray icon (show/hide, quit) and window helpers used by the tray, the single-instance
//! handler and close-to-tray.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

/// Shows, un-minimises and focuses the main window.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn toggle<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        if w.is_visible().unwrap_or(false) {
            let _ = w.hide();
        } else {
            show(app);
        }
    }
}

/// Menu labels in the user's language (the tray lives outside the webview's i18n).
fn labels() -> (&'static str, &'static str) {
    let lang = std::env::var("LC_ALL")
        .or_else(|_| std::env::var("LC_MESSAGES"))
        .or_else(|_| std::env::var("LANG"))
        .unwrap_or_default();
    if lang.starts_with("zh") {
        ("显示/隐藏", "退出")
    } else {
        ("Show/Hide", "Quit")
    }
}

/// Creates the tray icon.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let (toggle_label, quit_label) = labels();
    let toggle_item = MenuItem::with_id(app, "toggle", toggle_label, true, None::<&str>)?;
    let quit_item = MenuItem::with_id(app, "quit", quit_label, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&toggle_item, &quit_item])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Liao")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "toggle" => toggle(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                toggle(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// The window's title (as in tauri.conf.json) without a count.
const TITLE: &str = "Liao 聊";

/// "(3) Liao 聊" in the window title and "Liao: 3 unread" in the tray tooltip.
pub fn set_unread<R: Runtime>(app: &AppHandle<R>, count: u32) {
    let shown = if count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    };
    let (title, tooltip) = if count == 0 {
        (TITLE.to_owned(), "Liao".to_owned())
    } else {
        (
            format!("({shown}) {TITLE}"),
            format!("Liao: {shown} unread"),
        )
    };
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(&title);
    }
    if let Some(tray) = app.tray_by_id("main") {
        let _ = tray.set_tooltip(Some(&tooltip));
    }
}
