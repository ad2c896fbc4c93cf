//! Files, uploads, message references and server secrets (`files`, `uploads`, `message_files`,
//! `server_secrets`).

use liao_shared::{ConversationId, FileId, FileInfo, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, Tx, i, u};
use crate::error::Result;
use crate::util::{new_id, now_ms};

/// A stored file.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// Id.
    pub id: FileId,
    /// Uploader.
    pub owner_id: UserId,
    /// Blob served as the file.
    pub sha256: String,
    /// Size.
    pub size: u64,
    /// Display name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// `file` or `image`.
    pub kind: String,
    /// Image width.
    pub width: Option<u32>,
    /// Image height.
    pub height: Option<u32>,
    /// Thumbnail blob.
    pub thumb_sha256: Option<String>,
}

impl FileRow {
    /// Whether it was uploaded (and checked) as an image.
    pub fn is_image(&self) -> bool {
        self.kind == "image"
    }

    /// What messages carry.
    pub fn info(&self) -> FileInfo {
        FileInfo {
            file_id: self.id.clone(),
            name: self.name.clone(),
            size: self.size,
            mime: self.mime.clone(),
            width: self.width,
            height: self.height,
            thumbnail: self.thumb_sha256.is_some(),
        }
    }
}

fn file_from_row(r: &AnyRow) -> Result<FileRow> {
    let dim = |name: &str| -> Result<Option<u32>> {
        Ok(r.try_get::<Option<i64>, _>(name)?
            .map(|v| v.clamp(0, i64::from(u32::MAX)) as u32))
    };
    Ok(FileRow {
        id: FileId(r.try_get("id")?),
        owner_id: UserId(r.try_get("owner_id")?),
        sha256: r.try_get("sha256")?,
        size: u(r.try_get("size")?),
        name: r.try_get("name")?,
        mime: r.try_get("mime")?,
        kind: r.try_get("kind")?,
        width: dim("width")?,
        height: dim("height")?,
        thumb_sha256: r.try_get("thumb_sha256")?,
    })
}

const FILE_COLS: &str =
    "f.id, f.owner_id, f.sha256, f.size, f.name, f.mime, f.kind, f.width, f.height, f.thumb_sha256";

/// An upload in progress (or finished, with `file_id`).
#[derive(Debug, Clone)]
pub struct UploadRow {
    /// Id.
    pub id: String,
    /// Uploader.
    pub owner_id: UserId,
    /// Declared length.
    pub length: u64,
    /// File name.
    pub name: String,
    /// Declared MIME type.
    pub mime: String,
    /// `file` or `image`.
    pub kind: String,
    /// Keep image metadata.
    pub original: bool,
    /// The file, once complete.
    pub file_id: Option<FileId>,
}

const UPLOAD_COLS: &str = "id, owner_id, length, name, mime, kind, original, file_id";

fn upload_from_row(r: &AnyRow) -> Result<UploadRow> {
    Ok(UploadRow {
        id: r.try_get("id")?,
        owner_id: UserId(r.try_get("owner_id")?),
        length: u(r.try_get("length")?),
        name: r.try_get("name")?,
        mime: r.try_get("mime")?,
        kind: r.try_get("kind")?,
        original: r.try_get::<i64, _>("original")? != 0,
        file_id: r.try_get::<Option<String>, _>("file_id")?.map(FileId),
    })
}

/// A new file record.
pub struct NewFile<'a> {
    /// Uploader.
    pub owner: &'a UserId,
    /// Blob.
    pub sha256: &'a str,
    /// Size.
    pub size: u64,
    /// Name.
    pub name: &'a str,
    /// MIME.
    pub mime: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Dimensions.
    pub dims: Option<(u32, u32)>,
    /// Thumbnail blob.
    pub thumb: Option<&'a str>,
}

