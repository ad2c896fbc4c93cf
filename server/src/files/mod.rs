//! File bytes: a content-addressed blob store on local disk, and image processing.
//!
//! # Layout of `<data-dir>/files/`
//! - `blobs/ab/abcdef…` — each distinct content once, named by its SHA-256 (first two hex digits
//!   as a fan-out folder). File records in the database point at blobs; identical uploads share
//!   one blob. Back up by copying the folder.
//! - `uploads/<upload id>` — uploads in progress (tus); the file's length is the upload offset.
//!   A finished upload is hard-linked into `blobs/` (the upload keeps its bytes until it is
//!   recorded complete, so a crash at any step leaves it finishable); abandoned ones are deleted
//!   after the expiry. Scratch files of image processing live here too (`t…`).
//!
//! Every rename or link into `blobs/` is followed by an fsync of the directory, so a recorded
//! file's blob survives a power loss.
//!
//! Nothing user-provided (file names, MIME types) ever takes part in a path: only random upload
//! ids and hex digests do. Everything above this module talks to [`Blobs`]; an object-storage
//! implementation can replace it behind the same methods.
//!
//! The store's coordination is part of that interface too, so that it can become cross-node
//! with the storage: [`Blobs::claim_upload`] (one writer per upload) and
//! [`Blobs::lock_references`] (adopting a blob versus deleting an unreferenced one).

pub mod images;

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

/// The blob store.
#[derive(Debug)]
pub struct Blobs {
    root: PathBuf,
    /// Uploads with a writer (a PATCH, or a finish) right now.
    active: Arc<Mutex<HashSet<String>>>,
    /// Serializes "adopt a blob and record a file pointing at it" against "delete a blob nothing
    /// points at", so deduplication and clean-up never race.
    references: tokio::sync::Mutex<()>,
}

/// The claim on an upload from [`Blobs::claim_upload`]; released on drop.
pub struct UploadClaim {
    active: Arc<Mutex<HashSet<String>>>,
    id: String,
}

