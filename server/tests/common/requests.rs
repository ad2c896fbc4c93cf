//! Typed requests for tests: `alice.history(&conv).await` sends the command, expects the reply
//! kind that answers it and returns that reply's payload, so that a test reads as what it checks.
//!
//! Each helper panics on an error or an unexpected reply, naming the test line that called it:
//! `#[track_caller]` does not reach into an `async fn`'s body, so every helper is a plain
//! `#[track_caller]` function that records its caller's [`Location`] and returns the future.
// An unexpected reply comes back as the `Err` of a picker only to be printed in the panic.
#![allow(clippy::result_large_err)]

use std::future::Future;
use std::panic::Location;

use liao_shared::command::{self, CreateGroup, OpenTemp, SearchGroups, SearchUsers};
use liao_shared::{
    Command, ConversationId, ConversationInfo, ErrorCode, FileId, Friend, FriendRequestInfo,
    GroupInfo, GroupSettings, GroupSummary, JoinRequestInfo, MemberInfo, Message, NewMessageBody,
    Profile, Reply, SessionInfo, UserId,
};

use super::User;

/// A page of `history`.
#[derive(Debug)]
pub struct HistoryPage {
    /// Messages, oldest first.
    pub messages: Vec<Message>,
    /// Whether older messages exist.
    pub has_more: bool,
    /// Whether newer messages exist (pages around a seq).
    pub has_newer: bool,
}

/// The reply to `list_contacts`.
#[derive(Debug)]
pub struct Contacts {
    pub friends: Vec<Friend>,
    pub incoming: Vec<FriendRequestInfo>,
    pub outgoing: Vec<FriendRequestInfo>,
    pub blocked: Vec<Profile>,
    pub events_seq: u64,
}

/// The reply to `file_urls`.
#[derive(Debug)]
pub struct FileUrls {
    pub url: String,
    pub thumbnail_url: Option<String>,
    pub expires_at: u64,
}

impl User {
    /// Send `command`; panic (at the caller's line) unless it succeeds.
    #[track_caller]
    pub fn ok(&self, command: impl Into<Command>) -> impl Future<Output = Reply> {
        let at = Location::caller();
        let command = command.into();
        async move {
            match self.client.request(command.clone()).await {
                Ok(reply) => reply,
                Err(e) => panic!("{at}: {}: {command:?} failed: {e}", self.name),
            }
        }
    }

    /// Send `command` expecting an error; returns its code.
    #[track_caller]
    pub fn err(&self, command: impl Into<Command>) -> impl Future<Output = ErrorCode> {
        let at = Location::caller();
        let command = command.into();
        async move {
            match self.client.request(command.clone()).await {
                Ok(r) => panic!(
                    "{at}: {}: {command:?} unexpectedly succeeded: {r:?}",
                    self.name
                ),
                Err(e) => e.code().unwrap_or_else(|| {
                    panic!("{at}: {}: {command:?}: not a server error: {e}", self.name)
                }),
            }
        }
    }

    /// Send `command` and take the payload `pick` finds in its reply (`Err` gives the reply back
    /// for the panic message).
    #[track_caller]
    fn reply_as<T>(
        &self,
        command: impl Into<Command>,
        pick: impl FnOnce(Reply) -> Result<T, Reply>,
    ) -> impl Future<Output = T> {
        let at = Location::caller();
        let command = command.into();
        let what = format!("{command:?}");
        async move {
            let reply = match self.client.request(command).await {
                Ok(reply) => reply,
                Err(e) => panic!("{at}: {}: {what} failed: {e}", self.name),
            };
            pick(reply).unwrap_or_else(|other| {
                panic!(
                    "{at}: {}: {what} got an unexpected reply: {other:?}",
                    self.name
                )
            })
        }
    }

    // ---- accounts and profiles ----

    /// `list_sessions`.
    #[track_caller]
    pub fn sessions(&self) -> impl Future<Output = Vec<SessionInfo>> {
        self.reply_as(Command::ListSessions, |r| match r {
            Reply::Sessions { sessions } => Ok(sessions),
            other => Err(other),
        })
    }

    /// `update_profile`: the new profile.
    #[track_caller]
    pub fn update_profile(&self, display_name: &str) -> impl Future<Output = Profile> {
        let command = command::UpdateProfile {
            display_name: display_name.into(),
        };
        self.reply_as(command, profile)
    }

