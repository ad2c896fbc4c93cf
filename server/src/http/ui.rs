//! The web UI, built by Vite (`build.rs`) and embedded in the binary (rust-embed), served at `/` with a strict
//! Content-Security-Policy. Unknown paths without a file extension get `index.html` (the UI
//! routes on the client); hashed assets are cached for a year, `index.html` never.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::set_headers;

#[derive(rust_embed::Embed)]
#[folder = "../ui/dist"]
struct Assets;

/// Scripts only from this origin, no framing, connections only to this origin (the WebSocket
/// and the file endpoints), images also from blob: (previews before upload) and data:.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Serve a UI file, or the app shell for client-side routes.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let (file, shell) = match Assets::get(if path.is_empty() { "index.html" } else { path }) {
        Some(f) => (f, path.is_empty() || path == "index.html"),
        None if !path.rsplit('/').next().unwrap_or("").contains('.') => {
            match Assets::get("index.html") {
                Some(f) => (f, true),
                None => return StatusCode::NOT_FOUND.into_response(),
            }
        }
        None => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut res = (StatusCode::OK, file.data.into_owned()).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(file.metadata.mimetype()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    set_headers(
        h,
        &[
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
    );
    if shell {
        set_headers(
            h,
            &[
                (header::CONTENT_SECURITY_POLICY, CSP),
                (header::CACHE_CONTROL, "no-cache"),
            ],
        );
    } else if path.starts_with("assets/") {
        set_headers(
            h,
            &[(header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
        );
    }
    res
}
