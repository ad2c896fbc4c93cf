//! The `liao:` URI scheme: the webview loads images, avatars and files from
//! `liao://localhost/<server path>` (`http://liao.localhost/…` on Windows), and Rust fetches them
//! from the server with the pinned certificate (the webview itself cannot trust a self-signed
//! server). Each request runs on the async runtime and answers through its responder.

use std::sync::Arc;

use tauri::http::{Request, Response, StatusCode, header};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::connection::{Connection, server_path};

/// The scheme handler registered in `lib.rs`.
pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let conn = ctx.app_handle().state::<Arc<Connection>>().inner().clone();
    let path = server_path(&request.uri().to_string());
    tauri::async_runtime::spawn(async move {
        responder.respond(fetch(&conn, &path).await);
    });
}

async fn fetch(conn: &Connection, path: &str) -> Response<Vec<u8>> {
    let result = match conn.transfers() {
        Ok(t) => t.get(path).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let mut builder = Response::builder().header(header::CACHE_CONTROL, "private, max-age=3600");
    let body = match result {
        Ok((status, ctype, body)) => {
            builder = builder.status(status);
            if let Some(c) = ctype {
                builder = builder.header(header::CONTENT_TYPE, c);
            }
            body.to_vec()
        }
        Err(e) => {
            tracing::warn!("media request {path} failed: {e}");
            builder = builder.status(StatusCode::BAD_GATEWAY);
            Vec::new()
        }
    };
    builder.body(body).unwrap_or_else(|_| {
        // Only reachable with an invalid header value from the server: answer without it.
        let mut r = Response::new(Vec::new());
        *r.status_mut() = StatusCode::BAD_GATEWAY;
        r
    })
}
