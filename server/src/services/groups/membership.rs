//! Becoming and ceasing to be a member: creating, finding and joining groups, join requests,
//! adding and removing members, leaving, and temporary sessions with fellow members.

use liao_shared::command::{
    AddMember, CreateGroup, DecideJoin, JoinGroup, LeaveGroup, ListJoinRequests, ListMembers,
    OpenTemp, RemoveMember, SearchGroups,
};
use liao_shared::{
    ConversationInfo, ConversationKind, ErrorCode, EventBody, JoinPolicy, JoinRequestInfo, Profile,
    RemovalReason, Reply, Role, SystemEvent, UserId, limits,
};

use super::{Admission, Groups, Outcome, clean_description, clean_group_name};
use crate::app::Actor;
use crate::authz::Action;
use crate::error::{Error, Result};
use crate::services::{clean_note, search};
use crate::store::Tx;
use crate::store::groups::{self, GroupRow, NewGroup};
use crate::store::pairs::{self, Pair};
use crate::store::{chat, social};

impl Groups {
    /// Create a group owned by the actor.
    pub async fn create_group(&self, actor: &Actor, cmd: &CreateGroup) -> Result<ConversationInfo> {
        let s = &cmd.settings;
        let name = clean_group_name(&s.name)?;
        let description = clean_description(&s.description)?;
        let mut tx = self.store.begin().await?;
        let g = groups::create(
            &mut tx,
            &actor.user,
            &NewGroup {
                name: &name,
                description: &description,
                join_policy: s.join_policy,
                searchable: s.searchable,
                allow_temp: s.allow_temp_sessions,
            },
        )
        .await?;
        let entry = Self::system(&mut tx, &g, &actor.user, SystemEvent::Created { name }).await?;
        chat::advance(&mut tx, chat::Marker::Read, &g.id, &actor.user, entry.seq).await?;
        let conversation =
            Self::group_conversation(&mut tx, &g, Role::Owner, entry.seq, entry.seq).await?;
        let out = Outcome {
            events: vec![(
                actor.user.clone(),
                EventBody::ConversationAdded { conversation },
            )],
            entries: vec![entry],
            audience: None,
        };
        self.finish(tx, &g.id, out).await?;
        self.conversation_info(&actor.user, &g.id).await
    }

    /// Search searchable groups.
    pub async fn search_groups(&self, cmd: &SearchGroups) -> Result<Reply> {
        let (groups, next_offset) = search(&cmd.query, cmd.offset, cmd.limit, |q, o, l| {
            self.store.search_groups(q, o, l)
        })
        .await?;
        Ok(Reply::Groups {
            groups,
            next_offset,
        })
    }

    /// Join an open group, or ask to join an approval group.
    pub async fn join_group(&self, actor: &Actor, cmd: &JoinGroup) -> Result<Reply> {
        let message = clean_note(cmd.message.as_deref(), limits::MAX_REQUEST_MESSAGE_CHARS)?;
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        if !g.searchable {
            // Hidden groups are invisible to outsiders; people get in by being added.
            return Err(Error::not_found("no such group"));
        }
        if groups::member_state(&mut *tx, &g.id, &actor.user)
            .await?
            .is_some()
        {
            return Err(Error::client(
                ErrorCode::AlreadyMember,
                "you are already a member",
            ));
        }
        let mut out = Outcome::default();
        match g.join_policy {
            JoinPolicy::InviteOnly => Err(Error::client(
                ErrorCode::InviteOnly,
                "this group takes members by invitation only",
            )),
            JoinPolicy::Open => {
                self.admit(&mut tx, &g, &actor.user, Admission::Joined, &mut out)
                    .await?;
                self.finish(tx, &g.id, out).await?;
                Ok(Reply::Conversation {
                    conversation: self.conversation_info(&actor.user, &g.id).await?,
                })
            }
            JoinPolicy::Approval => {
                let Some(sent_at) =
                    groups::insert_join_request(&mut tx, &g.id, &actor.user, message.as_deref())
                        .await?
                else {
                    return Err(Error::client(
                        ErrorCode::RequestPending,
                        "your request is still pending",
                    ));
                };
                let request = JoinRequestInfo {
                    user: self.profile_of(&actor.user).await?,
                    message,
                    sent_at,
                };
                for admin in
                    groups::members_with_roles(&mut tx, &g.id, &[Role::Owner, Role::Admin]).await?
                {
                    out.events.push((
                        admin,
                        EventBody::JoinRequestReceived {
                            group: g.reference(),
                            request: request.clone(),
                        },
                    ));
                }
                out.events.push((
                    actor.user.clone(),
                    EventBody::JoinRequestSent {
                        group: g.reference(),
                    },
                ));
                self.finish(tx, &g.id, out).await?;
                Ok(Reply::JoinRequested)
            }
        }
    }

