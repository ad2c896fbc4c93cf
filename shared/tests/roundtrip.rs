//! Property tests of the wire format (proptest): every frame the protocol types can express
//! survives encode → decode unchanged, and decoding arbitrary text as a frame returns an error,
//! never a panic.
//!
//! The strategies are written here by hand (the protocol crate carries no test-only derives).
//! `strategies_cover_every_variant` keeps them complete: it reads each tagged enum's variant list
//! from serde's own "unknown variant" error and fails when a strategy never produces one of them,
//! so a new command, reply, event or body kind cannot be left out unnoticed.

use std::collections::BTreeSet;

use liao_shared::*;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---- leaves -----------------------------------------------------------------------------------

/// Any short string: every Unicode scalar value, control characters, quotes and backslashes
/// included (`(?s)` lets `.` match newlines too).
fn text() -> BoxedStrategy<String> {
    "(?s).{0,12}".boxed()
}

/// Any well-formed id (ids are checked when decoded; `ids.rs` tests the malformed ones).
fn id() -> BoxedStrategy<String> {
    "[A-Za-z0-9_-]{1,64}".boxed()
}

fn user_id() -> BoxedStrategy<UserId> {
    id().prop_map(UserId).boxed()
}

fn conv_id() -> BoxedStrategy<ConversationId> {
    id().prop_map(ConversationId).boxed()
}

fn message_id() -> BoxedStrategy<MessageId> {
    id().prop_map(MessageId).boxed()
}

fn session_id() -> BoxedStrategy<SessionId> {
    id().prop_map(SessionId).boxed()
}

fn file_id() -> BoxedStrategy<FileId> {
    id().prop_map(FileId).boxed()
}

fn opt_text() -> BoxedStrategy<Option<String>> {
    of(text()).boxed()
}

/// The wire names of a serde enum, from the error serde gives for an unknown one: "unknown
/// variant `…`, expected one of `a`, `b`, …" (or "expected `a`" / "expected `a` or `b`").
fn wire_names<T: DeserializeOwned>(probe: Value) -> Vec<String> {
    let error = match serde_json::from_value::<T>(probe) {
        Ok(_) => panic!("the probe decoded"),
        Err(e) => e.to_string(),
    };
    let (_, expected) = error
        .split_once("expected")
        .unwrap_or_else(|| panic!("no variant list in {error:?}"));
    let names: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "no variant list in {error:?}");
    names
}

/// A name no variant has.
const UNKNOWN: &str = "\u{1}no such variant";

/// Every value of a unit-only enum (serialized as a plain string), built through serde from its
/// wire names, so a new variant is covered without touching this file.
fn unit_enum<T: DeserializeOwned + std::fmt::Debug + Clone + 'static>() -> BoxedStrategy<T> {
    let values: Vec<T> = wire_names::<T>(json!(UNKNOWN))
        .into_iter()
        .map(|name| serde_json::from_value(json!(name)).expect("a listed variant decodes"))
        .collect();
    proptest::sample::select(values).boxed()
}

// ---- models -----------------------------------------------------------------------------------

fn profile() -> BoxedStrategy<Profile> {
    (user_id(), text(), text(), of(file_id()))
        .prop_map(|(user_id, username, display_name, avatar)| Profile {
            user_id,
            username,
            display_name,
            avatar,
        })
        .boxed()
}

fn friend() -> BoxedStrategy<Friend> {
    (profile(), any::<bool>(), any::<u64>())
        .prop_map(|(profile, online, since)| Friend {
            profile,
            online,
            since,
        })
        .boxed()
}

fn friend_request() -> BoxedStrategy<FriendRequestInfo> {
    (profile(), opt_text(), any::<u64>())
        .prop_map(|(user, message, sent_at)| FriendRequestInfo {
            user,
            message,
            sent_at,
        })
        .boxed()
}

fn session_info() -> BoxedStrategy<SessionInfo> {
    (
        session_id(),
        opt_text(),
        any::<u64>(),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(
            |(session_id, device, created_at, last_seen_at, current)| SessionInfo {
                session_id,
                device,
                created_at,
                last_seen_at,
                current,
            },
        )
        .boxed()
}

fn wire_limits() -> BoxedStrategy<WireLimits> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        any::<u64>(),
        any::<u32>(),
    )
        .prop_map(|(a, b, c, d, e, f)| WireLimits {
            max_inbound_frame: a,
            max_outbound_frame: b,
            max_text_chars: c,
            max_text_bytes: d,
            recall_window_ms: e,
            commands_per_second: f,
        })
        .boxed()
}

