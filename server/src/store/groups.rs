//! Groups, join requests and temporary sessions (`groups`, `group_join_requests`, `temp_pairs`;
//! roles and mutes live on `conversation_members`).

use liao_shared::{
    ConversationId, FileId, GroupRef, GroupSettings, GroupSettingsPatch, GroupSummary, JoinPolicy,
    JoinRequestInfo, MemberInfo, Role, UserId,
};
use rand::Rng;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::accounts::profile_from_row;
use super::{Backend, Store, Tx, i, like_pattern, u};
use crate::error::Result;
use crate::util::{new_id, now_ms};

/// A member's standing in a group (role and mute), as stored and as authorization sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberState {
    /// Their role.
    pub role: Role,
    /// Until when they are muted (ms), if ever.
    pub muted_until: Option<u64>,
}

impl MemberState {
    /// The mute end if it is still in the future.
    pub fn muted_at(&self, now: u64) -> Option<u64> {
        self.muted_until.filter(|until| *until > now)
    }
}

/// A group's settings as stored.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// The group's conversation.
    pub id: ConversationId,
    /// Short number.
    pub number: u64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Join policy.
    pub join_policy: JoinPolicy,
    /// Shown in search.
    pub searchable: bool,
    /// Temporary sessions allowed.
    pub allow_temp: bool,
    /// Whole-group mute.
    pub muted_all: bool,
    /// Owner.
    pub owner_id: UserId,
    /// Avatar image.
    pub avatar: Option<FileId>,
}

impl GroupRow {
    /// A short reference.
    pub fn reference(&self) -> GroupRef {
        GroupRef {
            conversation_id: self.id.clone(),
            number: self.number,
            name: self.name.clone(),
        }
    }

    /// The settings members see.
    pub fn settings(&self) -> GroupSettings {
        GroupSettings {
            name: self.name.clone(),
            description: self.description.clone(),
            join_policy: self.join_policy,
            searchable: self.searchable,
            allow_temp_sessions: self.allow_temp,
        }
    }
}

/// A role read from the database; an unknown name is an error, never a guess.
pub fn role_from_str(s: &str) -> Result<Role> {
    Ok(Role::try_from(s)?)
}

const GROUP_COLS: &str = "conversation_id, number, name, description, join_policy, searchable, allow_temp, muted_all, owner_id, avatar_file_id";

fn group_from_row(r: &AnyRow) -> Result<GroupRow> {
    let policy: String = r.try_get("join_policy")?;
    let flag = |name: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(name)? != 0) };
    Ok(GroupRow {
        id: ConversationId(r.try_get("conversation_id")?),
        number: u(r.try_get("number")?),
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        join_policy: JoinPolicy::try_from(policy.as_str())?,
        searchable: flag("searchable")?,
        allow_temp: flag("allow_temp")?,
        muted_all: flag("muted_all")?,
        owner_id: UserId(r.try_get("owner_id")?),
        avatar: r
            .try_get::<Option<String>, _>("avatar_file_id")?
            .map(FileId),
    })
}

/// New group settings.
pub struct NewGroup<'a> {
    /// Name.
    pub name: &'a str,
    /// Description.
    pub description: &'a str,
    /// Policy.
    pub join_policy: JoinPolicy,
    /// Searchable.
    pub searchable: bool,
    /// Temporary sessions allowed.
    pub allow_temp: bool,
}

