//! The two envelopes: [`ClientFrame`] (a request) and [`ServerFrame`] (replies and pushes), and
//! [`ClientFrame::parse`], which says why a text frame is not a request ([`FrameError`]) from the
//! frame's structure, never from the wording of a parser's error.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::limits::MAX_CLIENT_ID_BYTES;
use crate::{Command, ConversationId, ErrorCode, Message, Profile, Reply, UserEvent, UserId};

/// A request from the client.
///
/// In TypeScript it is `{ id: string } & Command`, written out here because ts-rs flattens a field
/// by inlining its type, which would spell out every command a second time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(type = "{ id: string } & Command")]
pub struct ClientFrame {
    /// Client-chosen request id (at most 64 bytes), echoed in the reply.
    pub id: String,
    /// The command, tagged by `type`.
    #[serde(flatten)]
    pub command: Command,
}

impl ClientFrame {
    /// Decode a text frame as a request, or say why it is none (PROTOCOL.md section 3, "When a
    /// frame cannot be fully parsed"). A well-formed request costs one decode; only a failure is
    /// looked at again, as plain JSON, to find its `id` and whether its `type` is a command.
    pub fn parse(text: &str) -> Result<ClientFrame, FrameError> {
        match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) if frame.id.len() > MAX_CLIENT_ID_BYTES => Err(FrameError::IdTooLong),
            Ok(frame) => Ok(frame),
            Err(e) => Err(FrameError::classify(text, &e)),
        }
    }
}

/// Why a text frame is not a request. Each kind has its error code ([`FrameError::code`]) and its
/// message (`Display`, sent as the error frame's `message`), and carries the request's `id` when
/// the frame has a usable one (a string of at most 64 bytes), so that the error answers it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Not JSON (or nested too deep to parse).
    #[error("not valid JSON")]
    NotJson,
    /// JSON, but without a string `type`: not an object, or `type` missing or not a string.
    #[error("a frame needs a string `type`")]
    MissingType {
        /// The request's id, if usable.
        id: Option<String>,
    },
    /// `type` names no command.
    #[error("unknown frame type")]
    UnknownType {
        /// The request's id, if usable.
        id: Option<String>,
    },
    /// A known command whose fields do not decode: one is missing or of the wrong JSON type, a
    /// number is out of range, an enum value is unknown, an id is malformed, or the envelope's
    /// own `id` is missing or not a string.
    #[error("invalid fields: {detail}")]
    InvalidFields {
        /// The request's id, if usable.
        id: Option<String>,
        /// What did not decode, as serde describes it (with its position in the frame).
        detail: String,
    },
    /// A well-formed request whose `id` is longer than 64 bytes: answered without an id.
    #[error("request ids are at most 64 bytes")]
    IdTooLong,
}

impl FrameError {
    /// Classify a frame that did not decode as a [`ClientFrame`] (`error` is why).
    fn classify(text: &str, error: &serde_json::Error) -> FrameError {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return FrameError::NotJson;
        };
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| id.len() <= MAX_CLIENT_ID_BYTES)
            .map(str::to_owned);
        match value.get("type").and_then(Value::as_str) {
            None => FrameError::MissingType { id },
            Some(name) if !Command::is_known(name) => FrameError::UnknownType { id },
            Some(_) => FrameError::InvalidFields {
                id,
                detail: error.to_string(),
            },
        }
    }

    /// The error code the reply carries.
    pub fn code(&self) -> ErrorCode {
        match self {
            FrameError::UnknownType { .. } => ErrorCode::UnknownType,
            FrameError::IdTooLong => ErrorCode::BadRequest,
            FrameError::NotJson
            | FrameError::MissingType { .. }
            | FrameError::InvalidFields { .. } => ErrorCode::MalformedFrame,
        }
    }

    /// The request id the reply answers, if the frame has a usable one.
    pub fn id(&self) -> Option<&str> {
        match self {
            FrameError::MissingType { id }
            | FrameError::UnknownType { id }
            | FrameError::InvalidFields { id, .. } => id.as_deref(),
            FrameError::NotJson | FrameError::IdTooLong => None,
        }
    }
}