fn group_settings() -> BoxedStrategy<GroupSettings> {
    (
        text(),
        text(),
        unit_enum::<JoinPolicy>(),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(name, description, join_policy, (searchable, allow_temp_sessions))| GroupSettings {
                name,
                description,
                join_policy,
                searchable,
                allow_temp_sessions,
            },
        )
        .boxed()
}

fn settings_patch() -> BoxedStrategy<GroupSettingsPatch> {
    (
        opt_text(),
        opt_text(),
        of(unit_enum::<JoinPolicy>()),
        of(any::<bool>()),
        of(any::<bool>()),
    )
        .prop_map(
            |(name, description, join_policy, searchable, allow_temp_sessions)| {
                GroupSettingsPatch {
                    name,
                    description,
                    join_policy,
                    searchable,
                    allow_temp_sessions,
                }
            },
        )
        .boxed()
}

fn group_info() -> BoxedStrategy<GroupInfo> {
    (
        any::<u64>(),
        group_settings(),
        any::<bool>(),
        user_id(),
        any::<u64>(),
        of(file_id()),
        unit_enum::<Role>(),
        of(any::<u64>()),
    )
        .prop_map(
            |(
                number,
                settings,
                muted_all,
                owner_id,
                member_count,
                avatar,
                my_role,
                my_muted_until,
            )| GroupInfo {
                number,
                settings,
                muted_all,
                owner_id,
                member_count,
                avatar,
                my_role,
                my_muted_until,
            },
        )
        .boxed()
}

fn group_summary() -> BoxedStrategy<GroupSummary> {
    (
        conv_id(),
        any::<u64>(),
        text(),
        text(),
        unit_enum::<JoinPolicy>(),
        any::<u64>(),
        of(file_id()),
    )
        .prop_map(
            |(conversation_id, number, name, description, join_policy, member_count, avatar)| {
                GroupSummary {
                    conversation_id,
                    number,
                    name,
                    description,
                    join_policy,
                    member_count,
                    avatar,
                }
            },
        )
        .boxed()
}

fn group_ref() -> BoxedStrategy<GroupRef> {
    (conv_id(), any::<u64>(), text())
        .prop_map(|(conversation_id, number, name)| GroupRef {
            conversation_id,
            number,
            name,
        })
        .boxed()
}

fn member_info() -> BoxedStrategy<MemberInfo> {
    (
        profile(),
        unit_enum::<Role>(),
        of(any::<u64>()),
        any::<bool>(),
    )
        .prop_map(|(profile, role, muted_until, online)| MemberInfo {
            profile,
            role,
            muted_until,
            online,
        })
        .boxed()
}

fn join_request() -> BoxedStrategy<JoinRequestInfo> {
    (profile(), opt_text(), any::<u64>())
        .prop_map(|(user, message, sent_at)| JoinRequestInfo {
            user,
            message,
            sent_at,
        })
        .boxed()
}

fn system_event() -> BoxedStrategy<SystemEvent> {
    prop_oneof![
        text().prop_map(|name| SystemEvent::Created { name }),
        (profile(), of(user_id()), any::<bool>())
            .prop_map(|(user, by, approved)| { SystemEvent::Joined { user, by, approved } }),
        user_id().prop_map(|user_id| SystemEvent::Left { user_id }),
        user_id().prop_map(|user_id| SystemEvent::Removed { user_id }),
        (user_id(), any::<u64>())
            .prop_map(|(user_id, until)| SystemEvent::Muted { user_id, until }),
        user_id().prop_map(|user_id| SystemEvent::Unmuted { user_id }),
        any::<bool>().prop_map(|on| SystemEvent::MutedAll { on }),
        user_id().prop_map(|user_id| SystemEvent::AdminAdded { user_id }),
        user_id().prop_map(|user_id| SystemEvent::AdminRemoved { user_id }),
        user_id().prop_map(|user_id| SystemEvent::OwnerChanged { user_id }),
        settings_patch().prop_map(|changes| SystemEvent::Updated { changes }),
        of(file_id()).prop_map(|avatar| SystemEvent::AvatarChanged { avatar }),
        Just(SystemEvent::Dissolved),
    ]
    .boxed()
}

