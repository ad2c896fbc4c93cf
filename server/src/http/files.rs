//! File endpoints: resumable uploads with the tus 1.0 protocol (core, creation, termination) and
//! downloads with `Range`/`HEAD` support.
//!
//! Uploads authenticate with `Authorization: Bearer <session token>`. Downloads accept the same
//! header or a short-lived URL signed for one file and one user (from the `file_urls` command),
//! so `<img>` tags and download links work without ever putting the session token in a URL.
//! Whoever may not see a file gets `404` on every path that serves its bytes.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use liao_shared::{ErrorCode, FileId};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tower::ServiceExt;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;

use super::{HttpState, set_headers};
use crate::error::Error;
use crate::services::files::{NewUpload, UploadKind, UploadState, UrlGrant};

const TUS_VERSION: &str = "1.0.0";

/// Routes under `/api`.
pub fn routes() -> Router<HttpState> {
    let uploads = Router::new()
        .route("/api/uploads", post(create).options(options))
        .route(
            "/api/uploads/{id}",
            axum::routing::head(head)
                .patch(patch)
                .delete(terminate)
                .options(options),
        )
        // Every answer of the upload endpoints, errors included, names the protocol version.
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("tus-resumable"),
            HeaderValue::from_static(TUS_VERSION),
        ));
    Router::new()
        .merge(uploads)
        .route(
            "/api/files/{id}",
            get(|s, p, q, r| download(s, p, q, r, false)),
        )
        .route(
            "/api/files/{id}/thumbnail",
            get(|s, p, q, r| download(s, p, q, r, true)),
        )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn user_of(state: &HttpState, headers: &HeaderMap) -> Result<liao_shared::UserId, Error> {
    let token = bearer(headers).ok_or_else(|| {
        Error::client(
            ErrorCode::NotAuthenticated,
            "send Authorization: Bearer <token>",
        )
    })?;
    state.app.accounts.http_user(token).await
}

/// The answer `status` about `state`: where the upload stands and, once complete, its file.
fn uploaded(status: StatusCode, state: &UploadState) -> Response {
    let mut res = status.into_response();
    let h = res.headers_mut();
    h.insert("upload-offset", HeaderValue::from(state.offset));
    h.insert("upload-length", HeaderValue::from(state.length));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(file) = &state.file_id
        && let Ok(v) = HeaderValue::from_str(file.as_str())
    {
        h.insert("liao-file-id", v);
    }
    res
}

fn check_tus(headers: &HeaderMap) -> Result<(), Error> {
    match headers.get("tus-resumable").and_then(|v| v.to_str().ok()) {
        Some(TUS_VERSION) => Ok(()),
        _ => Err(Error::client(
            ErrorCode::BadRequest,
            "Tus-Resumable: 1.0.0 is required",
        )),
    }
}

async fn options(State(state): State<HttpState>) -> Response {
    let t = &state.app.config.tuning;
    let mut res = StatusCode::NO_CONTENT.into_response();
    let h = res.headers_mut();
    h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    h.insert(
        "tus-extension",
        HeaderValue::from_static("creation,termination"),
    );
    h.insert(
        "tus-max-size",
        HeaderValue::from(t.max_file_bytes.max(t.max_image_bytes)),
    );
    res
}

/// `Upload-Metadata: key base64,key base64,…` (a key may come without a value). A value that is
/// not base64 of UTF-8 text is refused rather than silently dropped.
fn metadata(headers: &HeaderMap) -> Result<HashMap<String, String>, Error> {
    let bad = |what: &str| {
        Error::client(
            ErrorCode::BadRequest,
            format!("Upload-Metadata: {what}; expected `key base64,key base64`"),
        )
    };
    let Some(raw) = headers.get("upload-metadata") else {
        return Ok(HashMap::new());
    };
    let raw = raw.to_str().map_err(|_| bad("not ASCII"))?;
    let mut meta = HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| bad("a value is not base64"))?;
        let value = String::from_utf8(bytes).map_err(|_| bad("a value is not UTF-8"))?;
        meta.insert(key.to_owned(), value);
    }
    Ok(meta)
}

