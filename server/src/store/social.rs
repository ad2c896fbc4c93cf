//! Friend requests, friendships and blocks (`friend_requests`, `friendships`, `blocks`).
//!
//! The write primitives take a transaction: the friends service combines them with event appends
//! so a change and the events announcing it commit together.

use liao_shared::{Friend, FriendRequestInfo, Profile, UserId};
use sqlx::Row;

use super::accounts::profile_from_row;
use super::{Store, Tx, i, u};
use crate::error::Result;
use crate::util::now_ms;

/// How two users stand, seen from `a`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Relation {
    /// Friends (both rows exist).
    pub friends: bool,
    /// `a` blocked `b`.
    pub a_blocked_b: bool,
    /// `b` blocked `a`.
    pub b_blocked_a: bool,
    /// `a` asked `b`.
    pub a_asked_b: bool,
    /// `b` asked `a`.
    pub b_asked_a: bool,
}

impl Relation {
    /// Either side blocked the other.
    pub fn blocked(&self) -> bool {
        self.a_blocked_b || self.b_blocked_a
    }
}

/// The relation between `a` and `b`, read inside `tx` in one round trip.
pub async fn relation(tx: &mut Tx, a: &UserId, b: &UserId) -> Result<Relation> {
    let row = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM friendships WHERE user_id = $1 AND friend_id = $2) AS friends, \
           (SELECT COUNT(*) FROM blocks WHERE user_id = $1 AND blocked_id = $2) AS a_blocked_b, \
           (SELECT COUNT(*) FROM blocks WHERE user_id = $2 AND blocked_id = $1) AS b_blocked_a, \
           (SELECT COUNT(*) FROM friend_requests WHERE from_id = $1 AND to_id = $2) AS a_asked_b, \
           (SELECT COUNT(*) FROM friend_requests WHERE from_id = $2 AND to_id = $1) AS b_asked_a",
    )
    .bind(a.as_str())
    .bind(b.as_str())
    .fetch_one(&mut **tx)
    .await?;
    let flag = |name: &str| -> Result<bool> { Ok(row.try_get::<i64, _>(name)? > 0) };
    Ok(Relation {
        friends: flag("friends")?,
        a_blocked_b: flag("a_blocked_b")?,
        b_blocked_a: flag("b_blocked_a")?,
        a_asked_b: flag("a_asked_b")?,
        b_asked_a: flag("b_asked_a")?,
    })
}

/// Record a request from `from` to `to`.
pub async fn insert_request(
    tx: &mut Tx,
    from: &UserId,
    to: &UserId,
    message: Option<&str>,
) -> Result<u64> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO friend_requests (from_id, to_id, message, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(message)
    .bind(i(now))
    .execute(&mut **tx)
    .await?;
    Ok(now)
}

/// Delete the request from `from` to `to`; false if there was none.
pub async fn delete_request(tx: &mut Tx, from: &UserId, to: &UserId) -> Result<bool> {
    let res = sqlx::query("DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2")
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// Make `a` and `b` friends (both directions).
pub async fn insert_friendship(tx: &mut Tx, a: &UserId, b: &UserId) -> Result<()> {
    let now = i(now_ms());
    for (x, y) in [(a, b), (b, a)] {
        sqlx::query(
            "INSERT INTO friendships (user_id, friend_id, since) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(x.as_str())
        .bind(y.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// End a friendship (both directions); false if there was none.
pub async fn delete_friendship(tx: &mut Tx, a: &UserId, b: &UserId) -> Result<bool> {
    let res = sqlx::query(
        "DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR (user_id = $2 AND friend_id = $1)",
    )
    .bind(a.as_str())
    .bind(b.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected() > 0)
}

/// `a` blocks (`blocked`) or unblocks `b`; false if that was already so.
pub async fn set_block(tx: &mut Tx, a: &UserId, b: &UserId, blocked: bool) -> Result<bool> {
    let sql = if blocked {
        "INSERT INTO blocks (user_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2"
    };
    let mut statement = sqlx::query(sql).bind(a.as_str()).bind(b.as_str());
    if blocked {
        statement = statement.bind(i(now_ms()));
    }
    Ok(statement.execute(&mut **tx).await?.rows_affected() > 0)
}

/// A user's contacts: friends (presence filled in by the caller), requests, blocks.
#[derive(Debug, Default)]
pub struct Contacts {
    /// Friends.
    pub friends: Vec<Friend>,
    /// Incoming requests.
    pub incoming: Vec<FriendRequestInfo>,
    /// Outgoing requests.
    pub outgoing: Vec<FriendRequestInfo>,
    /// Blocked users.
    pub blocked: Vec<Profile>,
}

impl Store {
    /// Everything for `list_contacts`.
    pub async fn contacts(&self, user: &UserId) -> Result<Contacts> {
        let user = user.as_str();
        let friends = self
            .rows_for(
                "SELECT u.id, u.username, u.display_name, u.avatar_file_id, f.since FROM friendships f \
                 JOIN users u ON u.id = f.friend_id WHERE f.user_id = $1 ORDER BY u.username",
                user,
                |r| {
                    Ok(Friend {
                        profile: profile_from_row(r)?,
                        online: false,
                        since: u(r.try_get("since")?),
                    })
                },
            )
            .await?;
        // Both directions in one read: requests to `user` name their sender, requests from
        // `user` their addressee.
        let requests = self
            .rows_for(
                "SELECT u.id, u.username, u.display_name, u.avatar_file_id, r.from_id, r.message, r.created_at \
                 FROM friend_requests r \
                 JOIN users u ON u.id = CASE WHEN r.to_id = $1 THEN r.from_id ELSE r.to_id END \
                 WHERE r.to_id = $1 OR r.from_id = $1 ORDER BY r.created_at",
                user,
                |r| {
                    let from: String = r.try_get("from_id")?;
                    let request = FriendRequestInfo {
                        user: profile_from_row(r)?,
                        message: r.try_get("message")?,
                        sent_at: u(r.try_get("created_at")?),
                    };
                    Ok((from != user, request))
                },
            )
            .await?;
        let (incoming, outgoing): (Vec<_>, Vec<_>) =
            requests.into_iter().partition(|(incoming, _)| *incoming);
        let requests =
            |list: Vec<(bool, FriendRequestInfo)>| list.into_iter().map(|(_, r)| r).collect();
        let blocked = self
            .rows_for(
                "SELECT u.id, u.username, u.display_name, u.avatar_file_id FROM blocks b \
                 JOIN users u ON u.id = b.blocked_id WHERE b.user_id = $1 ORDER BY u.username",
                user,
                profile_from_row,
            )
            .await?;
        Ok(Contacts {
            friends,
            incoming: requests(incoming),
            outgoing: requests(outgoing),
            blocked,
        })
    }

    /// Everyone who should see `user`'s profile change live: friends and members of every
    /// conversation `user` is in.
    pub async fn profile_audience(&self, user: &UserId) -> Result<Vec<UserId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT friend_id FROM friendships WHERE user_id = $1 \
             UNION SELECT o.user_id FROM conversation_members m \
               JOIN conversation_members o ON o.conversation_id = m.conversation_id \
             WHERE m.user_id = $1 AND o.user_id <> $1",
        )
        .bind(user.as_str())
        .fetch_all(self.reader())
        .await?;
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// Ids of a user's friends (for presence).
    pub async fn friend_ids(&self, user: &UserId) -> Result<Vec<UserId>> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT friend_id FROM friendships WHERE user_id = $1")
                .bind(user.as_str())
                .fetch_all(self.reader())
                .await?;
        Ok(ids.into_iter().map(UserId).collect())
    }
}