fn file_info() -> BoxedStrategy<FileInfo> {
    (
        file_id(),
        text(),
        any::<u64>(),
        text(),
        of(any::<u32>()),
        of(any::<u32>()),
        any::<bool>(),
    )
        .prop_map(
            |(file_id, name, size, mime, width, height, thumbnail)| FileInfo {
                file_id,
                name,
                size,
                mime,
                width,
                height,
                thumbnail,
            },
        )
        .boxed()
}

fn message_body() -> BoxedStrategy<MessageBody> {
    prop_oneof![
        (text(), vec(user_id(), 0..3), any::<bool>()).prop_map(|(text, mentions, mention_all)| {
            MessageBody::Text {
                text,
                mentions,
                mention_all,
            }
        }),
        file_info().prop_map(|file| MessageBody::File { file }),
        file_info().prop_map(|file| MessageBody::Image { file }),
        system_event().prop_map(|event| MessageBody::System { event }),
        any::<u64>().prop_map(|recalled_at| MessageBody::Recalled { recalled_at }),
        (message_id(), any::<u64>()).prop_map(|(message_id, target_seq)| MessageBody::Recall {
            message_id,
            target_seq
        }),
    ]
    .boxed()
}

fn message() -> BoxedStrategy<Message> {
    (
        message_id(),
        conv_id(),
        any::<u64>(),
        user_id(),
        opt_text(),
        any::<u64>(),
        message_body(),
        of(quote()),
        of((user_id(), any::<u64>())),
        vec(reaction(), 0..3),
        (of(any::<u64>()), of(any::<u64>())),
    )
        .prop_map(
            |(
                message_id,
                conversation_id,
                seq,
                sender_id,
                client_msg_id,
                sent_at,
                body,
                reply_to,
                forwarded,
                reactions,
                (edited_at, change_seq),
            )| {
                Message {
                    message_id,
                    conversation_id,
                    seq,
                    sender_id,
                    client_msg_id,
                    sent_at,
                    body,
                    reply_to,
                    forwarded_from: forwarded
                        .map(|(sender_id, sent_at)| ForwardedFrom { sender_id, sent_at }),
                    reactions,
                    edited_at,
                    change_seq,
                }
            },
        )
        .boxed()
}

fn reaction() -> BoxedStrategy<Reaction> {
    (text(), any::<u64>(), vec(user_id(), 0..3))
        .prop_map(|(emoji, count, user_ids)| Reaction {
            emoji,
            count,
            user_ids,
        })
        .boxed()
}

fn quote() -> BoxedStrategy<Quote> {
    let preview = prop_oneof![
        text().prop_map(|text| QuotePreview::Text { text }),
        text().prop_map(|name| QuotePreview::File { name }),
        Just(QuotePreview::Image),
        Just(QuotePreview::Recalled),
    ];
    (any::<u64>(), message_id(), user_id(), preview)
        .prop_map(|(seq, message_id, sender_id, preview)| Quote {
            seq,
            message_id,
            sender_id,
            preview,
        })
        .boxed()
}

fn conversation_info() -> BoxedStrategy<ConversationInfo> {
    (
        conv_id(),
        unit_enum::<ConversationKind>(),
        of(profile()),
        of(group_info()),
        of(group_ref()),
        any::<(u64, u64, u64)>(),
        of(message()),
    )
        .prop_map(
            |(
                conversation_id,
                kind,
                peer,
                group,
                via_group,
                (last_seq, read_seq, unread),
                last,
            )| {
                ConversationInfo {
                    conversation_id,
                    kind,
                    peer,
                    group,
                    via_group,
                    last_seq,
                    read_seq,
                    unread,
                    last_message: last,
                }
            },
        )
        .boxed()
}

