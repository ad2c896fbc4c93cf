//! Limits every client must respect. They are also announced in the `welcome` reply so clients need
//! not hard-code them; these constants are the defaults.

/// Largest inbound (client → server) WebSocket message, in bytes. Larger frames close the connection
/// with status 1009 after an `error` frame with code `frame_too_large`.
pub const MAX_INBOUND_FRAME: usize = 64 * 1024;

/// Largest outbound (server → client) frame, in bytes. Replies that could be larger (history,
/// lists) are paged below it.
pub const MAX_OUTBOUND_FRAME: usize = 256 * 1024;

/// Longest message text, in Unicode scalar values.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Longest message text, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// Longest friend-request message, in Unicode scalar values.
pub const MAX_REQUEST_MESSAGE_CHARS: usize = 200;

/// Longest client-chosen id (`id` of a request, `client_msg_id` of a message), in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 64;

/// Most messages returned by one `history` request.
pub const MAX_HISTORY_PAGE: u32 = 100;

/// Most distinct emoji reacted to one message.
pub const MAX_REACTIONS_PER_MESSAGE: usize = 20;

/// Most reactors a message lists per emoji (the count is always exact).
pub const MAX_REACTORS_LISTED: usize = 100;

/// Most seqs one `read_receipts` request may count.
pub const MAX_RECEIPT_SEQS: usize = 100;

/// Most members each list of a `read_by` reply names (the counts are always exact).
pub const MAX_READ_BY_LISTED: usize = 3000;

/// Longest reaction emoji, in UTF-8 bytes (the longest ZWJ sequences are about 35).
pub const MAX_EMOJI_BYTES: usize = 64;

/// How many characters of a quoted text message a reply's quote carries.
pub const QUOTE_PREVIEW_CHARS: usize = 100;

/// Most users returned by one `search_users` request.
pub const MAX_SEARCH_PAGE: u32 = 50;

/// During `sync`, a conversation more than this many messages behind is not replayed; the server
/// sends `sync_gap` instead and the client pages back with `history`.
pub const SYNC_MAX_MESSAGES_PER_CONVERSATION: u64 = 1000;

/// During `sync`, more than this many missed user events make the server answer `too_far_behind`
/// for the event stream; the client then reloads its state (friends, requests, conversations).
pub const SYNC_MAX_EVENTS: u64 = 10_000;

/// How many messages one `delete_for_me` may name.
pub const MAX_DELETE_FOR_ME: usize = 100;

/// How long after sending a message its sender may recall it, in milliseconds.
pub const RECALL_WINDOW_MS: u64 = 2 * 60 * 1000;

/// How long after sending a text message its sender may edit it.
pub const EDIT_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Usernames: this many bytes at least …
pub const USERNAME_MIN: usize = 3;
/// … and at most.
pub const USERNAME_MAX: usize = 32;
/// Passwords: at least this many Unicode scalar values.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Passwords: at most this many bytes (argon2 input is bounded to keep hashing cost bounded).
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// Display names: at most this many Unicode scalar values.
pub const DISPLAY_NAME_MAX_CHARS: usize = 64;
/// Search queries: at least this many Unicode scalar values.
pub const SEARCH_MIN_CHARS: usize = 2;

/// Default largest file upload, in bytes (configurable on the server).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;
/// Default largest image upload, in bytes (configurable on the server).
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Images with more pixels than this are refused before decoding (decompression bombs).
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;
/// Longest side of generated thumbnails, in pixels.
pub const THUMBNAIL_SIDE: u32 = 400;
/// How long signed file URLs stay valid, in milliseconds.
pub const FILE_URL_TTL_MS: u64 = 10 * 60 * 1000;
