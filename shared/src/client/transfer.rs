//! File transfers over HTTPS: resumable uploads with the tus 1.0 protocol and ranged downloads,
//! both streamed from and to disk (memory use does not depend on the file size), with progress
//! callbacks. Same trust rules as the WebSocket ([`Trust`]); authenticated with the session
//! token in the `Authorization` header.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ClientError, Trust, tls_config};
use crate::{ErrorCode, FileId};

type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// What an upload is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// Any file (sent 1:1).
    File,
    /// An image (PNG, JPEG, GIF, WebP): checked and thumbnailed by the server.
    Image,
}

/// An upload the server knows about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its URL path (`/api/uploads/<id>`), to resume it later.
    pub location: String,
    /// Bytes the server has.
    pub offset: u64,
    /// Total length.
    pub length: u64,
    /// The file, once complete.
    pub file_id: Option<FileId>,
}

/// Transfers against one server for one session.
#[derive(Clone)]
pub struct Transfers {
    host: String,
    port: u16,
    token: String,
    tls: Arc<rustls::ClientConfig>,
}

/// Progress callback: `(bytes done, total)`; return `Break` to stop (the transfer can be resumed).
pub type Progress<'a> = &'a mut (dyn FnMut(u64, u64) -> ControlFlow<()> + Send);

fn http_err(e: impl std::fmt::Display) -> ClientError {
    ClientError::Connect(e.to_string())
}