fn event_body() -> BoxedStrategy<EventBody> {
    prop_oneof![
        friend_request().prop_map(|request| EventBody::FriendRequestReceived { request }),
        friend_request().prop_map(|request| EventBody::FriendRequestSent { request }),
        (user_id(), any::<bool>()).prop_map(|(user_id, declined)| {
            EventBody::FriendRequestClosed { user_id, declined }
        }),
        profile().prop_map(|friend| EventBody::FriendAdded { friend }),
        user_id().prop_map(|user_id| EventBody::FriendRemoved { user_id }),
        profile().prop_map(|user| EventBody::Blocked { user }),
        user_id().prop_map(|user_id| EventBody::Unblocked { user_id }),
        conversation_info().prop_map(|conversation| EventBody::ConversationAdded { conversation }),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, seq)| EventBody::ReadMarker {
            conversation_id,
            seq
        }),
        (conv_id(), vec(message_id(), 0..4)).prop_map(|(conversation_id, message_ids)| {
            EventBody::DeletedForMe {
                conversation_id,
                message_ids,
            }
        }),
        (conv_id(), unit_enum::<RemovalReason>()).prop_map(|(conversation_id, reason)| {
            EventBody::ConversationRemoved {
                conversation_id,
                reason,
            }
        }),
        (group_ref(), join_request())
            .prop_map(|(group, request)| EventBody::JoinRequestReceived { group, request }),
        (group_ref(), user_id(), any::<bool>(), user_id()).prop_map(
            |(group, user_id, approved, by)| EventBody::JoinRequestClosed {
                group,
                user_id,
                approved,
                by,
            }
        ),
        group_ref().prop_map(|group| EventBody::JoinRequestSent { group }),
        (group_ref(), any::<bool>())
            .prop_map(|(group, approved)| EventBody::JoinRequestDecided { group, approved }),
        profile().prop_map(|profile| EventBody::ProfileUpdated { profile }),
        any::<bool>().prop_map(|read_receipts| EventBody::SettingsChanged {
            settings: AccountSettings { read_receipts }
        }),
    ]
    .boxed()
}

fn user_event() -> BoxedStrategy<UserEvent> {
    (any::<u64>(), any::<u64>(), event_body())
        .prop_map(|(seq, at, body)| UserEvent { seq, at, body })
        .boxed()
}

// ---- client → server ----------------------------------------------------------------------------

fn new_message_body() -> BoxedStrategy<NewMessageBody> {
    prop_oneof![
        (text(), vec(user_id(), 0..3), any::<bool>()).prop_map(|(text, mentions, mention_all)| {
            NewMessageBody::Text {
                text,
                mentions,
                mention_all,
            }
        }),
        file_id().prop_map(|file_id| NewMessageBody::File { file_id }),
        file_id().prop_map(|file_id| NewMessageBody::Image { file_id }),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, seq)| NewMessageBody::Forward {
            conversation_id,
            seq
        }),
    ]
    .boxed()
}

fn cursor() -> BoxedStrategy<ConversationCursor> {
    (conv_id(), any::<u64>(), of(any::<u64>()))
        .prop_map(|(conversation_id, seq, changes_after)| ConversationCursor {
            conversation_id,
            seq,
            changes_after,
        })
        .boxed()
}

/// Commands that name one user.
fn user_commands() -> BoxedStrategy<Command> {
    prop_oneof![
        user_id().prop_map(|user_id| Command::GetProfile(command::GetProfile { user_id })),
        (user_id(), opt_text()).prop_map(|(user_id, message)| Command::FriendRequest(
            command::FriendRequest { user_id, message }
        )),
        user_id().prop_map(|user_id| Command::FriendAccept(command::FriendAccept { user_id })),
        user_id().prop_map(|user_id| Command::FriendDecline(command::FriendDecline { user_id })),
        user_id().prop_map(|user_id| Command::FriendCancel(command::FriendCancel { user_id })),
        user_id().prop_map(|user_id| Command::FriendRemove(command::FriendRemove { user_id })),
        user_id().prop_map(|user_id| Command::Block(command::Block { user_id })),
        user_id().prop_map(|user_id| Command::Unblock(command::Unblock { user_id })),
        user_id().prop_map(|user_id| Command::OpenDirect(command::OpenDirect { user_id })),
        (user_id(), conv_id())
            .prop_map(|(user_id, via)| Command::OpenTemp(command::OpenTemp { user_id, via })),
    ]
    .boxed()
}

