//! Files and images: the tus upload lifecycle, finishing an upload (fsync, hash, image checks,
//! link into the content-addressed store, then the file record — a message can never point at a
//! partial file), access rules, signed URLs, and clean-up.
//!
//! # Crash safety
//! An upload's own file keeps every received byte until the upload is recorded complete; the
//! blob store gets a hard link (or a copy) of it, never the only copy. The file record and the
//! upload's completion are one transaction. So whatever step a crash interrupts, the upload is
//! either complete (and `HEAD` shows its file) or still holds all its bytes, and finishing it
//! again (on the next `HEAD` or `PATCH`, or the sweep at start-up) is idempotent: the blob is
//! named by its content. Scratch files and blobs a crash orphaned are swept later.
//!
//! # Storage
//! Below the free-space reserve (`--min-free-mb`) uploads are refused with `storage_full` before
//! a byte is written, so that the database keeps room for messages. A write that still hits a
//! full disk keeps nothing of its request: the upload stays at its old offset.
//!
//! # Concurrency
//! Bytes stream from the request body to the upload's temp file chunk by chunk; memory use does
//! not depend on the file size. One PATCH at a time per upload (others get `409`); hashing and
//! image work run on the blocking pool.

use std::collections::HashSet;
use std::sync::Mutex;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use hmac::{Hmac, Mac};
use liao_shared::{ErrorCode, FileId, Reply, UserId, limits};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::faults;
use crate::files::{hash_file, images};
use crate::store::files::{FileRow, NewFile, UploadRow};
use crate::util::now_ms;

/// What was uploaded as what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// Any file (sent 1:1).
    File,
    /// An image (checked and thumbnailed).
    Image,
}

impl UploadKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::File => "file",
            UploadKind::Image => "image",
        }
    }
}

/// A tus creation request.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// Declared total length.
    pub length: u64,
    /// File name (display only).
    pub name: String,
    /// Declared MIME type.
    pub mime: String,
    /// Kind.
    pub kind: UploadKind,
    /// Images: keep metadata as uploaded.
    pub original: bool,
    /// Optional SHA-256 of the content, for instant re-send of something the uploader can see.
    pub sha256: Option<String>,
}

/// The state of an upload.
#[derive(Debug, Clone)]
pub struct UploadState {
    /// Upload id.
    pub id: String,
    /// Bytes received.
    pub offset: u64,
    /// Declared length.
    pub length: u64,
    /// The file, once complete.
    pub file_id: Option<FileId>,
}

/// Uploads with a PATCH in progress.
#[derive(Default)]
pub struct ActiveUploads(Mutex<HashSet<String>>);

struct ActiveGuard<'a>(&'a ActiveUploads, String);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.1);
    }
}

impl ActiveUploads {
    fn claim(&self, id: &str) -> Option<ActiveGuard<'_>> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(id.to_owned())
            .then(|| ActiveGuard(self, id.to_owned()))
    }
}

/// Longest stored file name, in Unicode scalar values.
const MAX_FILE_NAME_CHARS: usize = 255;

/// File names are display text, but they also become the download name on the recipient's disk:
/// control characters are removed, `/` and `\` become `_`, every run of dots collapses to one
/// (so no `..` is left), leading dots and surrounding white space are trimmed (no hidden or
/// dot-only names), and at most 255 characters are kept; an empty result becomes `file`.
/// Applying it twice changes nothing more.
pub fn clean_file_name(name: &str) -> String {
    let mut cleaned = String::with_capacity(name.len().min(4 * MAX_FILE_NAME_CHARS));
    for c in name.chars().filter(|c| !c.is_control()) {
        match c {
            '/' | '\\' => cleaned.push('_'),
            '.' if cleaned.ends_with('.') => {}
            c => cleaned.push(c),
        }
    }
    let trim = |s: &str| {
        s.trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_end()
            .to_owned()
    };
    // Trimmed again after the cut: it may end the name in white space.
    let cut: String = trim(&cleaned).chars().take(MAX_FILE_NAME_CHARS).collect();
    let cleaned = trim(&cut);
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// What a signed file URL grants: one variant of one file, to one user, while one session lasts.
#[derive(Debug, Clone, Copy)]
pub struct UrlGrant<'a> {
    /// `original` or `thumbnail`.
    pub variant: &'a str,
    /// The file.
    pub file: &'a str,
    /// The user it was issued to.
    pub user: &'a str,
    /// The session it was issued to.
    pub session: &'a str,
}

