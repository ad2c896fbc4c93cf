//! Opaque identifiers. On the wire every id is a JSON string; clients compare them for equality and
//! never parse them. The server makes them from 128 random bits, so they are neither sequential nor
//! guessable.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub String);

        impl $name {
            /// The id as it travels on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A conversation: a 1:1 chat (and, later, a group or temporary session).
    ConversationId
);
id_type!(
    /// A message, unique across the server.
    MessageId
);
id_type!(
    /// One logged-in session (a device); listed and revoked by its owner.
    SessionId
);
id_type!(
    /// An uploaded file.
    FileId
);