/// Create a group conversation owned by `owner` (who becomes its first member).
pub async fn create(tx: &mut Tx, owner: &UserId, g: &NewGroup<'_>) -> Result<GroupRow> {
    let id = new_id('c');
    let now = i(now_ms());
    sqlx::query("INSERT INTO conversations (id, kind, last_seq, created_at, last_activity_at) VALUES ($1, 'group', 0, $2, $2)")
        .bind(&id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    // A random 8-digit number: short to share, and it says nothing about how many groups exist.
    let number = loop {
        let candidate: i64 = rand::rng().random_range(10_000_000..100_000_000);
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE number = $1")
            .bind(candidate)
            .fetch_one(&mut **tx)
            .await?;
        if taken == 0 {
            break candidate;
        }
    };
    sqlx::query(
        "INSERT INTO groups (conversation_id, number, name, description, join_policy, searchable, allow_temp, muted_all, owner_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)",
    )
    .bind(&id)
    .bind(number)
    .bind(g.name)
    .bind(g.description)
    .bind(g.join_policy.as_str())
    .bind(i64::from(g.searchable))
    .bind(i64::from(g.allow_temp))
    .bind(owner.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let conversation = ConversationId(id);
    add_member(tx, &conversation, owner, Role::Owner, 0).await?;
    Ok(GroupRow {
        id: conversation,
        number: u(number),
        name: g.name.to_owned(),
        description: g.description.to_owned(),
        join_policy: g.join_policy,
        searchable: g.searchable,
        allow_temp: g.allow_temp,
        muted_all: false,
        owner_id: owner.clone(),
        avatar: None,
    })
}

/// Add a member who sees messages after `visible_from`.
pub async fn add_member(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
    role: Role,
    visible_from: u64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO conversation_members (conversation_id, user_id, read_seq, visible_from, role) VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(conversation.as_str())
    .bind(user.as_str())
    .bind(i(visible_from))
    .bind(role.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Remove a member; false if they were not one.
pub async fn remove_member(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
) -> Result<bool> {
    let res =
        sqlx::query("DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2")
            .bind(conversation.as_str())
            .bind(user.as_str())
            .execute(&mut **tx)
            .await?;
    Ok(res.rows_affected() > 0)
}

/// A member's role and mute, read through `db` (a transaction or the read pool; None: not a
/// member).
pub async fn member_state<'e, E>(
    db: E,
    conversation: &ConversationId,
    user: &UserId,
) -> Result<Option<MemberState>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT role, muted_until FROM conversation_members WHERE conversation_id = $1 AND user_id = $2")
        .bind(conversation.as_str())
        .bind(user.as_str())
        .fetch_optional(db)
        .await?;
    row.map(|r| {
        let role: String = r.try_get("role")?;
        let muted: Option<i64> = r.try_get("muted_until")?;
        Ok(MemberState {
            role: role_from_str(&role)?,
            muted_until: muted.map(u),
        })
    })
    .transpose()
}

/// Change a member's role.
pub async fn set_role(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
    role: Role,
) -> Result<()> {
    sqlx::query(
        "UPDATE conversation_members SET role = $1 WHERE conversation_id = $2 AND user_id = $3",
    )
    .bind(role.as_str())
    .bind(conversation.as_str())
    .bind(user.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Mute a member until `until` (None unmutes).
pub async fn set_mute(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
    until: Option<u64>,
) -> Result<()> {
    sqlx::query("UPDATE conversation_members SET muted_until = $1 WHERE conversation_id = $2 AND user_id = $3")
        .bind(until.map(i))
        .bind(conversation.as_str())
        .bind(user.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A group, read inside `tx` and locked against concurrent changes until `tx` ends: on
/// PostgreSQL the row is locked (`FOR UPDATE`), so two admins' governance changes to one group
/// run one after the other, each seeing the other's result; on SQLite every write transaction
/// already holds the database's one write lock (`BEGIN IMMEDIATE`).
pub async fn group(
    tx: &mut Tx,
    backend: Backend,
    conversation: &ConversationId,
) -> Result<Option<GroupRow>> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    select_group(&mut **tx, conversation, lock).await
}

/// A group read through `db` (a transaction or the read pool), `suffix` ending the query.
async fn select_group<'e, E>(
    db: E,
    conversation: &ConversationId,
    suffix: &'static str,
) -> Result<Option<GroupRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {GROUP_COLS} FROM groups WHERE conversation_id = $1{suffix}"
    )))
    .bind(conversation.as_str())
    .fetch_optional(db)
    .await?;
    row.as_ref().map(group_from_row).transpose()
}

/// Settings to change (None: unchanged).
#[derive(Debug, Default, Clone)]
pub struct GroupChanges {
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Policy.
    pub join_policy: Option<JoinPolicy>,
    /// Searchable.
    pub searchable: Option<bool>,
    /// Temporary sessions.
    pub allow_temp: Option<bool>,
    /// Whole-group mute.
    pub muted_all: Option<bool>,
    /// Owner.
    pub owner: Option<UserId>,
}

impl From<GroupSettingsPatch> for GroupChanges {
    fn from(p: GroupSettingsPatch) -> Self {
        GroupChanges {
            name: p.name,
            description: p.description,
            join_policy: p.join_policy,
            searchable: p.searchable,
            allow_temp: p.allow_temp_sessions,
            ..GroupChanges::default()
        }
    }
}