/// The least an upload body must deliver per `--upload-idle-secs` window (16 KiB per 30 s by
/// default: about 550 bytes a second, far below any real connection).
const MIN_BODY_BYTES_PER_WINDOW: u64 = 16 * 1024;

fn conflict(message: &'static str) -> Error {
    Error::client(ErrorCode::Conflict, message)
}

impl App {
    /// The user a bearer token (HTTP `Authorization`) belongs to.
    pub async fn http_user(&self, token: &str) -> Result<UserId> {
        let invalid = || {
            Error::client(
                ErrorCode::InvalidSession,
                "unknown, expired or revoked session",
            )
        };
        let session = self
            .store
            .session_by_token(&crate::util::token_hash(token))
            .await?
            .ok_or_else(invalid)?;
        let idle_ms = self.config.tuning.session_idle_days * 24 * 3600 * 1000;
        if now_ms().saturating_sub(session.last_seen_at) > idle_ms {
            return Err(invalid());
        }
        let user = self
            .store
            .user_by_id(&session.user_id)
            .await?
            .ok_or_else(invalid)?;
        if user.disabled {
            return Err(Error::client(
                ErrorCode::AccountDisabled,
                "this account is disabled",
            ));
        }
        Ok(session.user_id)
    }

    /// tus creation: check the size limit and quota before any byte is accepted.
    pub async fn create_upload(&self, user: &UserId, req: NewUpload) -> Result<UploadState> {
        let t = &self.config.tuning;
        let max = match req.kind {
            UploadKind::File => t.max_file_bytes,
            UploadKind::Image => t.max_image_bytes,
        };
        if req.length > max {
            return Err(Error::client(
                ErrorCode::FileTooLarge,
                format!("the limit for this kind of upload is {max} bytes"),
            ));
        }
        self.check_room(req.length).await?;
        let name = clean_file_name(&req.name);
        let mime = req
            .mime
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(127)
            .collect::<String>();
        let mime = if mime.is_empty() {
            "application/octet-stream".to_owned()
        } else {
            mime
        };
        // Instant re-send (秒传): only of content the uploader can already see.
        if let Some(sha) = req.sha256.as_deref().map(str::to_ascii_lowercase)
            && let Some(existing) = self
                .store
                .accessible_by_hash(user, &sha, req.kind.as_str())
                .await?
            && existing.size == req.length
            && let _blobs = self.blob_lock.lock().await
            // Clean-up may have removed the content meanwhile: then upload it normally.
            && self.blobs.blob_path(&existing.sha256).is_some_and(|p| p.exists())
        {
            let id = self
                .store
                .insert_upload(
                    user,
                    req.length,
                    &name,
                    &mime,
                    req.kind.as_str(),
                    req.original,
                )
                .await?;
            let file_id = self
                .store
                .insert_file(
                    &NewFile {
                        owner: user,
                        sha256: &existing.sha256,
                        size: existing.size,
                        name: &name,
                        mime: &existing.mime,
                        kind: &existing.kind,
                        dims: existing.width.zip(existing.height),
                        thumb: existing.thumb_sha256.as_deref(),
                    },
                    Some(&id),
                )
                .await?;
            return Ok(UploadState {
                id,
                offset: req.length,
                length: req.length,
                file_id: Some(file_id),
            });
        }
        if self.store.usage(user).await? + req.length > t.quota_bytes {
            return Err(Error::client(
                ErrorCode::QuotaExceeded,
                "this upload would exceed your storage quota",
            ));
        }
        let id = self
            .store
            .insert_upload(
                user,
                req.length,
                &name,
                &mime,
                req.kind.as_str(),
                req.original,
            )
            .await?;
        let path = self
            .blobs
            .upload_path(&id)
            .ok_or_else(|| Error::Internal("bad upload id".into()))?;
        tokio::fs::File::create(&path)
            .await
            .map_err(|e| Error::io("creating upload", e))?;
        // Nothing to wait for: an empty upload is complete at creation.
        let file_id = if req.length == 0 {
            let (row, path) = self.upload_row(user, &id).await?;
            Some(self.finish_upload(&row, &path, None).await?)
        } else {
            None
        };
        Ok(UploadState {
            id,
            offset: 0,
            length: req.length,
            file_id,
        })
    }