fn empty() -> Body {
    Empty::<Bytes>::new()
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn header<'a>(res: &'a Response<Incoming>, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Turn an error response (`{code, message}`) into a [`ClientError`].
async fn server_error(res: Response<Incoming>) -> ClientError {
    let status = res.status().as_u16();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    #[derive(serde::Deserialize)]
    struct E {
        code: ErrorCode,
        message: String,
    }
    match serde_json::from_slice::<E>(&bytes) {
        Ok(e) => ClientError::Server {
            code: e.code,
            message: e.message,
            retry_after_ms: None,
        },
        Err(_) => ClientError::HttpStatus(status),
    }
}

/// SHA-256 of a file, streamed.
pub async fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut f = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

impl Transfers {
    /// Transfers to `base` (`https://host:port`) with a session token.
    pub fn new(base: &str, trust: Trust, token: &str) -> Result<Self, ClientError> {
        let uri: http::Uri = base
            .parse()
            .map_err(|_| ClientError::Url(base.to_owned()))?;
        if uri.scheme_str() != Some("https") {
            return Err(ClientError::Url(
                "transfers need an https:// base URL".into(),
            ));
        }
        let host = uri
            .host()
            .ok_or_else(|| ClientError::Url("no host".into()))?
            .trim_matches(['[', ']'])
            .to_owned();
        Ok(Transfers {
            port: uri.port_u16().unwrap_or(443),
            host,
            token: token.to_owned(),
            tls: Arc::new(tls_config(&trust)?),
        })
    }

    async fn send(&self, req: Request<Body>) -> Result<Response<Incoming>, ClientError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(http_err)?;
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(self.host.clone()).map_err(http_err)?;
        let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
            .connect(name, tcp)
            .await
            .map_err(http_err)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(http_err)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        sender.send_request(req).await.map_err(http_err)
    }

    fn request(&self, method: Method, path: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header("host", format!("{}:{}", self.host, self.port))
            .header("authorization", format!("Bearer {}", self.token))
            .header("tus-resumable", "1.0.0")
    }

    /// Announce an upload of `path` (tus creation). If the server already has this content for
    /// you (you uploaded or can see it), the upload is complete at once.
    pub async fn create_upload(
        &self,
        path: &Path,
        kind: UploadKind,
        original: bool,
    ) -> Result<Upload, ClientError> {
        let length = tokio::fs::metadata(path).await.map_err(http_err)?.len();
        let sha = file_sha256(path).await.map_err(http_err)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
        let kind = match kind {
            UploadKind::File => "file",
            UploadKind::Image => "image",
        };
        let mut meta = format!(
            "filename {},kind {},sha256 {}",
            b64(&name),
            b64(kind),
            b64(&sha)
        );
        if original {
            meta.push_str(&format!(",original {}", b64("1")));
        }
        let req = self
            .request(Method::POST, "/api/uploads")
            .header("upload-length", length)
            .header("upload-metadata", meta)
            .body(empty())
            .map_err(http_err)?;
        let res = self.send(req).await?;
        if res.status() != StatusCode::CREATED {
            return Err(server_error(res).await);
        }
        let location = header(&res, "location")
            .ok_or_else(|| ClientError::Protocol("no Location".into()))?
            .to_owned();
        let offset = header(&res, "upload-offset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let file_id = header(&res, "liao-file-id").map(FileId::from);
        Ok(Upload {
            location,
            offset,
            length,
            file_id,
        })
    }

    /// Ask the server where an upload stands (tus HEAD).
    pub async fn upload_state(&self, location: &str) -> Result<Upload, ClientError> {
        let req = self
            .request(Method::HEAD, location)
            .body(empty())
            .map_err(http_err)?;
        let res = self.send(req).await?;
        if !res.status().is_success() {
            return Err(ClientError::HttpStatus(res.status().as_u16()));
        }
        Ok(Upload {
            location: location.to_owned(),
            offset: header(&res, "upload-offset")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            length: header(&res, "upload-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            file_id: header(&res, "liao-file-id").map(FileId::from),
        })
    }

    /// Send the rest of `path` from the server's offset (tus PATCH). Returns the upload's state
    /// afterwards; stopped (by `progress`) or broken transfers leave it resumable.
    pub async fn send_rest(
        &self,
        upload: &Upload,
        path: &Path,
        progress: Progress<'_>,
    ) -> Result<Upload, ClientError> {
        let mut file = tokio::fs::File::open(path).await.map_err(http_err)?;
        file.seek(std::io::SeekFrom::Start(upload.offset))
            .await
            .map_err(http_err)?;
        let total = upload.length;
        let mut done = upload.offset;
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, std::io::Error>>(4);
        let body = BodyExt::boxed_unsync(StreamBody::new(tokio_stream_from(rx)));
        let req = self
            .request(Method::PATCH, &upload.location)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", upload.offset)
            .body(body)
            .map_err(http_err)?;
        // Feed the body from the file while the request is in flight.
        let feeder = async move {
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = match file.read(&mut buf).await {
                    Ok(0) => return Ok(()),
                    Ok(n) => n,
                    Err(e) => return Err(e),
                };
                if tx
                    .send(Ok(Frame::data(Bytes::copy_from_slice(&buf[..n]))))
                    .await
                    .is_err()
                {
                    return Ok(());
                }
                done += n as u64;
                if progress(done, total).is_break() {
                    let _ = tx.send(Err(std::io::Error::other("stopped"))).await;
                    return Err(std::io::Error::other("stopped"));
                }
            }
        };
        let (sent, fed) = tokio::join!(self.send(req), feeder);
        if fed.is_err() {
            return Err(ClientError::Closed);
        }
        let res = sent?;
        if res.status() != StatusCode::NO_CONTENT {
            return Err(server_error(res).await);
        }
        Ok(Upload {
            location: upload.location.clone(),
            offset: header(&res, "upload-offset")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            length: upload.length,
            file_id: header(&res, "liao-file-id").map(FileId::from),
        })
    }

    /// Upload `path` completely: create, send, and on a broken connection ask the server for its
    /// offset and continue from there (a few times). Returns the file id to put in a message.
    pub async fn upload(
        &self,
        path: &Path,
        kind: UploadKind,
        progress: Progress<'_>,
    ) -> Result<FileId, ClientError> {
        let upload = self.create_upload(path, kind, false).await?;
        self.finish_upload(upload, path, progress).await
    }

    /// Continue an upload until it is complete.
    pub async fn finish_upload(
        &self,
        mut upload: Upload,
        path: &Path,
        progress: Progress<'_>,
    ) -> Result<FileId, ClientError> {
        let mut attempts = 0;
        loop {
            if let Some(id) = upload.file_id.clone() {
                return Ok(id);
            }
            match self.send_rest(&upload, path, progress).await {
                Ok(next) => upload = next,
                Err(ClientError::Closed) => return Err(ClientError::Closed), // stopped by the caller
                // The server is still finishing an earlier, broken request for this upload (or
                // our offset is stale): ask again where it stands.
                Err(ClientError::Server {
                    code: ErrorCode::Conflict,
                    ..
                }) if attempts < 20 => {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    upload = self.upload_state(&upload.location).await?;
                }
                Err(e @ ClientError::Server { .. }) => return Err(e),
                Err(e) => {
                    attempts += 1;
                    if attempts > 5 {
                        return Err(e);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempts)).await;
                    upload = self.upload_state(&upload.location).await?;
                }
            }
        }
    }

    /// GET `path` (a server path such as a signed media URL from `file_urls`) into memory:
    /// `(status, content type, body)`. For thumbnails and avatars; large files use
    /// [`Transfers::download_path`].
    pub async fn get(&self, path: &str) -> Result<(u16, Option<String>, Bytes), ClientError> {
        let res = self
            .send(
                self.request(Method::GET, path)
                    .body(empty())
                    .map_err(http_err)?,
            )
            .await?;
        let status = res.status().as_u16();
        let ctype = header(&res, "content-type").map(str::to_owned);
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(http_err)?
            .to_bytes();
        Ok((status, ctype, body))
    }

    /// Download a file (or its thumbnail) to `dest`, resuming from `dest`'s length if it exists.
    pub async fn download(
        &self,
        file: &FileId,
        dest: &Path,
        thumbnail: bool,
        progress: Progress<'_>,
    ) -> Result<u64, ClientError> {
        let path = if thumbnail {
            format!("/api/files/{file}/thumbnail")
        } else {
            format!("/api/files/{file}")
        };
        self.download_path(&path, dest, progress).await
    }

    /// Download the server path `path` (e.g. a signed URL) to `dest`, streamed, resuming from
    /// `dest`'s length if it exists.
    pub async fn download_path(
        &self,
        path: &str,
        dest: &Path,
        progress: Progress<'_>,
    ) -> Result<u64, ClientError> {
        let have = tokio::fs::metadata(dest)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        let Some(res) = self.get_from(path, have).await? else {
            // Nothing left to fetch.
            return Ok(have);
        };
        let (out, done) = if res.status() == StatusCode::PARTIAL_CONTENT {
            let out = tokio::fs::OpenOptions::new()
                .append(true)
                .open(dest)
                .await
                .map_err(http_err)?;
            (out, have)
        } else {
            (tokio::fs::File::create(dest).await.map_err(http_err)?, 0)
        };
        let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, out);
        let done = stream_body(res, &mut out, done, progress).await?;
        out.get_ref().sync_all().await.map_err(http_err)?;
        Ok(done)
    }

    /// Download the server path `path` into `out` (memory, a pipe, a hasher…), streamed.
    /// Returns the byte count.
    pub async fn download_into<W>(
        &self,
        path: &str,
        out: &mut W,
        progress: Progress<'_>,
    ) -> Result<u64, ClientError>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        match self.get_from(path, 0).await? {
            Some(res) => stream_body(res, out, 0, progress).await,
            None => Ok(0),
        }
    }

    /// `GET path` from byte `from` on: the response (200 or 206), or `None` if nothing is left.
    async fn get_from(
        &self,
        path: &str,
        from: u64,
    ) -> Result<Option<Response<Incoming>>, ClientError> {
        let mut req = self.request(Method::GET, path);
        if from > 0 {
            req = req.header("range", format!("bytes={from}-"));
        }
        let res = self.send(req.body(empty()).map_err(http_err)?).await?;
        match res.status() {
            StatusCode::OK | StatusCode::PARTIAL_CONTENT => Ok(Some(res)),
            StatusCode::RANGE_NOT_SATISFIABLE => Ok(None),
            _ => Err(server_error(res).await),
        }
    }
}

/// Write `res`'s body to `out`, counting on from `done` bytes; flushes `out` at the end or when
/// `progress` stops the transfer.
async fn stream_body<W>(
    res: Response<Incoming>,
    out: &mut W,
    mut done: u64,
    progress: Progress<'_>,
) -> Result<u64, ClientError>
where
    W: tokio::io::AsyncWrite + Unpin + ?Sized,
{
    let total = res
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(0, |n| n + done);
    let mut body = res.into_body();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(http_err)?;
        if let Ok(data) = frame.into_data() {
            out.write_all(&data).await.map_err(http_err)?;
            done += data.len() as u64;
            if progress(done, total).is_break() {
                out.flush().await.map_err(http_err)?;
                return Err(ClientError::Closed);
            }
        }
    }
    out.flush().await.map_err(http_err)?;
    Ok(done)
}

fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