/// Apply changes to a group.
pub async fn update(tx: &mut Tx, conversation: &ConversationId, c: &GroupChanges) -> Result<()> {
    sqlx::query(
        "UPDATE groups SET name = COALESCE($1, name), description = COALESCE($2, description), \
         join_policy = COALESCE($3, join_policy), searchable = COALESCE($4, searchable), \
         allow_temp = COALESCE($5, allow_temp), muted_all = COALESCE($6, muted_all), owner_id = COALESCE($7, owner_id) \
         WHERE conversation_id = $8",
    )
    .bind(c.name.as_deref())
    .bind(c.description.as_deref())
    .bind(c.join_policy.map(JoinPolicy::as_str))
    .bind(c.searchable.map(i64::from))
    .bind(c.allow_temp.map(i64::from))
    .bind(c.muted_all.map(i64::from))
    .bind(c.owner.as_ref().map(|o| o.as_str()))
    .bind(conversation.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The last seq of a conversation, read inside `tx`.
pub async fn last_seq(tx: &mut Tx, conversation: &ConversationId) -> Result<u64> {
    let seq: i64 = sqlx::query_scalar("SELECT last_seq FROM conversations WHERE id = $1")
        .bind(conversation.as_str())
        .fetch_one(&mut **tx)
        .await?;
    Ok(u(seq))
}

/// Members of a conversation with the given roles, read inside `tx`.
pub async fn members_with_roles(
    tx: &mut Tx,
    conversation: &ConversationId,
    roles: &[Role],
) -> Result<Vec<UserId>> {
    let rows =
        sqlx::query("SELECT user_id, role FROM conversation_members WHERE conversation_id = $1")
            .bind(conversation.as_str())
            .fetch_all(&mut **tx)
            .await?;
    let mut out = Vec::new();
    for r in rows {
        let role: String = r.try_get("role")?;
        if roles.contains(&role_from_str(&role)?) {
            out.push(UserId(r.try_get("user_id")?));
        }
    }
    Ok(out)
}

/// Record a join request; false if one is already pending.
pub async fn insert_join_request(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
    message: Option<&str>,
) -> Result<Option<u64>> {
    let now = now_ms();
    let res = sqlx::query(
        "INSERT INTO group_join_requests (conversation_id, user_id, message, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(conversation.as_str())
    .bind(user.as_str())
    .bind(message)
    .bind(i(now))
    .execute(&mut **tx)
    .await?;
    Ok((res.rows_affected() > 0).then_some(now))
}

/// Delete a join request; false if there was none (someone else decided first).
pub async fn delete_join_request(
    tx: &mut Tx,
    conversation: &ConversationId,
    user: &UserId,
) -> Result<bool> {
    let res =
        sqlx::query("DELETE FROM group_join_requests WHERE conversation_id = $1 AND user_id = $2")
            .bind(conversation.as_str())
            .bind(user.as_str())
            .execute(&mut **tx)
            .await?;
    Ok(res.rows_affected() > 0)
}

/// Delete a conversation and everything in it (dissolving a group).
pub async fn delete_conversation(tx: &mut Tx, conversation: &ConversationId) -> Result<()> {
    sqlx::query("DELETE FROM conversations WHERE id = $1")
        .bind(conversation.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Search searchable groups by exact number or name fragment.
    pub async fn search_groups(
        &self,
        query: &str,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<GroupSummary>> {
        let number: i64 = query.parse().unwrap_or(-1);
        let rows = sqlx::query(
            "SELECT g.conversation_id, g.number, g.name, g.description, g.join_policy, g.avatar_file_id, \
                    (SELECT COUNT(*) FROM conversation_members m WHERE m.conversation_id = g.conversation_id) AS member_count \
             FROM groups g WHERE g.searchable = 1 AND (g.number = $1 OR lower(g.name) LIKE $2 ESCAPE '\\') \
             ORDER BY CASE WHEN g.number = $1 THEN 0 ELSE 1 END, g.name LIMIT $3 OFFSET $4",
        )
        .bind(number)
        .bind(like_pattern(query, false))
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let policy: String = r.try_get("join_policy")?;
                Ok(GroupSummary {
                    conversation_id: ConversationId(r.try_get("conversation_id")?),
                    number: u(r.try_get("number")?),
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    join_policy: JoinPolicy::try_from(policy.as_str())?,
                    member_count: u(r.try_get("member_count")?),
                    avatar: r
                        .try_get::<Option<String>, _>("avatar_file_id")?
                        .map(FileId),
                })
            })
            .collect()
    }

    /// A group by its conversation id.
    pub async fn group(&self, conversation: &ConversationId) -> Result<Option<GroupRow>> {
        select_group(self.reader(), conversation, "").await
    }

    /// Members with roles and mutes: owner, admins, then members by username.
    pub async fn group_members(
        &self,
        conversation: &ConversationId,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<MemberInfo>> {
        let rows = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.avatar_file_id, m.role, m.muted_until FROM conversation_members m \
             JOIN users u ON u.id = m.user_id WHERE m.conversation_id = $1 \
             ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.username \
             LIMIT $2 OFFSET $3",
        )
        .bind(conversation.as_str())
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(self.reader())
        .await?;
        let now = now_ms();
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                let muted: Option<i64> = r.try_get("muted_until")?;
                Ok(MemberInfo {
                    profile: profile_from_row(r)?,
                    role: role_from_str(&role)?,
                    muted_until: muted.map(u).filter(|t| *t > now),
                    online: false,
                })
            })
            .collect()
    }

    /// Pending join requests of a group, oldest first.
    pub async fn join_requests(
        &self,
        conversation: &ConversationId,
    ) -> Result<Vec<JoinRequestInfo>> {
        let rows = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.avatar_file_id, r.message, r.created_at FROM group_join_requests r \
             JOIN users u ON u.id = r.user_id WHERE r.conversation_id = $1 ORDER BY r.created_at",
        )
        .bind(conversation.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JoinRequestInfo {
                    user: profile_from_row(r)?,
                    message: r.try_get("message")?,
                    sent_at: u(r.try_get("created_at")?),
                })
            })
            .collect()
    }

    /// The role and mute of a member (None: not a member).
    pub async fn member_state(
        &self,
        conversation: &ConversationId,
        user: &UserId,
    ) -> Result<Option<MemberState>> {
        member_state(self.reader(), conversation, user).await
    }
}
