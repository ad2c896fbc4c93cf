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
//! # Layout
//! [`uploads`] is the tus lifecycle and finishing; [`urls`] signs and checks file URLs; this
//! module holds the service and the rules for using a file, plus clean-up.
//!
//! # Concurrency
//! Bytes stream from the request body to the upload's temp file chunk by chunk; memory use does
//! not depend on the file size. One PATCH at a time per upload (others get `409`); hashing and
//! image work run on the blocking pool.

mod uploads;
mod urls;

use std::sync::Arc;

use liao_shared::{ErrorCode, FileId, UserId};

pub use urls::{UrlGrant, VerifiedSessions};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::files::Blobs;
use crate::store::Store;
use crate::store::files::FileRow;
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

/// Uploads, the blob store, signed URLs and the rules for using a file.
pub struct Files {
    config: Arc<Config>,
    store: Store,
    blobs: Blobs,
    /// Key signing file URLs (shared by every node through the database).
    url_key: Vec<u8>,
    /// Sessions recently found alive for signed URLs (forgotten by the publisher's kills).
    url_sessions: Arc<VerifiedSessions>,
}

impl Files {
    /// The file service over `<data_dir>/files`, with its URL key from the database.
    pub async fn open(
        config: Arc<Config>,
        store: Store,
        url_sessions: Arc<VerifiedSessions>,
    ) -> Result<Self> {
        let blobs = Blobs::new(&config.data_dir);
        blobs
            .prepare()
            .await
            .map_err(|e| Error::io("preparing the file store", e))?;
        let key = store
            .secret("file_url_key", &crate::util::new_token())
            .await?;
        Ok(Files {
            config,
            store,
            blobs,
            url_key: key.into_bytes(),
            url_sessions,
        })
    }

    /// The blob store.
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    /// The file, if `user` may see it (download, send or forward it): `not_found` otherwise,
    /// whatever the reason.
    pub async fn accessible(&self, user: &UserId, file: &FileId) -> Result<FileRow> {
        self.store
            .accessible_file(user, file)
            .await?
            .ok_or_else(|| Error::not_found("no such file"))
    }

    /// The file, if `user` may use it as an image: they can see it and it was uploaded as one.
    /// `why` tells the client what needs an image.
    pub async fn usable_as_image(
        &self,
        user: &UserId,
        file: &FileId,
        why: &'static str,
    ) -> Result<FileRow> {
        let row = self.accessible(user, file).await?;
        if !row.is_image() {
            return Err(Error::client(ErrorCode::UnsupportedImage, why));
        }
        Ok(row)
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
            if let (true, Some(_guard)) = (complete, self.blobs.claim_upload(&row.id)) {
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
            let _blobs = self.blobs.lock_references().await;
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
                let _blobs = self.blobs.lock_references().await;
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
}