/// Whose avatar an image is.
#[derive(Debug, Clone, Copy)]
pub enum AvatarOf<'a> {
    /// A user's.
    User(&'a UserId),
    /// A group's.
    Group(&'a ConversationId),
}

/// Set or clear (`None`) an avatar inside `tx`.
pub async fn set_avatar(tx: &mut Tx, of: AvatarOf<'_>, file: Option<&FileId>) -> Result<()> {
    let (sql, owner) = match of {
        AvatarOf::User(user) => (
            "UPDATE users SET avatar_file_id = $1 WHERE id = $2",
            user.as_str(),
        ),
        AvatarOf::Group(group) => (
            "UPDATE groups SET avatar_file_id = $1 WHERE conversation_id = $2",
            group.as_str(),
        ),
    };
    sqlx::query(sql)
        .bind(file.map(|f| f.as_str()))
        .bind(owner)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Reference `file` from message `seq` of `conversation` (inside the message's transaction).
pub async fn attach(
    tx: &mut Tx,
    conversation: &ConversationId,
    seq: u64,
    file: &FileId,
) -> Result<()> {
    sqlx::query("INSERT INTO message_files (conversation_id, seq, file_id) VALUES ($1, $2, $3)")
        .bind(conversation.as_str())
        .bind(i(seq))
        .bind(file.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Drop the reference of a recalled message; returns the file it referenced.
pub async fn detach(
    tx: &mut Tx,
    conversation: &ConversationId,
    seq: u64,
) -> Result<Option<FileId>> {
    let id: Option<String> = sqlx::query_scalar(
        "DELETE FROM message_files WHERE conversation_id = $1 AND seq = $2 RETURNING file_id",
    )
    .bind(conversation.as_str())
    .bind(i(seq))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(FileId))
}

impl Store {
    /// The file if `user` may see it: they uploaded it, a message they can currently see (member,
    /// after their join, not recalled) references it, or it is an avatar of a user (users are
    /// public) or of a group they can see (searchable, or they are a member).
    pub async fn accessible_file(&self, user: &UserId, file: &FileId) -> Result<Option<FileRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FILE_COLS} FROM files f WHERE f.id = $1 AND (f.owner_id = $2 OR EXISTS ( \
               SELECT 1 FROM message_files mf JOIN conversation_members cm \
                 ON cm.conversation_id = mf.conversation_id AND cm.user_id = $2 AND mf.seq > cm.visible_from \
               WHERE mf.file_id = f.id) \
             OR EXISTS (SELECT 1 FROM users a WHERE a.avatar_file_id = f.id) \
             OR EXISTS (SELECT 1 FROM groups ga WHERE ga.avatar_file_id = f.id AND (ga.searchable = 1 OR EXISTS ( \
                 SELECT 1 FROM conversation_members gm WHERE gm.conversation_id = ga.conversation_id AND gm.user_id = $2))))"
        )))
        .bind(file.as_str())
        .bind(user.as_str())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    /// A file `user` may see with this content and kind (instant re-send, 秒传).
    pub async fn accessible_by_hash(
        &self,
        user: &UserId,
        sha256: &str,
        kind: &str,
    ) -> Result<Option<FileRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FILE_COLS} FROM files f WHERE f.sha256 = $1 AND f.kind = $3 AND (f.owner_id = $2 OR EXISTS ( \
               SELECT 1 FROM message_files mf JOIN conversation_members cm \
                 ON cm.conversation_id = mf.conversation_id AND cm.user_id = $2 AND mf.seq > cm.visible_from \
               WHERE mf.file_id = f.id)) LIMIT 1"
        )))
        .bind(sha256)
        .bind(user.as_str())
        .bind(kind)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    /// Store a file record and, when it is the result of upload `completes`, mark that upload
    /// complete in the same transaction: a finished upload always shows its file, and a file is
    /// never recorded twice for one upload.
    pub async fn insert_file(&self, f: &NewFile<'_>, completes: Option<&str>) -> Result<FileId> {
        let id = new_id('f');
        let now = i(now_ms());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO files (id, owner_id, sha256, size, name, mime, kind, width, height, thumb_sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(f.owner.as_str())
        .bind(f.sha256)
        .bind(i(f.size))
        .bind(f.name)
        .bind(f.mime)
        .bind(f.kind)
        .bind(f.dims.map(|d| i64::from(d.0)))
        .bind(f.dims.map(|d| i64::from(d.1)))
        .bind(f.thumb)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(upload) = completes {
            sqlx::query("UPDATE uploads SET file_id = $1, updated_at = $2 WHERE id = $3")
                .bind(&id)
                .bind(now)
                .bind(upload)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(FileId(id))
    }

    /// Bytes counted against `user`'s quota: their distinct file contents (an instant re-send of
    /// content they already have costs nothing) plus their unfinished uploads.
    pub async fn usage(&self, user: &UserId) -> Result<u64> {
        let files: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM (SELECT DISTINCT sha256, size FROM files WHERE owner_id = $1) AS distinct_content",
        )
        .bind(user.as_str())
        .fetch_one(self.reader())
        .await?;
        let uploads: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(length), 0) AS BIGINT) FROM uploads WHERE owner_id = $1 AND file_id IS NULL",
        )
        .bind(user.as_str())
        .fetch_one(self.reader())
        .await?;
        Ok(u(files) + u(uploads))
    }

    /// Record a new upload.
    pub async fn insert_upload(
        &self,
        owner: &UserId,
        length: u64,
        name: &str,
        mime: &str,
        kind: &str,
        original: bool,
    ) -> Result<String> {
        let id = new_id('p');
        let now = i(now_ms());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO uploads (id, owner_id, length, name, mime, kind, original, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&id)
        .bind(owner.as_str())
        .bind(i(length))
        .bind(name)
        .bind(mime)
        .bind(kind)
        .bind(i64::from(original))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An upload of `owner` (None if unknown or someone else's).
    pub async fn upload(&self, owner: &UserId, id: &str) -> Result<Option<UploadRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {UPLOAD_COLS} FROM uploads WHERE id = $1 AND owner_id = $2"
        )))
        .bind(id)
        .bind(owner.as_str())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(upload_from_row).transpose()
    }

    /// Uploads not finished, oldest first, for recovery after a crash (at most `limit`).
    pub async fn unfinished_uploads(&self, limit: u32) -> Result<Vec<UploadRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {UPLOAD_COLS} FROM uploads WHERE file_id IS NULL ORDER BY created_at LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(upload_from_row).collect()
    }

    /// Every upload id (finished or not), to tell the upload folder's strays.
    pub async fn upload_ids(&self) -> Result<std::collections::HashSet<String>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM uploads")
            .fetch_all(self.reader())
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// Note progress (keeps an active upload from expiring).
    pub async fn touch_upload(&self, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE uploads SET updated_at = $1 WHERE id = $2")
            .bind(i(now_ms()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forget an upload.
    pub async fn delete_upload(&self, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM uploads WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uploads untouched since `before` (ms): abandoned ones and finished records to forget.
    pub async fn stale_uploads(&self, before: u64) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM uploads WHERE updated_at < $1")
                .bind(i(before))
                .fetch_all(self.reader())
                .await?,
        )
    }

    /// Files created before `before` (ms) that no message and no avatar references: uploaded but
    /// never sent (or every message with them was recalled).
    pub async fn unreferenced_files(&self, before: u64) -> Result<Vec<FileId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT f.id FROM files f WHERE f.created_at < $1 \
               AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = f.id) \
               AND NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_file_id = f.id) \
               AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.avatar_file_id = f.id) \
             LIMIT 1000",
        )
        .bind(i(before))
        .fetch_all(self.reader())
        .await?;
        Ok(ids.into_iter().map(FileId).collect())
    }

    /// Delete a file record if no message references it any more; returns the blobs that no
    /// other file uses (to delete from disk).
    pub async fn collect_file(&self, file: &FileId) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        // Still in a visible message, or someone's avatar: keep it.
        let refs: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM message_files WHERE file_id = $1) \
                  + (SELECT COUNT(*) FROM users WHERE avatar_file_id = $1) \
                  + (SELECT COUNT(*) FROM groups WHERE avatar_file_id = $1)",
        )
        .bind(file.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if refs > 0 {
            return Ok(Vec::new());
        }
        let row = sqlx::query("DELETE FROM files WHERE id = $1 RETURNING sha256, thumb_sha256")
            .bind(file.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let mut orphans = Vec::new();
        if let Some(r) = row {
            let blobs: [Option<String>; 2] =
                [Some(r.try_get("sha256")?), r.try_get("thumb_sha256")?];
            for sha in blobs.into_iter().flatten() {
                let users: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM files WHERE sha256 = $1 OR thumb_sha256 = $1",
                )
                .bind(&sha)
                .fetch_one(&mut *tx)
                .await?;
                if users == 0 {
                    orphans.push(sha);
                }
            }
        }
        tx.commit().await?;
        Ok(orphans)
    }

    /// Whether any file record uses blob `sha256` (as content or thumbnail).
    pub async fn blob_in_use(&self, sha256: &str) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM files WHERE sha256 = $1 OR thumb_sha256 = $1")
                .bind(sha256)
                .fetch_one(self.reader())
                .await?;
        Ok(n > 0)
    }

    /// A server-wide secret, created on first use (the same on every node sharing the database).
    pub async fn secret(&self, name: &str, fresh: &str) -> Result<String> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(&mut *tx)
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(value)
    }
}
