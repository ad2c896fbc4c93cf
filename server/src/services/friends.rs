//! Friends: requests, acceptance, removal, blocks. Both sides learn of every change through their
//! event streams, live or on their next sync.

use std::sync::Arc;

use liao_shared::command::{
    Block, FriendAccept, FriendCancel, FriendDecline, FriendRemove, FriendRequest, Unblock,
};
use liao_shared::{ErrorCode, EventBody, FriendRequestInfo, Profile, Reply, UserId, limits};

use super::{clean_note, commit_events};
use crate::app::Actor;
use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::Store;
use crate::store::social::{self, Relation};

/// Friendships, requests, blocks, contacts and presence.
pub struct Friends {
    store: Store,
    publisher: Arc<Publisher>,
}

impl Friends {
    /// The friends service.
    pub fn new(store: Store, publisher: Arc<Publisher>) -> Self {
        Friends { store, publisher }
    }

    /// The other user's profile, refusing yourself and unknown or disabled users.
    async fn other(&self, actor: &Actor, user: &UserId) -> Result<Profile> {
        if *user == actor.user {
            return Err(Error::client(
                ErrorCode::SelfTarget,
                "you cannot do that to yourself",
            ));
        }
        self.store.profile(user).await
    }

    async fn me(&self, actor: &Actor) -> Result<Profile> {
        self.store.profile(&actor.user).await
    }

    /// Ask `target` to be friends (or accept their pending request to you).
    pub async fn friend_request(&self, actor: &Actor, cmd: &FriendRequest) -> Result<()> {
        let (target, message) = (&cmd.user_id, cmd.message.as_deref());
        let other = self.other(actor, target).await?;
        let message = clean_note(message, limits::MAX_REQUEST_MESSAGE_CHARS)?;
        let me = self.me(actor).await?;
        let mut tx = self.store.begin().await?;
        let rel: Relation = social::relation(&mut tx, &actor.user, target).await?;
        if rel.blocked() {
            return Err(Error::client(
                ErrorCode::Blocked,
                "one of you has blocked the other",
            ));
        }
        if rel.friends {
            return Err(Error::client(
                ErrorCode::AlreadyFriends,
                "you are already friends",
            ));
        }
        if rel.a_asked_b {
            return Err(Error::client(
                ErrorCode::RequestPending,
                "your request is still pending",
            ));
        }
        if rel.b_asked_a {
            // They asked first: asking back is accepting.
            social::delete_request(&mut tx, target, &actor.user).await?;
            social::insert_friendship(&mut tx, &actor.user, target).await?;
            return commit_events(
                tx,
                &self.publisher,
                vec![
                    (actor.user.clone(), EventBody::FriendAdded { friend: other }),
                    (target.clone(), EventBody::FriendAdded { friend: me }),
                ],
            )
            .await;
        }
        let sent_at =
            social::insert_request(&mut tx, &actor.user, target, message.as_deref()).await?;
        commit_events(
            tx,
            &self.publisher,
            vec![
                (
                    target.clone(),
                    EventBody::FriendRequestReceived {
                        request: FriendRequestInfo {
                            user: me,
                            message: message.clone(),
                            sent_at,
                        },
                    },
                ),
                (
                    actor.user.clone(),
                    EventBody::FriendRequestSent {
                        request: FriendRequestInfo {
                            user: other,
                            message,
                            sent_at,
                        },
                    },
                ),
            ],
        )
        .await
    }

    /// Accept `requester`'s pending request.
    pub async fn friend_accept(&self, actor: &Actor, cmd: &FriendAccept) -> Result<()> {
        let requester = &cmd.user_id;
        let other = self.other(actor, requester).await?;
        let me = self.me(actor).await?;
        let mut tx = self.store.begin().await?;
        if !social::delete_request(&mut tx, requester, &actor.user).await? {
            return Err(Error::client(
                ErrorCode::NoRequest,
                "no pending request from that user",
            ));
        }
        social::insert_friendship(&mut tx, &actor.user, requester).await?;
        commit_events(
            tx,
            &self.publisher,
            vec![
                (actor.user.clone(), EventBody::FriendAdded { friend: other }),
                (requester.clone(), EventBody::FriendAdded { friend: me }),
            ],
        )
        .await
    }

    /// Decline `requester`'s pending request (they are told).
    pub async fn friend_decline(&self, actor: &Actor, cmd: &FriendDecline) -> Result<()> {
        self.close_request(actor, &cmd.user_id, &actor.user, true)
            .await
    }

    /// Withdraw the actor's pending request to `target`.
    pub async fn friend_cancel(&self, actor: &Actor, cmd: &FriendCancel) -> Result<()> {
        self.close_request(actor, &actor.user, &cmd.user_id, false)
            .await
    }