impl Drop for UploadClaim {
    fn drop(&mut self) {
        self.active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

fn valid_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Blobs {
    /// A store under `<data_dir>/files`.
    pub fn new(data_dir: &Path) -> Self {
        Blobs {
            root: data_dir.join("files"),
            active: Arc::default(),
            references: tokio::sync::Mutex::new(()),
        }
    }

    /// Become upload `id`'s only writer, or `None` while another one is.
    pub fn claim_upload(&self, id: &str) -> Option<UploadClaim> {
        let mut active = self.active.lock().unwrap_or_else(|p| p.into_inner());
        active.insert(id.to_owned()).then(|| UploadClaim {
            active: self.active.clone(),
            id: id.to_owned(),
        })
    }

    /// Hold while recording a file that points at a blob, or while deleting blobs nothing
    /// points at.
    pub async fn lock_references(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.references.lock().await
    }

    /// The store's root folder (`<data_dir>/files`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where blob `sha256` lives (None for anything that is not a lowercase hex digest).
    pub fn blob_path(&self, sha256: &str) -> Option<PathBuf> {
        valid_hex(sha256).then(|| self.root.join("blobs").join(&sha256[..2]).join(sha256))
    }

    /// Where upload `id` is written (None for anything that is not a plain id).
    pub fn upload_path(&self, id: &str) -> Option<PathBuf> {
        valid_id(id).then(|| self.root.join("uploads").join(id))
    }

    /// A fresh scratch file path for processing.
    pub fn scratch_path(&self) -> PathBuf {
        self.root.join("uploads").join(crate::util::new_id('t'))
    }

    /// Create the folders.
    pub async fn prepare(&self) -> io::Result<()> {
        tokio::fs::create_dir_all(self.root.join("blobs")).await?;
        tokio::fs::create_dir_all(self.root.join("uploads")).await
    }

    /// Move a finished temp file into the store under its digest. If the content is already there
    /// the temp file is simply removed (deduplication). The temp file must already be fsynced.
    pub async fn adopt(&self, tmp: &Path, sha256: &str) -> io::Result<()> {
        let dest = self
            .blob_path(sha256)
            .ok_or_else(|| io::Error::other("bad digest"))?;
        if tokio::fs::try_exists(&dest).await? {
            tokio::fs::remove_file(tmp).await?;
            return Ok(());
        }
        let dir = dest.parent().ok_or_else(|| io::Error::other("no parent"))?;
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::rename(tmp, &dest).await?;
        sync_dir(dir).await
    }

    /// Place the content of `src` (fsynced, and kept) in the store under its digest: a hard link,
    /// or a copy where the file system has none. Idempotent: content already there is kept.
    pub async fn link(&self, src: &Path, sha256: &str) -> io::Result<()> {
        let dest = self
            .blob_path(sha256)
            .ok_or_else(|| io::Error::other("bad digest"))?;
        if tokio::fs::try_exists(&dest).await? {
            return Ok(());
        }
        let dir = dest.parent().ok_or_else(|| io::Error::other("no parent"))?;
        tokio::fs::create_dir_all(dir).await?;
        match tokio::fs::hard_link(src, &dest).await {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
            Err(_) => {
                // No hard links here: copy to a scratch file, make it durable, move it in.
                let tmp = self.scratch_path();
                let copied = async {
                    tokio::fs::copy(src, &tmp).await?;
                    tokio::fs::File::open(&tmp).await?.sync_all().await?;
                    tokio::fs::rename(&tmp, &dest).await
                }
                .await;
                if let Err(e) = copied {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return Err(e);
                }
            }
        }
        sync_dir(dir).await
    }

    /// Files in `uploads/` whose name is not an upload in `known` and that were last modified
    /// before `before` (left by a crash: scratch files, uploads whose record is gone).
    pub async fn strays(
        &self,
        known: &std::collections::HashSet<String>,
        before: std::time::SystemTime,
    ) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let mut dir = tokio::fs::read_dir(self.root.join("uploads")).await?;
        while let Some(entry) = dir.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if known.contains(&name) {
                continue;
            }
            if entry.metadata().await?.modified()? < before {
                out.push(entry.path());
            }
        }
        Ok(out)
    }

    /// Digests of the blobs last modified before `before`, a fan-out folder at a time.
    pub async fn blobs_before(&self, before: std::time::SystemTime) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        let mut fans = tokio::fs::read_dir(self.root.join("blobs")).await?;
        while let Some(fan) = fans.next_entry().await? {
            if !fan.file_type().await?.is_dir() {
                continue;
            }
            let mut blobs = tokio::fs::read_dir(fan.path()).await?;
            while let Some(blob) = blobs.next_entry().await? {
                let name = blob.file_name().to_string_lossy().into_owned();
                if valid_hex(&name) && blob.metadata().await?.modified()? < before {
                    out.push(name);
                }
            }
        }
        Ok(out)
    }

    /// Store bytes (thumbnails) and return their digest.
    pub async fn put_bytes(&self, bytes: &[u8]) -> io::Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let tmp = self.scratch_path();
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::File::open(&tmp).await?.sync_all().await?;
        self.adopt(&tmp, &sha).await?;
        Ok(sha)
    }

    /// Remove a blob (once nothing references it).
    pub async fn delete(&self, sha256: &str) -> io::Result<()> {
        match self.blob_path(sha256) {
            Some(p) => match tokio::fs::remove_file(p).await {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }
}

/// fsync a directory, making the renames and links in it durable. (A no-op where directories
/// cannot be opened as files.)
async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        #[cfg(unix)]
        {
            std::fs::File::open(dir)?.sync_all()
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Ok(())
        }
    })
    .await
    .map_err(io::Error::other)?
}

/// SHA-256 of a file, streamed (constant memory).
pub async fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