/// Accounts, sessions, profiles, search, files and sync.
fn account_commands() -> BoxedStrategy<Command> {
    prop_oneof![
        (any::<u32>(), opt_text())
            .prop_map(|(protocol, client)| Command::Hello(command::Hello { protocol, client })),
        (text(), text(), opt_text(), opt_text()).prop_map(
            |(username, password, display_name, device)| Command::Register(command::Register {
                username,
                password: password.into(),
                display_name,
                device,
            })
        ),
        (text(), text(), opt_text()).prop_map(|(username, password, device)| Command::Login(
            command::Login {
                username,
                password: password.into(),
                device
            }
        )),
        text().prop_map(|token| Command::Resume(command::Resume { token })),
        Just(Command::Logout),
        (text(), text()).prop_map(|(old_password, new_password)| Command::ChangePassword(
            command::ChangePassword {
                old_password: old_password.into(),
                new_password: new_password.into()
            }
        )),
        Just(Command::ListSessions),
        session_id()
            .prop_map(|session_id| Command::RevokeSession(command::RevokeSession { session_id })),
        text().prop_map(
            |display_name| Command::UpdateProfile(command::UpdateProfile { display_name })
        ),
        of(file_id()).prop_map(|file_id| Command::SetAvatar(command::SetAvatar { file_id })),
        Just(Command::GetSettings),
        of(any::<bool>()).prop_map(|read_receipts| Command::UpdateSettings(
            command::UpdateSettings { read_receipts }
        )),
        (text(), any::<u32>(), of(any::<u32>())).prop_map(|(query, offset, limit)| {
            Command::SearchUsers(command::SearchUsers {
                query,
                offset,
                limit,
            })
        }),
        Just(Command::ListContacts),
        Just(Command::ListConversations),
        file_id().prop_map(|file_id| Command::FileUrls(command::FileUrls { file_id })),
        (any::<u64>(), vec(cursor(), 0..3)).prop_map(|(events_after, conversations)| {
            Command::Sync(command::SyncRequest {
                events_after,
                conversations,
            })
        }),
    ]
    .boxed()
}

/// Messages in a conversation.
fn chat_commands() -> BoxedStrategy<Command> {
    prop_oneof![
        (conv_id(), text(), new_message_body(), of(any::<u64>())).prop_map(
            |(conversation_id, client_msg_id, body, reply_to)| {
                Command::SendMessage(command::SendMessage {
                    conversation_id,
                    client_msg_id,
                    body,
                    reply_to,
                })
            }
        ),
        (
            conv_id(),
            of(any::<u64>()),
            of(any::<u64>()),
            of(any::<u32>())
        )
            .prop_map(|(conversation_id, before_seq, around_seq, limit)| {
                Command::History(command::History {
                    conversation_id,
                    before_seq,
                    around_seq,
                    limit,
                })
            }),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, seq)| Command::MarkRead(
            command::MarkRead {
                conversation_id,
                seq
            }
        )),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, seq)| Command::MarkDelivered(
            command::MarkDelivered {
                conversation_id,
                seq
            }
        )),
        (conv_id(), vec(any::<u64>(), 0..4)).prop_map(|(conversation_id, seqs)| {
            Command::ReadReceipts(command::ReadReceipts {
                conversation_id,
                seqs,
            })
        }),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, seq)| Command::ReadBy(
            command::ReadBy {
                conversation_id,
                seq
            }
        )),
        conv_id().prop_map(|conversation_id| Command::Typing(command::Typing { conversation_id })),
        (conv_id(), message_id()).prop_map(|(conversation_id, message_id)| Command::Recall(
            command::Recall {
                conversation_id,
                message_id
            }
        )),
        (conv_id(), vec(message_id(), 0..4)).prop_map(|(conversation_id, message_ids)| {
            Command::DeleteForMe(command::DeleteForMe {
                conversation_id,
                message_ids,
            })
        }),
        (conv_id(), any::<u64>(), text(), any::<bool>()).prop_map(
            |(conversation_id, seq, emoji, on)| Command::React(command::React {
                conversation_id,
                seq,
                emoji,
                on,
            })
        ),
        (conv_id(), any::<u64>(), text()).prop_map(|(conversation_id, seq, text)| {
            Command::EditMessage(command::EditMessage {
                conversation_id,
                seq,
                text,
            })
        }),
    ]
    .boxed()
}