    /// Pending join requests (owner and admins).
    pub async fn list_join_requests(&self, actor: &Actor, cmd: &ListJoinRequests) -> Result<Reply> {
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::ManageJoins)
            .await?;
        drop(tx);
        Ok(Reply::JoinRequests {
            requests: self.store.join_requests(&g.id).await?,
        })
    }

    /// Approve or decline a join request; the first decision wins.
    pub async fn decide_join(&self, actor: &Actor, cmd: &DecideJoin) -> Result<()> {
        let (user, approve) = (&cmd.user_id, cmd.approve);
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::ManageJoins)
            .await?;
        let mut out = Outcome::default();
        if !Self::close_join_request(&mut tx, &g, user, approve, &actor.user, &mut out).await? {
            return Err(Error::client(
                ErrorCode::NoRequest,
                "no pending request (it may have been decided already)",
            ));
        }
        if approve && groups::member_state(&mut *tx, &g.id, user).await?.is_none() {
            let how = Admission::ApprovedBy(&actor.user);
            self.admit(&mut tx, &g, user, how, &mut out).await?;
        }
        self.finish(tx, &g.id, out).await
    }

    /// Members with roles, mutes and presence.
    pub async fn list_members(&self, actor: &Actor, cmd: &ListMembers) -> Result<Reply> {
        let (offset, limit) = (cmd.offset, cmd.limit);
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::View).await?;
        drop(tx);
        let limit = limit.unwrap_or(200).clamp(1, 500);
        let mut members = self.store.group_members(&g.id, offset, limit + 1).await?;
        let more = members.len() > limit as usize;
        members.truncate(limit as usize);
        for m in &mut members {
            m.online = self.publisher.is_online(&m.profile.user_id);
        }
        Ok(Reply::Members {
            members,
            next_offset: more.then_some(offset + limit),
        })
    }

    /// Add someone directly.
    pub async fn add_member(&self, actor: &Actor, cmd: &AddMember) -> Result<()> {
        let user = &cmd.user_id;
        self.profile_of(user).await?;
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::AddMember)
            .await?;
        if groups::member_state(&mut *tx, &g.id, user).await?.is_some() {
            return Err(Error::client(ErrorCode::AlreadyMember, "already a member"));
        }
        let mut out = Outcome::default();
        // A pending request is answered by the add.
        Self::close_join_request(&mut tx, &g, user, true, &actor.user, &mut out).await?;
        let how = Admission::AddedBy(&actor.user);
        self.admit(&mut tx, &g, user, how, &mut out).await?;
        self.finish(tx, &g.id, out).await
    }

    /// Remove a member: they lose access at once.
    pub async fn remove_member(&self, actor: &Actor, cmd: &RemoveMember) -> Result<()> {
        let user = &cmd.user_id;
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized_on(&mut tx, &g, actor, Action::Remove, user)
            .await?;
        self.depart(tx, &g, actor, user, RemovalReason::Removed)
            .await
    }

    /// Leave a group.
    pub async fn leave_group(&self, actor: &Actor, cmd: &LeaveGroup) -> Result<()> {
        let (mut tx, g) = self.group_tx(&cmd.conversation_id).await?;
        self.authorized(&mut tx, &g, actor, Action::Leave).await?;
        self.depart(tx, &g, actor, &actor.user, RemovalReason::Left)
            .await
    }

    /// `user` stops being a member (`reason`: they left or `actor` removed them): the group's
    /// entry says so, and `user`'s other sessions drop the conversation.
    async fn depart(
        &self,
        mut tx: Tx,
        g: &GroupRow,
        actor: &Actor,
        user: &UserId,
        reason: RemovalReason,
    ) -> Result<()> {
        groups::remove_member(&mut tx, &g.id, user).await?;
        let user_id = user.clone();
        let event = match reason {
            RemovalReason::Left => SystemEvent::Left { user_id },
            // (A dissolved group's members do not depart one by one.)
            RemovalReason::Removed | RemovalReason::Dissolved => SystemEvent::Removed { user_id },
        };
        let entry = Self::system(&mut tx, g, &actor.user, event).await?;
        let out = Outcome {
            events: vec![(
                user.clone(),
                EventBody::ConversationRemoved {
                    conversation_id: g.id.clone(),
                    reason,
                },
            )],
            entries: vec![entry],
            audience: None,
        };
        self.finish(tx, &g.id, out).await
    }

    /// Delete `user`'s pending request to join `g`, if any, and tell them and the admins how it
    /// ended (`approved`, decided by `by`). False if there was none.
    async fn close_join_request(
        tx: &mut Tx,
        g: &GroupRow,
        user: &UserId,
        approved: bool,
        by: &UserId,
        out: &mut Outcome,
    ) -> Result<bool> {
        if !groups::delete_join_request(tx, &g.id, user).await? {
            return Ok(false);
        }
        for admin in groups::members_with_roles(tx, &g.id, &[Role::Owner, Role::Admin]).await? {
            out.events.push((
                admin,
                EventBody::JoinRequestClosed {
                    group: g.reference(),
                    user_id: user.clone(),
                    approved,
                    by: by.clone(),
                },
            ));
        }
        out.events.push((
            user.clone(),
            EventBody::JoinRequestDecided {
                group: g.reference(),
                approved,
            },
        ));
        Ok(true)
    }

    /// Open (or get) a temporary session with a member of a shared group.
    pub async fn open_temp(&self, actor: &Actor, cmd: &OpenTemp) -> Result<ConversationInfo> {
        let (peer, via) = (&cmd.user_id, &cmd.via);
        if *peer == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot chat with yourself",
            ));
        }
        let (mut tx, g) = self.group_tx(via).await?;
        self.authorized(&mut tx, &g, actor, Action::OpenTemp)
            .await?;
        if groups::member_state(&mut *tx, &g.id, peer).await?.is_none() {
            return Err(Error::not_found("not a member of that group"));
        }
        if !g.allow_temp {
            return Err(Error::client(
                ErrorCode::TempSessionUnavailable,
                "this group does not allow temporary sessions",
            ));
        }
        let rel = social::relation(&mut tx, &actor.user, peer).await?;
        if rel.blocked() {
            return Err(Error::client(
                ErrorCode::Blocked,
                "one of you has blocked the other",
            ));
        }
        if rel.friends {
            drop(tx);
            return self.chat.open_direct(actor, peer).await;
        }
        let id = match pairs::between(&mut tx, Pair::Temporary { via }, &actor.user, peer).await? {
            Some(id) => {
                pairs::set_temp_via(&mut tx, &id, &g.id).await?;
                tx.commit().await?;
                id
            }
            None => {
                let id = pairs::create(&mut tx, Pair::Temporary { via }, &actor.user, peer).await?;
                let me = self.profile_of(&actor.user).await?;
                let other = self.profile_of(peer).await?;
                let info = |p: Profile| ConversationInfo {
                    conversation_id: id.clone(),
                    kind: ConversationKind::Temporary,
                    peer: Some(p),
                    group: None,
                    via_group: Some(g.reference()),
                    last_seq: 0,
                    read_seq: 0,
                    unread: 0,
                    last_message: None,
                };
                let out = Outcome {
                    events: vec![
                        (
                            actor.user.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(other),
                            },
                        ),
                        (
                            peer.clone(),
                            EventBody::ConversationAdded {
                                conversation: info(me),
                            },
                        ),
                    ],
                    ..Outcome::default()
                };
                match self.finish(tx, &id, out).await {
                    Ok(()) => id,
                    // Both opened it at once: use the other one.
                    Err(e) if e.is_unique_violation() => {
                        return Box::pin(self.open_temp(actor, cmd)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        self.conversation_info(&actor.user, &id).await
    }
}
