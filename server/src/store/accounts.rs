//! Accounts and sessions (`users`, `sessions`).

use liao_shared::{Profile, SessionId, SessionInfo, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, Tx, i, like_pattern, u};
use crate::error::{Error, Result};
use crate::util::{new_id, now_ms};

/// Change a display name inside `tx`.
pub async fn set_display_name(tx: &mut Tx, id: &UserId, name: &str) -> Result<()> {
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind(name)
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A user row with its secrets (never sent to clients).
#[derive(Clone)]
pub struct UserRecord {
    /// Public part.
    pub profile: Profile,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Whether an administrator disabled the account.
    pub disabled: bool,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("profile", &self.profile)
            .field("password_hash", &"<redacted>")
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// A session found by its token.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// Session id.
    pub id: SessionId,
    /// Owner.
    pub user_id: UserId,
    /// When it last authenticated.
    pub last_seen_at: u64,
}

pub(crate) fn profile_from_row(r: &AnyRow) -> Result<Profile> {
    Ok(Profile {
        user_id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        avatar: r
            .try_get::<Option<String>, _>("avatar_file_id")?
            .map(liao_shared::FileId),
    })
}

/// The columns [`user_from_row`] reads, from `users u` (a string literal, for `concat!`).
macro_rules! user_cols {
    () => {
        "u.id, u.username, u.display_name, u.avatar_file_id, u.password_hash, u.disabled_at"
    };
}

fn user_from_row(r: &AnyRow) -> Result<UserRecord> {
    let disabled: Option<i64> = r.try_get("disabled_at")?;
    Ok(UserRecord {
        profile: profile_from_row(r)?,
        password_hash: r.try_get("password_hash")?,
        disabled: disabled.is_some(),
    })
}

impl Store {
    /// Create a user; `username_taken` if the name exists.
    pub async fn create_user(
        &self,
        username: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<Profile> {
        let id = new_id('u');
        let res = sqlx::query(
            "INSERT INTO users (id, username, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(username)
        .bind(display_name)
        .bind(password_hash)
        .bind(i(now_ms()))
        .execute(&mut *self.begin_autocommit().await?)
        .await;
        match res.map_err(Error::from) {
            Ok(_) => Ok(Profile {
                user_id: UserId(id),
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                avatar: None,
            }),
            Err(e) if e.is_unique_violation() => Err(Error::client(
                liao_shared::ErrorCode::UsernameTaken,
                "that username is taken",
            )),
            Err(e) => Err(e),
        }
    }

    /// A connection from the write pool, for single-statement writes.
    async fn begin_autocommit(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.write.acquire().await?)
    }

    /// Look a user up by (canonical) username.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users u WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Look a user up by id.
    pub async fn user_by_id(&self, id: &UserId) -> Result<Option<UserRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users u WHERE id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Public profile of an enabled user; `not_found` for an unknown or disabled one.
    pub async fn profile(&self, id: &UserId) -> Result<Profile> {
        self.user_by_id(id)
            .await?
            .filter(|u| !u.disabled)
            .map(|u| u.profile)
            .ok_or_else(|| Error::not_found("no such user"))
    }

    /// All users, for the admin CLI.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_cols!(),
            " FROM users u ORDER BY username"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Search enabled users by username prefix or display-name substring (case-insensitive for
    /// ASCII). `query` is matched literally: LIKE wildcards in it are escaped.
    pub async fn search_users(&self, query: &str, offset: u32, limit: u32) -> Result<Vec<Profile>> {
        let rows = sqlx::query(
            "SELECT id, username, display_name, avatar_file_id FROM users \
             WHERE disabled_at IS NULL \
               AND (username LIKE $1 ESCAPE '\\' OR lower(display_name) LIKE $2 ESCAPE '\\') \
             ORDER BY CASE WHEN username = $3 THEN 0 ELSE 1 END, username \
             LIMIT $4 OFFSET $5",
        )
        .bind(like_pattern(query, true))
        .bind(like_pattern(query, false))
        .bind(query.to_lowercase())
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(profile_from_row).collect()
    }

    /// Replace the password hash and end every session except `keep`; returns the ended ones.
    pub async fn set_password(
        &self,
        id: &UserId,
        hash: &str,
        keep: Option<&SessionId>,
    ) -> Result<Vec<SessionId>> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        if keep.is_none() {
            // Tell every node to close this user's connections (see `revoked_since`).
            sqlx::query("UPDATE users SET sessions_reset_at = $1 WHERE id = $2")
                .bind(i(now_ms()))
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let ended: Vec<String> =
            sqlx::query_scalar("DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id")
                .bind(id.as_str())
                .bind(keep.map(|s| s.as_str()).unwrap_or(""))
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(ended.into_iter().map(SessionId).collect())
    }

    /// Disable or enable an account. Disabling ends all its sessions.
    pub async fn set_disabled(&self, id: &UserId, disabled: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then(|| i(now_ms())))
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Users disabled, or whose sessions were all ended, at or after `since` (ms), for closing
    /// their connections: `(user, disabled, when)`.
    pub async fn revoked_since(&self, since: u64) -> Result<Vec<(UserId, bool, u64)>> {
        let rows = sqlx::query(
            "SELECT id, disabled_at, sessions_reset_at FROM users WHERE disabled_at >= $1 OR sessions_reset_at >= $1",
        )
        .bind(i(since))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let disabled: Option<i64> = r.try_get("disabled_at")?;
                let reset: Option<i64> = r.try_get("sessions_reset_at")?;
                Ok((
                    UserId(r.try_get("id")?),
                    disabled.is_some(),
                    u(reset.unwrap_or(0)),
                ))
            })
            .collect()
    }

    /// Store a new session.
    pub async fn create_session(
        &self,
        user: &UserId,
        token_hash: &str,
        device: Option<&str>,
    ) -> Result<SessionId> {
        let id = new_id('s');
        let now = i(now_ms());
        sqlx::query(
            "INSERT INTO sessions (id, user_id, token_hash, device, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&id)
        .bind(user.as_str())
        .bind(token_hash)
        .bind(device)
        .bind(now)
        .execute(&mut *self.begin_autocommit().await?)
        .await?;
        Ok(SessionId(id))
    }

    /// Whether session `id` of `user` still exists (it is deleted when it ends).
    pub async fn session_of(&self, user: &UserId, id: &SessionId) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(id.as_str())
                .bind(user.as_str())
                .fetch_one(self.reader())
                .await?;
        Ok(n > 0)
    }

    /// A session by token hash, with its user, in one query.
    pub async fn session_with_user(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionRecord, UserRecord)>> {
        let row = sqlx::query(concat!(
            "SELECT s.id AS session_id, s.last_seen_at, ",
            user_cols!(),
            " \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?;
        row.map(|r| {
            let user = user_from_row(&r)?;
            let session = SessionRecord {
                id: SessionId(r.try_get("session_id")?),
                user_id: user.profile.user_id.clone(),
                last_seen_at: u(r.try_get("last_seen_at")?),
            };
            Ok((session, user))
        })
        .transpose()
    }

    /// Record that a session was just used. Shares a commit with other writes in flight (a
    /// reconnect storm touches thousands of sessions at once).
    pub async fn touch_session(&self, id: &SessionId) -> Result<()> {
        let id = id.clone();
        self.batch(move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                    .bind(i(now_ms()))
                    .bind(id.as_str())
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            })
        })
        .await
    }

    /// Delete one session of `user`; false if there was none.
    pub async fn delete_session(&self, user: &UserId, id: &SessionId) -> Result<bool> {
        let res = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
            .bind(id.as_str())
            .bind(user.as_str())
            .execute(&mut *self.begin_autocommit().await?)
            .await?;
        Ok(res.rows_affected() > 0)
    }

    /// A user's sessions, newest first.
    pub async fn sessions(&self, user: &UserId, current: &SessionId) -> Result<Vec<SessionInfo>> {
        let rows = sqlx::query(
            "SELECT id, device, created_at, last_seen_at FROM sessions WHERE user_id = $1 \
             ORDER BY created_at DESC",
        )
        .bind(user.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let id = SessionId(r.try_get("id")?);
                Ok(SessionInfo {
                    current: &id == current,
                    session_id: id,
                    device: r.try_get("device")?,
                    created_at: u(r.try_get("created_at")?),
                    last_seen_at: u(r.try_get("last_seen_at")?),
                })
            })
            .collect()
    }
}
