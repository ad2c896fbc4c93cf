//! Frames and models. Every WebSocket message is one JSON text frame with a `type` tag.
//!
//! Client → server: [`ClientFrame`], a request with a client-chosen `id`; the server answers each
//! request exactly once with `ok` (same `id`, a [`Reply`]) or `error` (same `id`, an [`ErrorCode`]).
//! Server → client: [`ServerFrame`]: those replies plus pushes (`event`, `message`, `typing`,
//! `presence`) and sync markers. Unknown fields are ignored by both sides and clients must ignore
//! unknown frame types and event kinds, so the protocol can grow without a version bump.
//!
//! Numbers on the wire are integers below 2^53 (JavaScript-safe); times are milliseconds since the
//! Unix epoch (UTC).
//!
//! # Layout
//! - [`frame`]: the two envelopes, [`ClientFrame`] and [`ServerFrame`], and [`FrameError`], why a
//!   text frame is not a request.
//! - [`command`]: [`Command`], everything a client can ask: one struct per command, in one module
//!   per capability (`command/{accounts,friends,chat,groups}.rs`).
//! - [`reply`]: [`Reply`], the result of a successful request.
//! - [`event`]: [`UserEvent`], the entries of a user's own event stream.
//! - [`model`]: the values those carry: profiles, conversations, messages, files.
//!
//! [`ErrorCode`]: crate::ErrorCode

pub mod command;
pub mod event;
pub mod frame;
pub mod model;
pub mod reply;

pub use command::{Command, ConversationCursor, NewMessageBody};
pub use event::*;
pub use frame::*;
pub use model::*;
pub use reply::*;

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;