    /// `set_avatar` (or remove it with `None`): the new profile.
    #[track_caller]
    pub fn set_avatar(&self, file_id: Option<&FileId>) -> impl Future<Output = Profile> {
        let command = command::SetAvatar {
            file_id: file_id.cloned(),
        };
        self.reply_as(command, profile)
    }

    /// `get_profile`.
    #[track_caller]
    pub fn profile_of(&self, user: &UserId) -> impl Future<Output = Profile> {
        let command = command::GetProfile {
            user_id: user.clone(),
        };
        self.reply_as(command, profile)
    }

    /// `search_users`: the first page.
    #[track_caller]
    pub fn search_users(&self, query: &str) -> impl Future<Output = Vec<Profile>> {
        let command = SearchUsers {
            query: query.into(),
            offset: 0,
            limit: None,
        };
        self.reply_as(command, |r| match r {
            Reply::Users { users, .. } => Ok(users),
            other => Err(other),
        })
    }

    // ---- contacts and conversations ----

    /// `list_contacts`.
    #[track_caller]
    pub fn contacts(&self) -> impl Future<Output = Contacts> {
        self.reply_as(Command::ListContacts, |r| match r {
            Reply::Contacts {
                friends,
                incoming,
                outgoing,
                blocked,
                events_seq,
            } => Ok(Contacts {
                friends,
                incoming,
                outgoing,
                blocked,
                events_seq,
            }),
            other => Err(other),
        })
    }

    /// `open_direct` with `peer`: the conversation's id.
    #[track_caller]
    pub fn open_direct(&self, peer: &UserId) -> impl Future<Output = ConversationId> {
        let command = command::OpenDirect {
            user_id: peer.clone(),
        };
        let open = self.reply_as(command, conversation);
        async move { open.await.conversation_id }
    }

    /// `list_conversations`.
    #[track_caller]
    pub fn conversations(&self) -> impl Future<Output = Vec<ConversationInfo>> {
        self.reply_as(Command::ListConversations, |r| match r {
            Reply::Conversations { conversations } => Ok(conversations),
            other => Err(other),
        })
    }

    /// `conv` as `list_conversations` shows it; panics if it is not listed.
    #[track_caller]
    pub fn conversation(&self, conv: &ConversationId) -> impl Future<Output = ConversationInfo> {
        let at = Location::caller();
        let list = self.conversations();
        async move {
            list.await
                .into_iter()
                .find(|c| c.conversation_id == *conv)
                .unwrap_or_else(|| panic!("{at}: {}: {conv} is not listed", self.name))
        }
    }

    /// The group `g` as `list_conversations` shows it.
    #[track_caller]
    pub fn group_info(&self, g: &ConversationId) -> impl Future<Output = GroupInfo> {
        let at = Location::caller();
        let info = self.conversation(g);
        async move {
            info.await
                .group
                .unwrap_or_else(|| panic!("{at}: {g} is not a group"))
        }
    }

    // ---- messages ----

    /// `send_message` of `body`: the stored message.
    #[track_caller]
    pub fn send(
        &self,
        conv: &ConversationId,
        client_id: &str,
        body: NewMessageBody,
    ) -> impl Future<Output = Message> {
        let command = command::SendMessage {
            conversation_id: conv.clone(),
            client_msg_id: client_id.into(),
            body,
            reply_to: None,
        };
        self.reply_as(command, |r| match r {
            Reply::Sent { message } => Ok(message),
            other => Err(other),
        })
    }

    /// `send_message` of plain text: the stored message.
    #[track_caller]
    pub fn send_text(
        &self,
        conv: &ConversationId,
        client_id: &str,
        text: &str,
    ) -> impl Future<Output = Message> {
        self.send(conv, client_id, NewMessageBody::text(text))
    }

    /// `history`: the latest page, of the server's default size.
    #[track_caller]
    pub fn history(&self, conv: &ConversationId) -> impl Future<Output = HistoryPage> {
        self.history_page(conv, None, None)
    }

    /// `history`: the page before `before_seq` (or the latest), at most `limit` long.
    #[track_caller]
    pub fn history_page(
        &self,
        conv: &ConversationId,
        before_seq: Option<u64>,
        limit: Option<u32>,
    ) -> impl Future<Output = HistoryPage> {
        self.history_request(command::History {
            conversation_id: conv.clone(),
            before_seq,
            around_seq: None,
            limit,
        })
    }

