//! A user's list of conversations as clients show it: kind, peer or group, unread count and the
//! last entry.

use liao_shared::{
    ConversationId, ConversationInfo, ConversationKind, GroupInfo, GroupSettings, JoinPolicy,
    UserId,
};
use sqlx::Row;

use super::accounts::profile_from_row;
use super::chat::kind_from_str;
use super::messages::Order;
use super::{Store, u};
use crate::error::Result;
use crate::util::now_ms;

impl Store {
    /// `user`'s view of their conversations, most recently active first (`only` narrows it to one).
    pub async fn conversation_infos(
        &self,
        user: &UserId,
        only: Option<&ConversationId>,
    ) -> Result<Vec<ConversationInfo>> {
        let rows = sqlx::query(
            "SELECT c.id AS cid, c.kind, c.last_seq, m.read_seq, m.visible_from, m.role, m.muted_until, \
                    u.id, u.username, u.display_name, u.avatar_file_id, \
                    g.number, g.name AS group_name, g.description, g.join_policy, g.searchable, \
                    g.allow_temp, g.muted_all, g.owner_id, g.avatar_file_id AS group_avatar, tp.via_group, \
                    (SELECT COUNT(*) FROM conversation_members x WHERE x.conversation_id = c.id) AS member_count \
             FROM conversation_members m \
             JOIN conversations c ON c.id = m.conversation_id \
             LEFT JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> m.user_id AND c.kind <> 'group' \
             LEFT JOIN users u ON u.id = o.user_id \
             LEFT JOIN groups g ON g.conversation_id = c.id \
             LEFT JOIN temp_pairs tp ON tp.conversation_id = c.id \
             WHERE m.user_id = $1 AND ($2 = '' OR c.id = $2) \
             ORDER BY c.last_activity_at DESC",
        )
        .bind(user.as_str())
        .bind(only.map(|c| c.as_str()).unwrap_or(""))
        .fetch_all(self.reader())
        .await?;
        let now = now_ms();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind = kind_from_str(&r.try_get::<String, _>("kind")?)?;
            let conversation_id = ConversationId(r.try_get("cid")?);
            let last_seq = u(r.try_get("last_seq")?);
            let read_seq = u(r.try_get("read_seq")?);
            let visible_from = u(r.try_get("visible_from")?);
            let peer_id: Option<String> = r.try_get("id")?;
            let peer = match peer_id {
                Some(_) => Some(profile_from_row(r)?),
                None => None,
            };
            let group = match kind {
                ConversationKind::Group => {
                    let role: String = r.try_get("role")?;
                    let muted: Option<i64> = r.try_get("muted_until")?;
                    let policy: String = r.try_get("join_policy")?;
                    Some(GroupInfo {
                        number: u(r.try_get("number")?),
                        settings: GroupSettings {
                            name: r.try_get("group_name")?,
                            description: r.try_get("description")?,
                            join_policy: JoinPolicy::try_from(policy.as_str())?,
                            searchable: r.try_get::<i64, _>("searchable")? != 0,
                            allow_temp_sessions: r.try_get::<i64, _>("allow_temp")? != 0,
                        },
                        muted_all: r.try_get::<i64, _>("muted_all")? != 0,
                        owner_id: UserId(r.try_get("owner_id")?),
                        member_count: u(r.try_get("member_count")?),
                        avatar: r
                            .try_get::<Option<String>, _>("group_avatar")?
                            .map(liao_shared::FileId),
                        my_role: super::groups::role_from_str(&role)?,
                        my_muted_until: muted.map(u).filter(|t| *t > now),
                    })
                }
                _ => None,
            };
            let via: Option<String> = r.try_get("via_group")?;
            let via_group = match via {
                Some(via) => self
                    .group(&ConversationId(via))
                    .await?
                    .map(|g| g.reference()),
                None => None,
            };
            let last_message = if last_seq > visible_from {
                // The latest entry this user has not deleted for themselves.
                self.messages_page(
                    &conversation_id,
                    user,
                    (visible_from, last_seq + 1),
                    1,
                    Order::Newest,
                )
                .await?
                .pop()
            } else {
                None
            };
            out.push(ConversationInfo {
                conversation_id,
                kind,
                peer,
                group,
                via_group,
                last_seq,
                read_seq,
                unread: last_seq.saturating_sub(read_seq.max(visible_from)),
                last_message,
            });
        }
        Ok(out)
    }
}