    /// Free bytes on the file store's disk, if the system says.
    async fn free_bytes(&self) -> Option<u64> {
        let root = self.blobs.root().to_path_buf();
        tokio::task::spawn_blocking(move || fs4::available_space(&root).ok())
            .await
            .ok()
            .flatten()
    }

    /// Whether free space is below the reserve kept for messages (`--min-free-mb`).
    pub async fn storage_low(&self) -> bool {
        let reserve = self.config.tuning.min_free_mb * 1024 * 1024;
        reserve > 0 && self.free_bytes().await.is_some_and(|free| free < reserve)
    }

    /// Refuse an upload of `more` bytes that would eat into the reserve kept for messages.
    async fn check_room(&self, more: u64) -> Result<()> {
        let reserve = self.config.tuning.min_free_mb * 1024 * 1024;
        if reserve == 0 {
            return Ok(());
        }
        match self.free_bytes().await {
            Some(free) if free < reserve.saturating_add(more) => Err(Error::StorageFull(format!(
                "{free} bytes free, {reserve} reserved, {more} asked"
            ))),
            _ => Ok(()),
        }
    }

    async fn upload_row(&self, user: &UserId, id: &str) -> Result<(UploadRow, std::path::PathBuf)> {
        let row = self
            .store
            .upload(user, id)
            .await?
            .ok_or_else(|| Error::not_found("no such upload"))?;
        let path = self
            .blobs
            .upload_path(&row.id)
            .ok_or_else(|| Error::not_found("no such upload"))?;
        Ok((row, path))
    }

    /// tus HEAD: where the upload stands. An upload whose bytes have all arrived but that was
    /// never finished (the server stopped in between) is finished now.
    ///
    /// The upload file is only trusted, recreated or finished under the upload's claim: another
    /// request (a PATCH, the start-up repair) may be finishing it right now, and then removes
    /// the file just after recording the upload complete. Without the claim, HEAD reports the
    /// bytes on disk while they are still arriving, and waits for a finish in progress.
    pub async fn upload_state(&self, user: &UserId, id: &str) -> Result<UploadState> {
        let (row, path) = self.upload_row(user, id).await?;
        let complete = |row: UploadRow| UploadState {
            id: row.id,
            offset: row.length,
            length: row.length,
            file_id: row.file_id,
        };
        if row.file_id.is_some() {
            return Ok(complete(row));
        }
        for _ in 0..100 {
            if let Some(_guard) = self.active_uploads.claim(&row.id) {
                let current = self
                    .store
                    .upload(user, id)
                    .await?
                    .ok_or_else(|| Error::not_found("no such upload"))?;
                if current.file_id.is_some() {
                    return Ok(complete(current));
                }
                let offset = self.upload_offset(&current, &path).await?;
                let file_id = if offset == current.length {
                    self.finish_claimed(&current, &path).await?
                } else {
                    None
                };
                return Ok(UploadState {
                    id: current.id,
                    offset,
                    length: current.length,
                    file_id,
                });
            }
            // Someone else holds it. Bytes still arriving: say how many are here.
            if let Ok(meta) = tokio::fs::metadata(&path).await
                && meta.len() < row.length
            {
                return Ok(UploadState {
                    id: row.id,
                    offset: meta.len(),
                    length: row.length,
                    file_id: None,
                });
            }
            // All here (being finished) or gone (just finished): wait for the outcome.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            if let Some(current) = self.store.upload(user, id).await?
                && current.file_id.is_some()
            {
                return Ok(complete(current));
            }
        }
        Err(Error::Busy(format!(
            "upload {} is still being finished",
            row.id
        )))
    }

