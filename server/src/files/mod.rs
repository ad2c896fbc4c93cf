//! File bytes: a content-addressed blob store on local disk, and image processing.
//!
//! # Layout of `<data-dir>/files/`
//! - `blobs/ab/abcdef…` — each distinct content once, named by its SHA-256 (first two hex digits
//!   as a fan-out folder). File records in the database point at blobs; identical uploads share
//!   one blob. Back up by copying the folder.
//! - `uploads/<upload id>` — uploads in progress (tus); the file's length is the upload offset.
//!   Finished uploads move into `blobs/`; abandoned ones are deleted after the expiry.
//!
//! Nothing user-provided (file names, MIME types) ever takes part in a path: only random upload
//! ids and hex digests do. Everything above this module talks to [`Blobs`]; an object-storage
//! implementation can replace it behind the same methods.

pub mod images;

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

/// The blob store.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
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
        }
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
        // Make the rename itself durable.
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
            .await
            .map_err(io::Error::other)?
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
