//! `server/error/`: an `error` frame per code, with `retry_after_ms` and `until` where the server
//! sets them. The error replies the server gives to malformed input are pinned separately, by a
//! real server, in `server/tests/golden_errors.rs`.

use liao_shared::*;

use super::*;

/// An error frame answering request `id` (or none).
fn error(
    c: &mut Cases,
    name: &'static str,
    id: Option<&str>,
    code: ErrorCode,
    message: &str,
    retry_after_ms: Option<u64>,
    until: Option<u64>,
) {
    add(
        c,
        name,
        ServerFrame::Error {
            id: id.map(Into::into),
            code,
            message: message.into(),
            retry_after_ms,
            until,
        },
    );
}

/// One `error` frame per code, as the server sends it (the messages are examples: clients must
/// not depend on them).
pub fn cases(c: &mut Cases) {
    use ErrorCode::*;
    // Answers to a request.
    let mut reply = |name, code, message| error(c, name, Some("7"), code, message, None, None);
    reply(
        "server/error/unknown_type",
        UnknownType,
        "unknown frame type",
    );
    reply(
        "server/error/bad_request",
        BadRequest,
        "search needs 2 to 64 characters",
    );
    reply(
        "server/error/unsupported_version",
        UnsupportedVersion,
        "this server speaks protocol 1",
    );
    reply(
        "server/error/not_authenticated",
        NotAuthenticated,
        "log in first",
    );
    reply(
        "server/error/already_authenticated",
        AlreadyAuthenticated,
        "this connection is already authenticated",
    );
    reply(
        "server/error/invalid_credentials",
        InvalidCredentials,
        "unknown username or wrong password",
    );
    reply(
        "server/error/invalid_session",
        InvalidSession,
        "unknown, expired or revoked session",
    );
    reply(
        "server/error/registration_closed",
        RegistrationClosed,
        "registration is closed on this server",
    );
    reply(
        "server/error/username_taken",
        UsernameTaken,
        "that username is taken",
    );
    reply(
        "server/error/invalid_username",
        InvalidUsername,
        "usernames are 3-32 characters of a-z, 0-9, '_', '.', '-' and start with a letter or digit",
    );
    reply(
        "server/error/weak_password",
        WeakPassword,
        "passwords need at least 8 characters",
    );
    reply(
        "server/error/invalid_display_name",
        InvalidDisplayName,
        "display names are 1-64 characters without control characters",
    );
    reply("server/error/not_found", NotFound, "no such conversation");
    reply(
        "server/error/not_friends",
        NotFriends,
        "you are no longer friends",
    );
    reply(
        "server/error/blocked",
        Blocked,
        "one of you has blocked the other",
    );
    reply(
        "server/error/already_friends",
        AlreadyFriends,
        "you are already friends",
    );
    reply(
        "server/error/request_pending",
        RequestPending,
        "your request is still pending",
    );
    reply(
        "server/error/no_request",
        NoRequest,
        "no pending request from that user",
    );
    reply(
        "server/error/self_target",
        SelfTarget,
        "you cannot do that to yourself",
    );
    reply(
        "server/error/empty_message",
        EmptyMessage,
        "the message is empty",
    );
    reply(
        "server/error/message_too_long",
        MessageTooLong,
        "messages are limited to 4000 characters and 16 KiB",
    );
    reply(
        "server/error/recall_window_passed",
        RecallWindowPassed,
        "messages can be recalled for 2 minutes",
    );
    reply(
        "server/error/edit_window_passed",
        EditWindowPassed,
        "messages can be edited for 24 hours",
    );
    reply(
        "server/error/not_your_message",
        NotYourMessage,
        "you can only recall your own messages",
    );
    reply(
        "server/error/client_id_reused",
        ClientIdReused,
        "client_msg_id was used for another conversation",
    );
    reply(
        "server/error/forbidden",
        Forbidden,
        "only the owner and admins may do that",
    );
    reply(
        "server/error/already_member",
        AlreadyMember,
        "already a member",
    );
    reply(
        "server/error/owner_must_transfer",
        OwnerMustTransfer,
        "the owner must transfer the group before leaving",
    );
    reply(
        "server/error/invite_only",
        InviteOnly,
        "this group takes members by invitation only",
    );
    reply(
        "server/error/temp_session_unavailable",
        TempSessionUnavailable,
        "you no longer share a group that allows temporary sessions",
    );
    reply(
        "server/error/file_too_large",
        FileTooLarge,
        "the limit for this kind of upload is 20971520 bytes",
    );
    reply(
        "server/error/quota_exceeded",
        QuotaExceeded,
        "this upload would exceed your storage quota",
    );
    reply(
        "server/error/unsupported_image",
        UnsupportedImage,
        "avatars are images",
    );
    reply(
        "server/error/not_allowed_here",
        NotAllowedHere,
        "files are sent 1:1; groups take images",
    );
    reply(
        "server/error/conflict",
        Conflict,
        "another request is writing this upload",
    );
    reply("server/error/internal", Internal, "internal server error");

    // Errors that answer no request (the frame could not be read, or the server closes).
    let mut unsolicited = |name, code, message| error(c, name, None, code, message, None, None);
    unsolicited(
        "server/error/malformed_frame",
        MalformedFrame,
        "not valid JSON",
    );
    unsolicited(
        "server/error/frame_too_large",
        FrameTooLarge,
        "frames are limited to 64 KiB",
    );
    unsolicited(
        "server/error/auth_timeout",
        AuthTimeout,
        "authenticate within the deadline",
    );
    unsolicited(
        "server/error/session_revoked",
        SessionRevoked,
        "connection closed by the server",
    );
    unsolicited(
        "server/error/account_disabled",
        AccountDisabled,
        "connection closed by the server",
    );
    unsolicited(
        "server/error/slow_consumer",
        SlowConsumer,
        "connection closed by the server",
    );
    unsolicited(
        "server/error/shutting_down",
        ShuttingDown,
        "server shutting down",
    );

    // With `retry_after_ms` or `until`.
    error(
        c,
        "server/error/rate_limited",
        Some("200"),
        RateLimited,
        "too many requests",
        Some(350),
        None,
    );
    error(
        c,
        "server/error/server_busy",
        Some("201"),
        ServerBusy,
        "the server's database is busy; retry shortly",
        Some(1000),
        None,
    );
    error(
        c,
        "server/error/storage_full",
        Some("202"),
        StorageFull,
        "the server's storage is full; nothing was stored",
        Some(5000),
        None,
    );
    error(
        c,
        "server/error/muted",
        Some("203"),
        Muted,
        "you are muted in this group",
        None,
        Some(T0 + 90 * MINUTE),
    );
    error(
        c,
        "server/error/muted_all",
        Some("204"),
        Muted,
        "only the owner and admins may speak while the group is muted",
        None,
        None,
    );
    // Both optional fields at once (no code sets both today): pins their order.
    error(
        c,
        "server/error/every_field",
        Some("205"),
        RateLimited,
        "too many requests",
        Some(1),
        Some(T0),
    );
}