    /// Bytes received so far: the upload file's length. A missing file (lost in a crash of
    /// an older version) is created empty, so the upload resumes from the start.
    async fn upload_offset(&self, row: &UploadRow, path: &std::path::Path) -> Result<u64> {
        match tokio::fs::metadata(path).await {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tokio::fs::File::create(path)
                    .await
                    .map_err(|e| Error::io(format_args!("recreating upload {}", row.id), e))?;
                Ok(0)
            }
            Err(e) => Err(Error::io(format_args!("upload {}", row.id), e)),
        }
    }

    /// Finish an upload this caller holds the claim of, unless another request finished it
    /// first (reads the record again under the claim).
    async fn finish_claimed(
        &self,
        row: &UploadRow,
        path: &std::path::Path,
    ) -> Result<Option<FileId>> {
        match self.store.upload(&row.owner_id, &row.id).await? {
            Some(current) if current.file_id.is_some() => Ok(current.file_id),
            Some(current) => Ok(Some(self.finish_upload(&current, path, None).await?)),
            None => Err(Error::not_found("no such upload")),
        }
    }

    /// tus PATCH: append the body at `offset`, finishing the upload when it is complete. Bytes
    /// beyond the declared length are refused and nothing past the old offset is kept.
    pub async fn append_upload<S, E>(
        &self,
        user: &UserId,
        id: &str,
        offset: u64,
        body: S,
    ) -> Result<UploadState>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (row, path) = self.upload_row(user, id).await?;
        if row.file_id.is_some() {
            return Err(conflict("the upload is already complete"));
        }
        let _guard = self
            .active_uploads
            .claim(&row.id)
            .ok_or_else(|| conflict("another request is writing this upload"))?;
        let io = |e: std::io::Error| Error::io(format_args!("upload {}", row.id), e);
        let current = self.upload_offset(&row, &path).await?;
        if current != offset {
            return Err(conflict("Upload-Offset does not match the server's offset"));
        }
        if current == row.length {
            // Every byte is here already (a finish was interrupted): finish, nothing to append.
            let file_id = self.finish_claimed(&row, &path).await?;
            return Ok(UploadState {
                id: row.id,
                offset: current,
                length: row.length,
                file_id,
            });
        }
        self.check_room(row.length - current).await?;
        let file = tokio::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .await
            .map_err(io)?;
        // Larger writes: each write of a `tokio::fs::File` is a trip to a blocking thread.
        let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        // When this request carries the whole upload (the usual case), hash the bytes as they
        // arrive, so finishing does not read the file back. A resumed upload is hashed from disk.
        let mut hasher = (current == 0).then(Sha256::new);
        let mut written = current;
        let mut body = body;
        // A body that stalls or trickles (slowloris) does not hold the upload and a task
        // forever: every window of `upload_idle_secs` must bring MIN_BODY_BYTES_PER_WINDOW (or the
        // rest of the upload). Otherwise the request ends; what arrived is kept and the client
        // resumes from there.
        let window = std::time::Duration::from_secs(self.config.tuning.upload_idle_secs.max(1));
        let mut deadline = tokio::time::Instant::now() + window;
        let mut in_window = 0u64;
        let mut failure = None;
        loop {
            let chunk = match tokio::time::timeout_at(deadline, body.next()).await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(_) => {
                    tracing::debug!(upload = %row.id, "upload body too slow, request ended");
                    break;
                }
            };
            match chunk {
                Ok(bytes) => {
                    if written + bytes.len() as u64 > row.length {
                        failure = Some(Error::client(
                            ErrorCode::FileTooLarge,
                            "more bytes than the declared Upload-Length",
                        ));
                        break;
                    }
                    if let Err(e) = file.write_all(&bytes).await {
                        failure = Some(io(e));
                        break;
                    }
                    if let Some(hasher) = &mut hasher {
                        hasher.update(&bytes);
                    }
                    written += bytes.len() as u64;
                    in_window += bytes.len() as u64;
                    if in_window >= MIN_BODY_BYTES_PER_WINDOW {
                        deadline = tokio::time::Instant::now() + window;
                        in_window = 0;
                    }
                }
                // The client went away mid-request: keep what arrived; it resumes from there.
                Err(e) => {
                    tracing::debug!(upload = %row.id, error = %e, "upload body ended early");
                    break;
                }
            }
        }
        // Make what arrived durable; on any failure (too many bytes, a full disk) keep nothing
        // of this request, so the offset the client sees is always bytes that are on disk.
        let failure = match failure {
            Some(e) => Some(e),
            None => match file.flush().await {
                Ok(()) => file.get_ref().sync_data().await.map_err(io).err(),
                Err(e) => Some(io(e)),
            },
        };
        let file = file.into_inner();
        if let Some(e) = failure {
            if let Err(undo) = file.set_len(current).await {
                tracing::warn!(upload = %row.id, error = %undo, "could not truncate upload");
            }
            return Err(e);
        }
        drop(file);
        self.store.touch_upload(&row.id).await?;
        let file_id = if written == row.length {
            faults::point("upload.received");
            let sha = hasher.map(|h| hex::encode(h.finalize()));
            Some(self.finish_upload(&row, &path, sha).await?)
        } else {
            None
        };
        Ok(UploadState {
            id: row.id,
            offset: written,
            length: row.length,
            file_id,
        })
    }

    /// Hash, check, move into the store, then record: only complete, verified content becomes a file.
    /// `sha256` is the upload's digest if it was computed as the bytes arrived.
    async fn finish_upload(
        &self,
        row: &UploadRow,
        path: &std::path::Path,
        sha256: Option<String>,
    ) -> Result<FileId> {
        let io = |e: std::io::Error| Error::io(format_args!("finishing upload {}", row.id), e);
        let (mut served, mut mime, mut dims) = (path.to_path_buf(), row.mime.clone(), None);
        let (mut thumb, mut thumb_bytes) = (None, None::<Vec<u8>>);
        let mut size = row.length;
        if row.kind == "image" {
            let stripped_to = self.blobs.scratch_path();
            let (src, dst, keep) = (path.to_path_buf(), stripped_to.clone(), row.original);
            let processed = tokio::task::spawn_blocking(move || images::process(&src, keep, &dst))
                .await
                .map_err(|e| Error::Internal(format!("image task: {e}")))?;
            let processed = match processed {
                Ok(p) => p,
                Err(e) => {
                    let _ = tokio::fs::remove_file(&stripped_to).await;
                    // Out of disk while writing the stripped copy is not a bad image.
                    if let images::ImageError::Io(io_err) = &e
                        && crate::error::is_out_of_space(io_err)
                    {
                        return Err(Error::StorageFull(format!("processing image: {io_err}")));
                    }
                    let _ = tokio::fs::remove_file(path).await;
                    self.store.delete_upload(&row.id).await?;
                    return Err(Error::client(ErrorCode::UnsupportedImage, e.to_string()));
                }
            };
            if processed.stripped {
                served = stripped_to;
                size = tokio::fs::metadata(&served).await.map_err(io)?.len();
            }
            mime = processed.mime.to_owned();
            dims = Some((processed.width, processed.height));
            thumb_bytes = Some(processed.thumbnail);
        }
        let sha = match sha256 {
            // An image stripped of its metadata is other bytes than were uploaded.
            Some(sha) if served == path => sha,
            _ => hash_file(&served).await.map_err(io)?,
        };
        // From placing the blobs to recording the file, clean-up must not delete them.
        let _blobs = self.blob_lock.lock().await;
        if let Some(bytes) = &thumb_bytes {
            thumb = Some(self.blobs.put_bytes(bytes).await.map_err(io)?);
        }
        if served == path {
            // The upload keeps its bytes until it is recorded complete.
            self.blobs.link(&served, &sha).await.map_err(io)?;
        } else {
            // A processed copy is ours alone; the upload still has the original bytes.
            self.blobs.adopt(&served, &sha).await.map_err(io)?;
        }
        faults::point("upload.linked");
        let file_id = self
            .store
            .insert_file(
                &NewFile {
                    owner: &row.owner_id,
                    sha256: &sha,
                    size,
                    name: &row.name,
                    mime: &mime,
                    kind: &row.kind,
                    dims,
                    thumb: thumb.as_deref(),
                },
                Some(&row.id),
            )
            .await?;
        faults::point("upload.recorded");
        if let Err(e) = tokio::fs::remove_file(path).await
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(upload = %row.id, error = %e, "could not remove a finished upload");
        }
        Ok(file_id)
    }

    /// tus DELETE: abandon an upload.
    pub async fn terminate_upload(&self, user: &UserId, id: &str) -> Result<()> {
        let (row, path) = self.upload_row(user, id).await?;
        let _guard = self
            .active_uploads
            .claim(&row.id)
            .ok_or_else(|| conflict("another request is writing this upload"))?;
        let _ = tokio::fs::remove_file(&path).await;
        self.store.delete_upload(&row.id).await
    }

    /// Delete uploads untouched for the expiry (and forget finished upload records), and files
    /// that were uploaded that long ago but never sent (nor used as an avatar).
    pub async fn cleanup_uploads(&self) -> Result<()> {
        let before = now_ms().saturating_sub(self.config.tuning.upload_expiry_hours * 3600 * 1000);
        for file in self.store.unreferenced_files(before).await? {
            self.collect_file(&file).await;
        }
        for id in self.store.stale_uploads(before).await? {
            if let Some(path) = self.blobs.upload_path(&id) {
                let _ = tokio::fs::remove_file(path).await;
            }
            self.store.delete_upload(&id).await?;
        }
        Ok(())
    }

    /// Repair what a crash left in the file store: finish uploads whose bytes had all arrived,
    /// and delete scratch files and blobs no record points at once they are older than
    /// `grace` (so nothing between "placed" and "recorded" is touched, even by another node).
    pub async fn recover_files(&self, grace: std::time::Duration) -> Result<()> {
        for row in self.store.unfinished_uploads(1000).await? {
            let Some(path) = self.blobs.upload_path(&row.id) else {
                continue;
            };
            let complete = tokio::fs::metadata(&path)
                .await
                .is_ok_and(|m| m.len() == row.length);
            if let (true, Some(_guard)) = (complete, self.active_uploads.claim(&row.id)) {
                match self.finish_claimed(&row, &path).await {
                    Ok(_) => tracing::info!(upload = %row.id, "finished an interrupted upload"),
                    Err(e) => tracing::warn!(upload = %row.id, error = %e, "could not finish"),
                }
            }
        }
        let before = std::time::SystemTime::now() - grace;
        let io = |e: std::io::Error| Error::io("sweeping the file store", e);
        let known = self.store.upload_ids().await?;
        for stray in self.blobs.strays(&known, before).await.map_err(io)? {
            tracing::info!(path = %stray.display(), "removing a stray upload file");
            let _ = tokio::fs::remove_file(stray).await;
        }
        for sha in self.blobs.blobs_before(before).await.map_err(io)? {
            let _blobs = self.blob_lock.lock().await;
            if !self.store.blob_in_use(&sha).await? {
                tracing::info!(%sha, "removing a blob no file records");
                self.blobs.delete(&sha).await.map_err(io)?;
            }
        }
        Ok(())
    }

    /// After a recall: delete the file once no visible message references it.
    pub async fn collect_file(&self, file: &FileId) {
        match self.store.collect_file(file).await {
            Ok(orphans) => {
                let _blobs = self.blob_lock.lock().await;
                for sha in orphans {
                    // An upload of the same content may have adopted the blob meanwhile.
                    if matches!(self.store.blob_in_use(&sha).await, Ok(false))
                        && let Err(e) = self.blobs.delete(&sha).await
                    {
                        tracing::warn!(%sha, error = %e, "could not delete blob");
                    }
                }
            }
            Err(e) => tracing::warn!(%file, error = %e, "file clean-up failed"),
        }
    }

    fn signature(&self, grant: &UrlGrant<'_>, expires: u64) -> String {
        // HMAC accepts keys of any length; the key is 32 random bytes.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.url_key).expect("HMAC takes any key length");
        mac.update(
            format!(
                "{}\n{}\n{}\n{}\n{expires}",
                grant.variant, grant.file, grant.user, grant.session
            )
            .as_bytes(),
        );
        hex::encode(mac.finalize().into_bytes())
    }

    fn signed_path(&self, grant: &UrlGrant<'_>, expires: u64) -> String {
        let suffix = if grant.variant == "thumbnail" {
            "/thumbnail"
        } else {
            ""
        };
        format!(
            "/api/files/{}{suffix}?u={}&k={}&e={expires}&s={}",
            grant.file,
            grant.user,
            grant.session,
            self.signature(grant, expires)
        )
    }

    /// Check a signed URL's parameters: the signature, the expiry, and that the session it was
    /// issued to still exists (a URL dies with its session: logout, revocation, a password
    /// change, a disabled account). The user it was issued to.
    pub async fn verify_signed(
        &self,
        grant: &UrlGrant<'_>,
        expires: u64,
        sig: &str,
    ) -> Result<Option<UserId>> {
        let expected = self.signature(grant, expires);
        let same = expected.len() == sig.len()
            && expected
                .bytes()
                .zip(sig.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same || expires <= now_ms() {
            return Ok(None);
        }
        let user = UserId(grant.user.to_owned());
        let session = liao_shared::SessionId(grant.session.to_owned());
        let verified = &self.hub.verified;
        if verified.fresh(&user, &session) {
            return Ok(Some(user));
        }
        let epoch = verified.epoch();
        if !self.store.session_of(&user, &session).await? {
            return Ok(None);
        }
        verified.remember(&user, &session, epoch);
        Ok(Some(user))
    }

    /// Signed URLs for a file the actor may see, valid while the actor's session lasts.
    pub async fn file_urls(&self, actor: &Actor, file: &FileId) -> Result<Reply> {
        let row = self
            .store
            .accessible_file(&actor.user, file)
            .await?
            .ok_or_else(|| Error::not_found("no such file"))?;
        let expires_at = now_ms() + limits::FILE_URL_TTL_MS;
        let grant = |variant| UrlGrant {
            variant,
            file: file.as_str(),
            user: actor.user.as_str(),
            session: actor.session.as_str(),
        };
        Ok(Reply::FileUrls {
            url: self.signed_path(&grant("original"), expires_at),
            thumbnail_url: row
                .thumb_sha256
                .as_ref()
                .map(|_| self.signed_path(&grant("thumbnail"), expires_at)),
            expires_at,
        })
    }

    /// The file if `user` may download it (404 otherwise, whatever the reason).
    pub async fn downloadable(&self, user: &UserId, file: &FileId) -> Result<FileRow> {
        self.store
            .accessible_file(user, file)
            .await?
            .ok_or_else(|| Error::not_found("no such file"))
    }
}
