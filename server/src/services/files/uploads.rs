//! The tus upload lifecycle: creation, appending a request body's bytes, and finishing an
//! upload into a file record (see the crash-safety notes in the parent module).

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use liao_shared::{ErrorCode, FileId, UserId};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::{Files, NewUpload, UploadKind, UploadState, clean_file_name};
use crate::error::{Error, Result};
use crate::faults;
use crate::files::{hash_file, images};
use crate::store::files::{NewFile, UploadRow};

/// The least an upload body must deliver per `--upload-idle-secs` window (16 KiB per 30 s by
/// default: about 550 bytes a second, far below any real connection).
const MIN_BODY_BYTES_PER_WINDOW: u64 = 16 * 1024;

fn conflict(message: &'static str) -> Error {
    Error::client(ErrorCode::Conflict, message)
}

impl Files {
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
        let insert_upload = || {
            let kind = req.kind.as_str();
            self.store
                .insert_upload(user, req.length, &name, &mime, kind, req.original)
        };
        // Instant re-send (秒传): only of content the uploader can already see.
        if let Some(sha) = req.sha256.as_deref().map(str::to_ascii_lowercase)
            && let Some(existing) = self
                .store
                .accessible_by_hash(user, &sha, req.kind.as_str())
                .await?
            && existing.size == req.length
            && let _blobs = self.blobs.lock_references().await
            // Clean-up may have removed the content meanwhile: then upload it normally.
            && self.blobs.blob_path(&existing.sha256).is_some_and(|p| p.exists())
        {
            let id = insert_upload().await?;
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
        let id = insert_upload().await?;
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
            if let Some(_guard) = self.blobs.claim_upload(&row.id) {
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
    pub(super) async fn finish_claimed(
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
            .blobs
            .claim_upload(&row.id)
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
                .map_err(Error::join("image processing"))?;
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
        let _blobs = self.blobs.lock_references().await;
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
            .blobs
            .claim_upload(&row.id)
            .ok_or_else(|| conflict("another request is writing this upload"))?;
        let _ = tokio::fs::remove_file(&path).await;
        self.store.delete_upload(&row.id).await
    }
}