/// Group life cycle and governance.
fn group_commands() -> BoxedStrategy<Command> {
    prop_oneof![
        group_settings()
            .prop_map(|settings| Command::CreateGroup(command::CreateGroup { settings })),
        (text(), any::<u32>(), of(any::<u32>())).prop_map(|(query, offset, limit)| {
            Command::SearchGroups(command::SearchGroups {
                query,
                offset,
                limit,
            })
        }),
        (conv_id(), opt_text()).prop_map(|(conversation_id, message)| Command::JoinGroup(
            command::JoinGroup {
                conversation_id,
                message
            }
        )),
        conv_id().prop_map(|conversation_id| Command::ListJoinRequests(
            command::ListJoinRequests { conversation_id }
        )),
        (conv_id(), user_id(), any::<bool>()).prop_map(|(conversation_id, user_id, approve)| {
            Command::DecideJoin(command::DecideJoin {
                conversation_id,
                user_id,
                approve,
            })
        }),
        (conv_id(), any::<u32>(), of(any::<u32>())).prop_map(|(conversation_id, offset, limit)| {
            Command::ListMembers(command::ListMembers {
                conversation_id,
                offset,
                limit,
            })
        }),
        (conv_id(), settings_patch()).prop_map(|(conversation_id, changes)| {
            Command::UpdateGroup(command::UpdateGroup {
                conversation_id,
                changes,
            })
        }),
        (conv_id(), of(file_id())).prop_map(|(conversation_id, file_id)| {
            Command::SetGroupAvatar(command::SetGroupAvatar {
                conversation_id,
                file_id,
            })
        }),
        (conv_id(), user_id()).prop_map(|(conversation_id, user_id)| Command::AddMember(
            command::AddMember {
                conversation_id,
                user_id
            }
        )),
        (conv_id(), user_id()).prop_map(|(conversation_id, user_id)| Command::RemoveMember(
            command::RemoveMember {
                conversation_id,
                user_id
            }
        )),
        (conv_id(), user_id(), any::<u64>()).prop_map(|(conversation_id, user_id, seconds)| {
            Command::MuteMember(command::MuteMember {
                conversation_id,
                user_id,
                seconds,
            })
        }),
        (conv_id(), any::<bool>()).prop_map(|(conversation_id, on)| Command::MuteAll(
            command::MuteAll {
                conversation_id,
                on
            }
        )),
        (conv_id(), user_id(), any::<bool>()).prop_map(|(conversation_id, user_id, admin)| {
            Command::SetAdmin(command::SetAdmin {
                conversation_id,
                user_id,
                admin,
            })
        }),
        (conv_id(), user_id()).prop_map(|(conversation_id, user_id)| Command::TransferGroup(
            command::TransferGroup {
                conversation_id,
                user_id
            }
        )),
        conv_id().prop_map(|conversation_id| Command::LeaveGroup(command::LeaveGroup {
            conversation_id
        })),
        conv_id().prop_map(
            |conversation_id| Command::DissolveGroup(command::DissolveGroup { conversation_id })
        ),
    ]
    .boxed()
}

/// Every command, each family weighted by its size so every variant is about equally likely.
fn command() -> BoxedStrategy<Command> {
    prop_oneof![
        10 => user_commands(),
        15 => account_commands(),
        5 => chat_commands(),
        16 => group_commands(),
    ]
    .boxed()
}

fn client_frame() -> BoxedStrategy<ClientFrame> {
    (text(), command())
        .prop_map(|(id, command)| ClientFrame { id, command })
        .boxed()
}

// ---- server → client ----------------------------------------------------------------------------

