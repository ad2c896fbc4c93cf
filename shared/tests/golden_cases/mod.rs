//! The values behind the golden files: one fixed, realistic cast (the users, group and ids of
//! PROTOCOL.md's worked example) and every frame built from it. Nothing here is random or read
//! from the clock, so the same code always writes the same bytes.
//!
//! A case's name is its file under `tests/golden/` without `.json`. Ids and values are spelled
//! out per case on purpose: inserting a case must never shift another case's content.

mod client;
mod client_groups;
mod errors;
mod pushes;
mod replies;

use liao_shared::*;

/// Every golden case, by name.
pub fn all() -> Vec<(&'static str, Frame)> {
    let mut cases = Vec::new();
    client::cases(&mut cases);
    replies::cases(&mut cases);
    errors::cases(&mut cases);
    pushes::cases(&mut cases);
    cases
}

/// One golden frame.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // a few hundred values, built once
pub enum Frame {
    /// A request, as the server decodes it.
    Client(ClientFrame),
    /// A frame the server encodes (and clients decode).
    Server(ServerFrame),
}

pub type Cases = Vec<(&'static str, Frame)>;

/// Add a server frame.
pub fn add(cases: &mut Cases, name: &'static str, frame: ServerFrame) {
    cases.push((name, Frame::Server(frame)));
}

// ---- the cast --------------------------------------------------------------------------------

pub const ALICE: &str = "uc53e3964aa5a83f53acb945cfcb0121e";
pub const BOB: &str = "u3d8abe5025e92d6b5caed9ceb27a2776";
pub const CAROL: &str = "u3e50be5b554cbc0faef049fc659a124e";
pub const DAVE: &str = "u03c4d896924c1e0e717c2583c3cd67c7";

/// Alice and Bob's 1:1 conversation.
pub const DIRECT: &str = "c242deb62ae216622d7807a57fa9b07ac";
/// The "Book club" group (number 48213377), owned by Alice.
pub const GROUP: &str = "c832828f479ec8a0927226c08050de266";
pub const GROUP_NUMBER: u64 = 48213377;
/// A second group, for search results.
pub const OTHER_GROUP: &str = "c40a61c0bdc930a6c88d99f14efb54699";
/// Bob and Carol's temporary session through the group.
pub const TEMP: &str = "c42b7060aad9426c2cafd5ac805c19712";

pub const SESSION: &str = "s85613f956ccf5df9d8d06429df825725";
pub const OTHER_SESSION: &str = "sb65e31b33d52bf94c124d9a542739208";
pub const TOKEN: &str = "M2kTBhLkNo5oHEA7UO99cWny0Vw7D95xlvYzBUJLkNI";

pub const MSG_TEXT: &str = "mf806496606df7cb99f399026b267074b";
pub const MSG_GROUP: &str = "m0e6f6369b4359b0ca2d606827fd0d16a";
pub const MSG_FILE: &str = "mc39f0ddb820ce5156dc9055042c1dade";
pub const MSG_IMAGE: &str = "me34c482c744776a833ef136618b86115";
pub const MSG_SYSTEM: &str = "mc57158cf8fa95b6804dd43f782c0db51";
pub const MSG_RECALL: &str = "m6c47f6cbb6f03e46313324e97ff665c7";
pub const MSG_REPLY: &str = "m3b8e5d1f9a2c4e6b8d0f1a3c5e7b9d21";
pub const MSG_FORWARD: &str = "m9e2d4c6b8a0f1e3d5c7b9a1f3e5d7c90";

pub const IMAGE: &str = "f194cbff0b1c9a6d3b38153e09c671365";
pub const FILE: &str = "f1bfefa67270704ebf3eea0b4744cbd47";
pub const AVATAR: &str = "fa135215f4ee7362cdcb1176e481a1835";
pub const GROUP_AVATAR: &str = "f3a8ae4c7d941c4fe14534001e604c361";

/// 2026-01-01 10:00:00 UTC, in milliseconds; every time is this plus a few minutes.
pub const T0: u64 = 1_767_261_600_000;
pub const MINUTE: u64 = 60_000;

pub fn uid(id: &str) -> UserId {
    UserId(id.into())
}

pub fn cid(id: &str) -> ConversationId {
    ConversationId(id.into())
}

pub fn mid(id: &str) -> MessageId {
    MessageId(id.into())
}

pub fn fid(id: &str) -> FileId {
    FileId(id.into())
}

/// Alice, with an avatar.
pub fn alice() -> Profile {
    Profile {
        user_id: uid(ALICE),
        username: "alice".into(),
        display_name: "Alice".into(),
        avatar: Some(fid(AVATAR)),
    }
}

/// Bob, who gave no display name (it defaults to the username).
pub fn bob() -> Profile {
    Profile {
        user_id: uid(BOB),
        username: "bob".into(),
        display_name: "bob".into(),
        avatar: None,
    }
}

pub fn carol() -> Profile {
    Profile {
        user_id: uid(CAROL),
        username: "carol".into(),
        display_name: "Carol".into(),
        avatar: None,
    }
}

/// Dave, with a non-ASCII display name.
pub fn dave() -> Profile {
    Profile {
        user_id: uid(DAVE),
        username: "dave.w".into(),
        display_name: "王大卫".into(),
        avatar: None,
    }
}

pub fn group_ref() -> GroupRef {
    GroupRef {
        conversation_id: cid(GROUP),
        number: GROUP_NUMBER,
        name: "Book club".into(),
    }
}

/// The group as Carol (a muted member) sees it: every optional field present.
pub fn group_info() -> GroupInfo {
    GroupInfo {
        number: GROUP_NUMBER,
        settings: GroupSettings {
            name: "Book club".into(),
            description: "One book a month".into(),
            join_policy: JoinPolicy::Approval,
            searchable: true,
            allow_temp_sessions: true,
        },
        muted_all: false,
        owner_id: uid(ALICE),
        member_count: 4,
        avatar: Some(fid(GROUP_AVATAR)),
        my_role: Role::Member,
        my_muted_until: Some(T0 + 90 * MINUTE),
    }
}

/// A freshly created group as its owner sees it: no optional field.
pub fn new_group_info() -> GroupInfo {
    GroupInfo {
        number: 51730442,
        settings: GroupSettings {
            name: "Hiking".into(),
            description: String::new(),
            join_policy: JoinPolicy::Open,
            searchable: false,
            allow_temp_sessions: false,
        },
        muted_all: true,
        owner_id: uid(BOB),
        member_count: 1,
        avatar: None,
        my_role: Role::Owner,
        my_muted_until: None,
    }
}

/// Alice's text in the group, with every optional field: mentions, @all, a client id, and text
/// that exercises JSON escaping (quotes, backslash, newline, tab, a control character) next to
/// characters that are written as they are (CJK, emoji, U+2028, `/`, `<`, `&`).
pub fn group_text() -> Message {
    Message {
        message_id: mid(MSG_GROUP),
        conversation_id: cid(GROUP),
        seq: 7,
        sender_id: uid(ALICE),
        client_msg_id: Some("45842b9b-585f-42d4-91b4-655acafc4809".into()),
        sent_at: T0 + 30 * MINUTE,
        body: MessageBody::Text {
            text: "@bob @王大卫 今晚 8 点读 \"Dune\"\n\t– bring C:\\books/notes <b>&</b> 🙂\u{1}\u{2028}end"
                .into(),
            mentions: vec![uid(BOB), uid(DAVE)],
            mention_all: true,
        },
        reply_to: None,
        forwarded_from: None,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    }
}

/// Alice's plain text to Bob.
pub fn direct_text() -> Message {
    Message {
        message_id: mid(MSG_TEXT),
        conversation_id: cid(DIRECT),
        seq: 2,
        sender_id: uid(ALICE),
        client_msg_id: Some("9698624f-fe8c-4934-b05c-17229b1adf13".into()),
        sent_at: T0 + 3 * MINUTE,
        body: text_body("Dinner at 8?"),
        reply_to: None,
        forwarded_from: None,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    }
}

/// Bob's reply in the group to Alice's message at seq 7 (its quote as it is now).
pub fn reply_text() -> Message {
    Message {
        message_id: mid(MSG_REPLY),
        conversation_id: cid(GROUP),
        seq: 9,
        sender_id: uid(BOB),
        client_msg_id: Some("0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into()),
        sent_at: T0 + 32 * MINUTE,
        body: text_body("Count me in 👍"),
        reply_to: Some(Quote {
            seq: 7,
            message_id: mid(MSG_GROUP),
            sender_id: uid(ALICE),
            preview: QuotePreview::Text {
                text: "@bob @王大卫 今晚 8 点读 \"Dune\"".into(),
            },
        }),
        forwarded_from: None,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    }
}

/// A text entry with no optional field.
pub fn minimal_text() -> Message {
    Message {
        message_id: mid(MSG_TEXT),
        conversation_id: cid(DIRECT),
        seq: 1,
        sender_id: uid(BOB),
        client_msg_id: None,
        sent_at: T0 + MINUTE,
        body: text_body("hi"),
        reply_to: None,
        forwarded_from: None,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    }
}

/// A system entry of the group: `seq`, sent by Alice, saying `event`.
pub fn system(seq: u64, event: SystemEvent) -> Message {
    Message {
        message_id: mid(MSG_SYSTEM),
        conversation_id: cid(GROUP),
        seq,
        sender_id: uid(ALICE),
        client_msg_id: None,
        sent_at: T0 + seq * MINUTE,
        body: MessageBody::System { event },
        reply_to: None,
        forwarded_from: None,
        reactions: Vec::new(),
        edited_at: None,
        change_seq: None,
    }
}

/// A file sent 1:1: no image fields.
pub fn file_info() -> FileInfo {
    FileInfo {
        file_id: fid(FILE),
        name: "reading list (final).pdf".into(),
        size: 1_048_576,
        mime: "application/pdf".into(),
        width: None,
        height: None,
        thumbnail: false,
    }
}

/// An image: every optional field.
pub fn image_info() -> FileInfo {
    FileInfo {
        file_id: fid(IMAGE),
        name: "书架.jpg".into(),
        size: 2_483_201,
        mime: "image/jpeg".into(),
        width: Some(3024),
        height: Some(4032),
        thumbnail: true,
    }
}

pub fn direct_conversation() -> ConversationInfo {
    ConversationInfo {
        conversation_id: cid(DIRECT),
        kind: ConversationKind::Direct,
        peer: Some(bob()),
        group: None,
        via_group: None,
        last_seq: 2,
        read_seq: 1,
        unread: 1,
        last_message: Some(direct_text()),
    }
}

pub fn group_conversation() -> ConversationInfo {
    ConversationInfo {
        conversation_id: cid(GROUP),
        kind: ConversationKind::Group,
        peer: None,
        group: Some(group_info()),
        via_group: None,
        last_seq: 7,
        read_seq: 7,
        unread: 0,
        last_message: Some(group_text()),
    }
}

/// A new, empty temporary session.
pub fn temp_conversation() -> ConversationInfo {
    ConversationInfo {
        conversation_id: cid(TEMP),
        kind: ConversationKind::Temporary,
        peer: Some(carol()),
        group: None,
        via_group: Some(group_ref()),
        last_seq: 0,
        read_seq: 0,
        unread: 0,
        last_message: None,
    }
}

/// A text body without mentions.
pub fn text_body(text: &str) -> MessageBody {
    MessageBody::Text {
        text: text.into(),
        mentions: Vec::new(),
        mention_all: false,
    }
}