async fn create(State(state): State<HttpState>, headers: HeaderMap) -> Result<Response, Error> {
    check_tus(&headers)?;
    let user = user_of(&state, &headers).await?;
    let length = headers
        .get("upload-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            Error::client(
                ErrorCode::BadRequest,
                "Upload-Length is required (deferred length is not supported)",
            )
        })?;
    let meta = metadata(&headers)?;
    let kind = match meta.get("kind").map(String::as_str) {
        Some("image") => UploadKind::Image,
        Some("file") | None => UploadKind::File,
        Some(_) => {
            return Err(Error::client(
                ErrorCode::BadRequest,
                "kind is file or image",
            ));
        }
    };
    let req = NewUpload {
        length,
        name: meta
            .get("filename")
            .or_else(|| meta.get("name"))
            .cloned()
            .unwrap_or_default(),
        mime: meta.get("filetype").cloned().unwrap_or_default(),
        kind,
        original: meta
            .get("original")
            .is_some_and(|v| v == "1" || v == "true"),
        sha256: meta.get("sha256").cloned(),
    };
    let upload = state.app.files.create_upload(&user, req).await?;
    let mut res = uploaded(StatusCode::CREATED, &upload);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/uploads/{}", upload.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

async fn head(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let user = user_of(&state, &headers).await?;
        state.app.files.upload_state(&user, &id).await
    }
    .await;
    match result {
        Ok(upload) => uploaded(StatusCode::OK, &upload),
        Err(e) => {
            // HEAD responses carry no body.
            let mut res = e.into_response();
            *res.body_mut() = Body::empty();
            res
        }
    }
}

async fn patch(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, Error> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    check_tus(&headers)?;
    let user = user_of(&state, &headers).await?;
    if headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes())
        != Some(b"application/offset+octet-stream")
    {
        return Err(Error::client(
            ErrorCode::BadRequest,
            "Content-Type must be application/offset+octet-stream",
        ));
    }
    let offset = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| Error::client(ErrorCode::BadRequest, "Upload-Offset is required"))?;
    let upload = state
        .app
        .files
        .append_upload(&user, &id, offset, body.into_data_stream())
        .await?;
    Ok(uploaded(StatusCode::NO_CONTENT, &upload))
}

async fn terminate(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, Error> {
    check_tus(&headers)?;
    let user = user_of(&state, &headers).await?;
    state.app.files.terminate_upload(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// RFC 5987 `attr-char`: everything else is percent-encoded in `filename*`.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` with an ASCII fallback and the RFC 6266 `filename*`.
pub fn disposition(kind: &str, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR)
    )
}

const INLINE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

async fn download(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
    thumbnail: bool,
) -> Response {
    let file = FileId(id);
    let app = &state.app;
    let user = match bearer(request.headers()) {
        Some(token) => app.accounts.http_user(token).await.ok(),
        None => match (
            query.get("u"),
            query.get("k"),
            query.get("e").and_then(|e| e.parse().ok()),
            query.get("s"),
        ) {
            (Some(user), Some(session), Some(expires), Some(sig)) => {
                let grant = UrlGrant {
                    variant: if thumbnail { "thumbnail" } else { "original" },
                    file: file.as_str(),
                    user,
                    session,
                };
                match app.files.verify_signed(&grant, expires, sig).await {
                    Ok(user) => user,
                    Err(e) => return e.into_response(),
                }
            }
            _ => None,
        },
    };
    let not_found = || Error::not_found("no such file").into_response();
    let Some(user) = user else { return not_found() };
    let Ok(row) = app.files.accessible(&user, &file).await else {
        return not_found();
    };
    let sha = if thumbnail {
        row.thumb_sha256.clone()
    } else {
        Some(row.sha256.clone())
    };
    let Some(path) = sha.as_deref().and_then(|s| app.files.blobs().blob_path(s)) else {
        return not_found();
    };
    // Several ranges would be a multipart answer, which clients rarely handle and which costs a
    // read per range: answer them with the whole file, as RFC 9110 allows.
    let mut request = request;
    if request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(','))
    {
        request.headers_mut().remove(header::RANGE);
    }
    // ServeFile answers its own failures (404, 416, …); its error type is `Infallible`.
    let Ok(served) = ServeFile::new(path).oneshot(request).await;
    let mut res = served.map(Body::new);
    let (mime, inline) = if thumbnail {
        ("image/jpeg".to_owned(), true)
    } else if row.is_image() && INLINE_IMAGES.contains(&row.mime.as_str()) {
        (row.mime.clone(), true)
    } else {
        // Everything else (HTML and SVG included) is an opaque download, never rendered.
        ("application/octet-stream".to_owned(), false)
    };
    let h = res.headers_mut();
    if res_is_success(h)
        && let Ok(v) = HeaderValue::from_str(&mime)
    {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition(
        if inline { "inline" } else { "attachment" },
        &row.name,
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    set_headers(
        h,
        &[
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
            (header::CACHE_CONTROL, "private, max-age=600"),
        ],
    );
    res
}

/// ServeFile sets a `Content-Type` on every successful answer (full or partial); error answers
/// from it keep theirs.
fn res_is_success(h: &HeaderMap) -> bool {
    h.contains_key(header::CONTENT_TYPE)
}