fn reply() -> BoxedStrategy<Reply> {
    prop_oneof![
        Just(Reply::Done),
        (any::<u32>(), text(), wire_limits()).prop_map(|(protocol, server_version, limits)| {
            Reply::Welcome {
                protocol,
                server_version,
                limits,
            }
        }),
        (text(), session_id(), profile()).prop_map(|(token, session_id, user)| {
            Reply::Session {
                token,
                session_id,
                user,
            }
        }),
        vec(session_info(), 0..3).prop_map(|sessions| Reply::Sessions { sessions }),
        profile().prop_map(|profile| Reply::Profile { profile }),
        (vec(profile(), 0..3), of(any::<u32>()))
            .prop_map(|(users, next_offset)| Reply::Users { users, next_offset }),
        (
            vec(friend(), 0..3),
            vec(friend_request(), 0..3),
            vec(friend_request(), 0..3),
            vec(profile(), 0..3),
            any::<u64>(),
        )
            .prop_map(|(friends, incoming, outgoing, blocked, events_seq)| {
                Reply::Contacts {
                    friends,
                    incoming,
                    outgoing,
                    blocked,
                    events_seq,
                }
            }),
        conversation_info().prop_map(|conversation| Reply::Conversation { conversation }),
        vec(conversation_info(), 0..3)
            .prop_map(|conversations| Reply::Conversations { conversations }),
        message().prop_map(|message| Reply::Sent { message }),
        (vec(message(), 0..3), any::<bool>(), any::<bool>()).prop_map(
            |(messages, has_more, has_newer)| Reply::History {
                messages,
                has_more,
                has_newer,
            }
        ),
        Just(Reply::SyncStarted),
        (vec(group_summary(), 0..3), of(any::<u32>())).prop_map(|(groups, next_offset)| {
            Reply::Groups {
                groups,
                next_offset,
            }
        }),
        Just(Reply::JoinRequested),
        (text(), opt_text(), any::<u64>()).prop_map(|(url, thumbnail_url, expires_at)| {
            Reply::FileUrls {
                url,
                thumbnail_url,
                expires_at,
            }
        }),
        vec(join_request(), 0..3).prop_map(|requests| Reply::JoinRequests { requests }),
        any::<bool>().prop_map(|read_receipts| Reply::Settings {
            settings: AccountSettings { read_receipts }
        }),
        (
            of(any::<u64>()),
            of(any::<u64>()),
            vec(
                (any::<u64>(), any::<u32>(), any::<u32>()).prop_map(|(seq, read, of)| ReadCount {
                    seq,
                    read,
                    of
                }),
                0..3
            )
        )
            .prop_map(|(delivered_seq, read_seq, counts)| Reply::ReadReceipts {
                delivered_seq,
                read_seq,
                counts,
            }),
        (
            vec(user_id(), 0..3),
            vec(user_id(), 0..3),
            any::<u32>(),
            any::<u32>()
        )
            .prop_map(|(read, unread, read_count, unread_count)| Reply::ReadBy {
                read,
                unread,
                read_count,
                unread_count,
            }),
        (vec(member_info(), 0..3), of(any::<u32>())).prop_map(|(members, next_offset)| {
            Reply::Members {
                members,
                next_offset,
            }
        }),
    ]
    .boxed()
}

fn server_frame() -> BoxedStrategy<ServerFrame> {
    prop_oneof![
        (text(), reply()).prop_map(|(id, result)| ServerFrame::Ok { id, result }),
        (
            opt_text(),
            unit_enum::<ErrorCode>(),
            text(),
            of(any::<u64>()),
            of(any::<u64>()),
        )
            .prop_map(|(id, code, message, retry_after_ms, until)| {
                ServerFrame::Error {
                    id,
                    code,
                    message,
                    retry_after_ms,
                    until,
                }
            }),
        user_event().prop_map(|event| ServerFrame::Event { event }),
        message().prop_map(|message| ServerFrame::Message { message }),
        message().prop_map(|message| ServerFrame::MessageChanged { message }),
        (conv_id(), user_id()).prop_map(|(conversation_id, user_id)| ServerFrame::Typing {
            conversation_id,
            user_id
        }),
        profile().prop_map(|profile| ServerFrame::ProfileChanged { profile }),
        (user_id(), any::<bool>())
            .prop_map(|(user_id, online)| ServerFrame::Presence { user_id, online }),
        (conv_id(), any::<u64>()).prop_map(|(conversation_id, latest_seq)| {
            ServerFrame::SyncGap {
                conversation_id,
                latest_seq,
            }
        }),
        any::<u64>().prop_map(|events_seq| ServerFrame::TooFarBehind { events_seq }),
        any::<u64>().prop_map(|events_seq| ServerFrame::SyncDone { events_seq }),
    ]
    .boxed()
}