    async fn close_request(
        &self,
        actor: &Actor,
        from: &UserId,
        to: &UserId,
        declined: bool,
    ) -> Result<()> {
        let other = if from == &actor.user { to } else { from };
        self.other(actor, other).await?;
        let mut tx = self.store.begin().await?;
        if !social::delete_request(&mut tx, from, to).await? {
            return Err(Error::client(
                ErrorCode::NoRequest,
                "no such pending request",
            ));
        }
        commit_events(
            tx,
            &self.publisher,
            vec![
                (
                    from.clone(),
                    EventBody::FriendRequestClosed {
                        user_id: to.clone(),
                        declined,
                    },
                ),
                (
                    to.clone(),
                    EventBody::FriendRequestClosed {
                        user_id: from.clone(),
                        declined,
                    },
                ),
            ],
        )
        .await
    }

    /// End a friendship.
    pub async fn friend_remove(&self, actor: &Actor, cmd: &FriendRemove) -> Result<()> {
        let friend = &cmd.user_id;
        self.other(actor, friend).await?;
        let mut tx = self.store.begin().await?;
        if !social::delete_friendship(&mut tx, &actor.user, friend).await? {
            return Err(Error::client(ErrorCode::NotFriends, "you are not friends"));
        }
        commit_events(
            tx,
            &self.publisher,
            vec![
                (
                    actor.user.clone(),
                    EventBody::FriendRemoved {
                        user_id: friend.clone(),
                    },
                ),
                (
                    friend.clone(),
                    EventBody::FriendRemoved {
                        user_id: actor.user.clone(),
                    },
                ),
            ],
        )
        .await
    }

    /// Block `target`: any friendship and pending request between the two ends.
    pub async fn block(&self, actor: &Actor, cmd: &Block) -> Result<()> {
        let target = &cmd.user_id;
        let other = self.other(actor, target).await?;
        let me = &actor.user;
        let mut tx = self.store.begin().await?;
        if !social::set_block(&mut tx, me, target, true).await? {
            return Ok(()); // already blocked: nothing changes, nothing to announce
        }
        let mut out = vec![(me.clone(), EventBody::Blocked { user: other })];
        if social::delete_friendship(&mut tx, me, target).await? {
            out.push((
                me.clone(),
                EventBody::FriendRemoved {
                    user_id: target.clone(),
                },
            ));
            out.push((
                target.clone(),
                EventBody::FriendRemoved {
                    user_id: me.clone(),
                },
            ));
        }
        for (from, to, declined) in [(me, target, false), (target, me, true)] {
            if social::delete_request(&mut tx, from, to).await? {
                out.push((
                    from.clone(),
                    EventBody::FriendRequestClosed {
                        user_id: to.clone(),
                        declined,
                    },
                ));
                out.push((
                    to.clone(),
                    EventBody::FriendRequestClosed {
                        user_id: from.clone(),
                        declined,
                    },
                ));
            }
        }
        commit_events(tx, &self.publisher, out).await
    }

    /// Lift a block.
    pub async fn unblock(&self, actor: &Actor, cmd: &Unblock) -> Result<()> {
        let target = &cmd.user_id;
        self.other(actor, target).await?;
        let mut tx = self.store.begin().await?;
        if !social::set_block(&mut tx, &actor.user, target, false).await? {
            return Err(Error::not_found("that user is not blocked"));
        }
        commit_events(
            tx,
            &self.publisher,
            vec![(
                actor.user.clone(),
                EventBody::Unblocked {
                    user_id: target.clone(),
                },
            )],
        )
        .await
    }

    /// Friends with presence, requests both ways, blocks, and the event seq of the snapshot.
    pub async fn list_contacts(&self, actor: &Actor) -> Result<Reply> {
        // Read the seq first: events after it may or may not be reflected, and replaying them
        // is harmless (every event is idempotent to apply), whereas the reverse would lose some.
        let events_seq = self.store.event_seq(&actor.user).await?;
        let mut c = self.store.contacts(&actor.user).await?;
        for f in &mut c.friends {
            f.online = self.publisher.is_online(&f.profile.user_id);
        }
        Ok(Reply::Contacts {
            friends: c.friends,
            incoming: c.incoming,
            outgoing: c.outgoing,
            blocked: c.blocked,
            events_seq,
        })
    }

    /// Tell `user`'s friends that they came online or went offline (best effort).
    pub async fn announce_presence(&self, user: &UserId, online: bool) {
        let result = match self.store.friend_ids(user).await {
            Ok(friends) => self.publisher.presence(&friends, user, online).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "presence not announced");
        }
    }
}
