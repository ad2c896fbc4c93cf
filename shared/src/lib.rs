//! Liao's wire protocol, shared by the server, the Rust client and (generated) the web UI.
//!
//! # Layout
//! - [`ids`]: opaque id newtypes (`UserId`, `ConversationId`, …). Ids are strings on the wire and
//!   carry no meaning a client may rely on; deserializing one checks that it is well-formed.
//! - [`error`]: [`ErrorCode`], the stable machine codes every error frame carries.
//! - [`limits`]: the documented limits (frame sizes, text length, page sizes).
//! - [`groups`]: group models (roles, policies, members, timeline system events).
//! - [`protocol`]: the frames and what they carry, one module each:
//!   - `protocol/frame.rs`: [`ClientFrame`] (requests) and [`ServerFrame`] (replies, pushes);
//!   - `protocol/command/`: [`Command`], everything a client can ask, one struct per command
//!     (`liao_shared::command::MuteMember`) in one file per capability;
//!   - `protocol/reply.rs`: [`Reply`], the result of a successful request;
//!   - `protocol/event.rs`: [`UserEvent`], a user's own event stream;
//!   - `protocol/model.rs`: profiles, conversations, messages and files.
//! - [`client`] (feature `client`): the async Rust client over a TLS WebSocket, with certificate
//!   pinning; used by tests, benchmarks and the desktop app.
//!
//! `shared/PROTOCOL.md` documents all of this for people writing clients in other languages; the
//! TypeScript types in `ui/src/protocol/generated/` are generated from these types and a test fails
//! when they drift.

pub mod error;
pub mod groups;
pub mod ids;
pub mod limits;
pub mod protocol;

#[cfg(feature = "client")]
pub mod client;

pub use error::ErrorCode;
pub use groups::*;
pub use ids::{ConversationId, FileId, MessageId, SessionId, UserId};
pub use protocol::*;