// ---- properties ---------------------------------------------------------------------------------

/// Encode as JSON text (what goes into one WebSocket text frame) and decode it again.
fn round_trip<T>(value: &T) -> T
where
    T: serde::Serialize + DeserializeOwned,
{
    let encoded = serde_json::to_string(value).expect("every frame encodes");
    serde_json::from_str(&encoded).unwrap_or_else(|e| panic!("{encoded} does not decode: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn client_frames_round_trip(frame in client_frame()) {
        prop_assert_eq!(round_trip(&frame), frame);
    }

    #[test]
    fn server_frames_round_trip(frame in server_frame()) {
        prop_assert_eq!(round_trip(&frame), frame);
    }

    /// Whatever text arrives, decoding it as a frame is an `Err`, never a panic.
    #[test]
    fn decoding_arbitrary_text_never_panics(text in "(?s).{0,256}") {
        let _ = serde_json::from_str::<ClientFrame>(&text);
        let _ = serde_json::from_str::<ServerFrame>(&text);
    }

    /// Near misses reach deeper into the decoder than random text: valid frames cut short or
    /// with a character changed.
    #[test]
    fn decoding_damaged_frames_never_panics(
        frame in client_frame(),
        cut in any::<proptest::sample::Index>(),
        at in any::<proptest::sample::Index>(),
        c in any::<char>(),
    ) {
        let encoded = serde_json::to_string(&frame).expect("encodes");
        let chars: Vec<char> = encoded.chars().collect();
        let truncated: String = chars[..cut.index(chars.len() + 1)].iter().collect();
        let _ = serde_json::from_str::<ClientFrame>(&truncated);
        let mut changed = chars;
        let i = at.index(changed.len());
        changed[i] = c;
        let _ = serde_json::from_str::<ClientFrame>(&changed.into_iter().collect::<String>());
    }

    /// JSON objects with a known `type` and fields of the wrong shape.
    #[test]
    fn decoding_wrongly_shaped_commands_never_panics(
        kind in proptest::sample::select(wire_names::<Command>(json!({ "type": UNKNOWN }))),
        fields in proptest::collection::btree_map("[a-z_]{1,16}", json_value(), 0..6),
    ) {
        let mut object: serde_json::Map<String, Value> = fields.into_iter().collect();
        object.insert("id".into(), json!("x"));
        object.insert("type".into(), json!(kind));
        let _ = serde_json::from_value::<ClientFrame>(Value::Object(object.clone()));
        let _ = serde_json::from_str::<ClientFrame>(&Value::Object(object).to_string());
    }
}

/// Any JSON value, a few levels deep.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// The `tag` field of every value `strategy` produces in `draws` draws.
fn tags_drawn<T: serde::Serialize + std::fmt::Debug>(
    strategy: BoxedStrategy<T>,
    tag: &str,
    draws: usize,
) -> BTreeSet<String> {
    let mut runner = TestRunner::deterministic();
    (0..draws)
        .map(|_| {
            let value = strategy.new_tree(&mut runner).expect("a value").current();
            let json = serde_json::to_value(&value).expect("encodes");
            json[tag]
                .as_str()
                .unwrap_or_else(|| panic!("no `{tag}` in {json}"))
                .to_owned()
        })
        .collect()
}

/// Every variant of every tagged enum on the wire is produced by its strategy.
#[test]
fn strategies_cover_every_variant() {
    fn check<T: DeserializeOwned + serde::Serialize + std::fmt::Debug>(
        strategy: BoxedStrategy<T>,
        tag: &str,
    ) {
        let expected: BTreeSet<String> = wire_names::<T>(json!({ tag: UNKNOWN }))
            .into_iter()
            .collect();
        let drawn = tags_drawn(strategy, tag, 3000);
        let missing: Vec<_> = expected.difference(&drawn).collect();
        assert!(
            missing.is_empty(),
            "{}: the strategy never produces {missing:?}",
            std::any::type_name::<T>()
        );
    }
    check(command(), "type");
    check(server_frame(), "type");
    check(reply(), "kind");
    check(event_body(), "kind");
    check(message_body(), "kind");
    check(new_message_body(), "kind");
    check(system_event(), "kind");
}
