//! Opaque identifiers. On the wire every id is a JSON string; clients compare them for equality and
//! never parse them. The server makes them from 128 random bits (a one-letter kind and 32 hex
//! digits), so they are neither sequential nor guessable.
//!
//! Every id, whatever its kind, is 1 to 64 bytes of ASCII letters, digits, `-` and `_` (the
//! base64url alphabet, so a future format still fits). Deserializing checks that, so a request
//! carrying a malformed id is refused as a whole (`malformed_frame`) before any code looks the id
//! up, and an id is always safe in a URL path, a file name or a log line. Code that makes ids
//! itself (the server's generator, tests) may build them directly (`UserId(…)`, `From`); input
//! from elsewhere goes through [`UserId::parse`] and friends, or through serde.

use serde::{Deserialize, Deserializer, Serialize};
use ts_rs::TS;

/// The longest id, in bytes.
pub const MAX_ID_BYTES: usize = 64;

/// Why a string is not an id: empty, longer than [`MAX_ID_BYTES`], or with a character other than
/// an ASCII letter, digit, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: ids are 1 to 64 ASCII letters, digits, '-' or '_'")]
pub struct InvalidId {
    /// Which kind of id ("user id", …).
    pub kind: &'static str,
}

/// Whether `s` is a well-formed id (of any kind).
pub fn is_valid_id(s: &str) -> bool {
    (1..=MAX_ID_BYTES).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub String);

        impl $name {
            /// `s` as this kind of id, if it is well-formed.
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidId> {
                let s = s.into();
                if is_valid_id(&s) {
                    Ok(Self(s))
                } else {
                    Err(InvalidId { kind: $kind })
                }
            }

            /// The id as it travels on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// A JSON string that is a well-formed id; anything else is an error (serde's own
        /// "expected a string" for other JSON types).
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::parse(s).map_err(serde::de::Error::custom)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Unchecked: for ids this program made itself (see the module docs).
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        /// Unchecked: for ids this program made itself (see the module docs).
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId,
    "user id"
);
id_type!(
    /// A conversation: a 1:1 chat, a group or a temporary session.
    ConversationId,
    "conversation id"
);
id_type!(
    /// A message, unique across the server.
    MessageId,
    "message id"
);
id_type!(
    /// One logged-in session (a device); listed and revoked by its owner.
    SessionId,
    "session id"
);
id_type!(
    /// An uploaded file.
    FileId,
    "file id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_made_ids_are_valid() {
        assert!(UserId::parse("uc53e3964aa5a83f53acb945cfcb0121e").is_ok());
        assert!(ConversationId::parse("c-_09AZaz").is_ok());
        assert!(FileId::parse("f".repeat(MAX_ID_BYTES)).is_ok());
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "../../etc/passwd",
            "a b",
            "a:b",
            "a.b",
            "é",
            "a/b",
            "a\0",
        ] {
            assert_eq!(
                UserId::parse(bad),
                Err(InvalidId { kind: "user id" }),
                "{bad:?}"
            );
        }
        assert!(MessageId::parse("m".repeat(MAX_ID_BYTES + 1)).is_err());
    }

    #[test]
    fn deserializing_checks_the_id() {
        let ok: SessionId = serde_json::from_str(r#""s85613f956ccf5df9d8d06429df825725""#).unwrap();
        assert_eq!(ok.as_str(), "s85613f956ccf5df9d8d06429df825725");
        let bad = serde_json::from_str::<ConversationId>(r#""""#).unwrap_err();
        assert!(
            bad.to_string().starts_with("invalid conversation id: "),
            "{bad}"
        );
        let wrong_type = serde_json::from_str::<UserId>("42").unwrap_err();
        assert!(
            wrong_type.to_string().contains("expected a string"),
            "{wrong_type}"
        );
    }
}