    /// `history`: the page around `seq`, at most `limit` long.
    #[track_caller]
    pub fn history_around(
        &self,
        conv: &ConversationId,
        seq: u64,
        limit: Option<u32>,
    ) -> impl Future<Output = HistoryPage> {
        self.history_request(command::History {
            conversation_id: conv.clone(),
            before_seq: None,
            around_seq: Some(seq),
            limit,
        })
    }

    #[track_caller]
    fn history_request(&self, command: command::History) -> impl Future<Output = HistoryPage> {
        self.reply_as(command, |r| match r {
            Reply::History {
                messages,
                has_more,
                has_newer,
            } => Ok(HistoryPage {
                messages,
                has_more,
                has_newer,
            }),
            other => Err(other),
        })
    }

    /// `file_urls`.
    #[track_caller]
    pub fn file_urls(&self, file: &FileId) -> impl Future<Output = FileUrls> {
        let command = command::FileUrls {
            file_id: file.clone(),
        };
        self.reply_as(command, |r| match r {
            Reply::FileUrls {
                url,
                thumbnail_url,
                expires_at,
            } => Ok(FileUrls {
                url,
                thumbnail_url,
                expires_at,
            }),
            other => Err(other),
        })
    }

    // ---- groups ----

    /// `create_group`: the new group's conversation.
    #[track_caller]
    pub fn create_group(&self, settings: GroupSettings) -> impl Future<Output = ConversationInfo> {
        self.reply_as(CreateGroup { settings }, conversation)
    }

    /// `search_groups`: the first page.
    #[track_caller]
    pub fn search_groups(&self, query: &str) -> impl Future<Output = Vec<GroupSummary>> {
        let command = SearchGroups {
            query: query.into(),
            offset: 0,
            limit: None,
        };
        self.reply_as(command, |r| match r {
            Reply::Groups { groups, .. } => Ok(groups),
            other => Err(other),
        })
    }

    /// `list_members`: the first page.
    #[track_caller]
    pub fn members(&self, g: &ConversationId) -> impl Future<Output = Vec<MemberInfo>> {
        let command = command::ListMembers {
            conversation_id: g.clone(),
            offset: 0,
            limit: None,
        };
        self.reply_as(command, |r| match r {
            Reply::Members { members, .. } => Ok(members),
            other => Err(other),
        })
    }

    /// `list_join_requests`.
    #[track_caller]
    pub fn join_requests(&self, g: &ConversationId) -> impl Future<Output = Vec<JoinRequestInfo>> {
        let command = command::ListJoinRequests {
            conversation_id: g.clone(),
        };
        self.reply_as(command, |r| match r {
            Reply::JoinRequests { requests } => Ok(requests),
            other => Err(other),
        })
    }

    /// `open_temp` with `peer` through the group `via`: the temporary session.
    #[track_caller]
    pub fn open_temp(
        &self,
        peer: &UserId,
        via: &ConversationId,
    ) -> impl Future<Output = ConversationInfo> {
        let command = OpenTemp {
            user_id: peer.clone(),
            via: via.clone(),
        };
        self.reply_as(command, conversation)
    }
}

/// The payload of a `profile` reply.
fn profile(reply: Reply) -> Result<Profile, Reply> {
    match reply {
        Reply::Profile { profile } => Ok(profile),
        other => Err(other),
    }
}

/// The payload of a `conversation` reply.
fn conversation(reply: Reply) -> Result<ConversationInfo, Reply> {
    match reply {
        Reply::Conversation { conversation } => Ok(conversation),
        other => Err(other),
    }
}

/// Every message of `conv` as `user` sees it, oldest first.
pub async fn whole_history(user: &User, conv: &ConversationId) -> Vec<Message> {
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let HistoryPage {
            messages, has_more, ..
        } = user.history_page(conv, before, Some(100)).await;
        before = messages.first().map(|m| m.seq);
        let mut page = messages;
        page.append(&mut all);
        all = page;
        if !has_more {
            return all;
        }
    }
}

/// Make `a` and `b` friends (a asks, b accepts).
pub async fn befriend(a: &User, b: &User) {
    a.ok(command::FriendRequest {
        user_id: b.id.clone(),
        message: None,
    })
    .await;
    b.ok(command::FriendAccept {
        user_id: a.id.clone(),
    })
    .await;
}