/// Everything the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Success reply to request `id`.
    Ok {
        /// The request id.
        id: String,
        /// The result.
        result: Reply,
    },
    /// Failure reply to request `id` (absent when the frame could not be parsed far enough to
    /// know it). Nothing was changed by the failed request.
    Error {
        /// The request id, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        id: Option<String>,
        /// What went wrong (stable, machine-readable).
        code: ErrorCode,
        /// English description for developers; clients show a translation of `code` instead.
        message: String,
        /// For `rate_limited`, `server_busy` and `storage_full`: when to retry, in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        retry_after_ms: Option<u64>,
        /// For `muted`: when your mute ends (absent while the whole group is muted).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        until: Option<u64>,
    },
    /// An entry of your user event stream (friendships, conversations, read markers, …).
    Event {
        /// The event.
        event: UserEvent,
    },
    /// An entry of a conversation's sequence (a message, or a recall).
    Message {
        /// The message.
        message: Message,
    },
    /// A message you may have changed (its reactions): replace your copy if this one's
    /// `change_seq` is higher. Not part of the sequence; replayed by `sync` (`changes_after`).
    MessageChanged {
        /// The message as it is now.
        message: Message,
    },
    /// Someone is typing in a conversation (ephemeral, not replayed).
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who is typing.
        user_id: UserId,
    },
    /// Someone you share a friendship or a conversation with changed their display name or avatar
    /// (ephemeral; a reconnecting client gets current profiles from its lists).
    ProfileChanged {
        /// The new profile.
        profile: Profile,
    },
    /// A friend came online or went offline (ephemeral, not replayed).
    Presence {
        /// The friend.
        user_id: UserId,
        /// Whether they now have at least one connection.
        online: bool,
    },
    /// During sync: this conversation is more than 1,000 messages behind. The server skipped its
    /// backlog; fetch what you want with `history` (live messages after `latest_seq` still arrive).
    SyncGap {
        /// The conversation.
        conversation_id: ConversationId,
        /// Its latest seq at sync time.
        latest_seq: u64,
    },
    /// During sync: the user event stream is too far behind to replay; reload friends, requests and
    /// conversations with `list_contacts` / `list_conversations`, then continue from `events_seq`.
    TooFarBehind {
        /// The current user-event seq.
        events_seq: u64,
    },
    /// The sync backlog is complete; everything after this is live.
    SyncDone {
        /// Your user-event seq now.
        events_seq: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::{ClientFrame, FrameError};
    use crate::{Command, ErrorCode};

    fn error(text: &str) -> FrameError {
        ClientFrame::parse(text).expect_err("not a request")
    }

    #[test]
    fn a_request_parses() {
        let frame = ClientFrame::parse(r#"{"id":"7","type":"list_contacts"}"#).expect("a request");
        assert_eq!(frame.id, "7");
        assert_eq!(frame.command, Command::ListContacts);
    }

    #[test]
    fn each_kind_of_bad_frame_is_told_apart() {
        let id = || Some("1".to_owned());
        assert_eq!(error("{not json"), FrameError::NotJson);
        assert_eq!(error(""), FrameError::NotJson);
        assert_eq!(
            error(r#"["list_contacts"]"#),
            FrameError::MissingType { id: None }
        );
        assert_eq!(error(r#"{"id":"1"}"#), FrameError::MissingType { id: id() });
        assert_eq!(
            error(r#"{"id":"1","type":7}"#),
            FrameError::MissingType { id: id() }
        );
        assert_eq!(
            error(r#"{"id":"1","type":"teleport"}"#),
            FrameError::UnknownType { id: id() }
        );
        assert_eq!(
            error(r#"{"id":1,"type":"teleport"}"#),
            FrameError::UnknownType { id: None }
        );
        let long = "x".repeat(65);
        assert_eq!(
            error(&format!(r#"{{"id":"{long}","type":"list_contacts"}}"#)),
            FrameError::IdTooLong
        );
        assert_eq!(
            error(&format!(r#"{{"id":"{long}","type":"teleport"}}"#)),
            FrameError::UnknownType { id: None }
        );
        for (text, detail) in [
            (
                r#"{"id":"1","type":"login","username":"alice"}"#,
                "missing field `password` at line 1 column 44",
            ),
            (
                r#"{"type":"hello","protocol":1}"#,
                "missing field `id` at line 1 column 29",
            ),
            (
                r#"{"id":"1","type":"get_profile","user_id":"a/b"}"#,
                "invalid user id: ids are 1 to 64 ASCII letters, digits, '-' or '_' at line 1 column 47",
            ),
        ] {
            let e = error(text);
            assert!(
                matches!(&e, FrameError::InvalidFields { detail: d, .. } if d == detail),
                "{text}: {e:?}"
            );
            assert_eq!(e.code(), ErrorCode::MalformedFrame);
        }
    }

    #[test]
    fn codes_and_messages() {
        assert_eq!(FrameError::NotJson.code(), ErrorCode::MalformedFrame);
        assert_eq!(
            FrameError::UnknownType { id: None }.code(),
            ErrorCode::UnknownType
        );
        assert_eq!(FrameError::IdTooLong.code(), ErrorCode::BadRequest);
        assert_eq!(
            FrameError::MissingType {
                id: Some("3".into())
            }
            .to_string(),
            "a frame needs a string `type`"
        );
        assert_eq!(
            FrameError::UnknownType {
                id: Some("3".into())
            }
            .id(),
            Some("3")
        );
    }
}
