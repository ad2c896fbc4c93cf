//! The desktop app's error type. Commands return it to JavaScript as a `{kind, message}` object
//! so the UI can pick a translated text by `kind` and still show the detail; an error the server
//! answered also carries its protocol `code` (e.g. `storage_full` for an upload).

use serde::ser::SerializeStruct;

/// Result alias for the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server address could not be understood.
    #[error("invalid server address: {0}")]
    BadAddress(String),
    /// A known server presented a different certificate than the one the user pinned.
    #[error(
        "the certificate of {server} changed (pinned {pinned}, presented {presented}); refusing to connect"
    )]
    CertificateChanged {
        /// Origin of the server.
        server: String,
        /// The fingerprint the user confirmed earlier.
        pinned: String,
        /// The fingerprint the server presented now.
        presented: String,
    },
    /// `trust` was called for a fingerprint that is not the one just presented.
    #[error("fingerprint does not match the server's certificate")]
    FingerprintMismatch,
    /// No server chosen (or its certificate not confirmed) yet.
    #[error("no trusted server selected")]
    NoServer,
    /// The connection is not open.
    #[error("not connected")]
    NotConnected,
    /// Network, TLS or protocol failure of the Liao client.
    #[error(transparent)]
    Client(#[from] liao_shared::client::ClientError),
    /// Reading or writing local files.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The user cancelled a dialog.
    #[error("cancelled")]
    Cancelled,
    /// The webview asked to upload a file the user never chose (dialog or drop).
    #[error("this file was not chosen by the user")]
    NotChosen,
    /// Anything the OS integration (tray, window) reported.
    #[error(transparent)]
    Tauri(#[from] tauri::Error),
}

impl Error {
    /// Stable identifier for the UI.
    fn kind(&self) -> &'static str {
        match self {
            Error::BadAddress(_) => "bad_address",
            Error::CertificateChanged { .. } => "certificate_changed",
            Error::FingerprintMismatch => "fingerprint_mismatch",
            Error::NoServer => "no_server",
            Error::NotConnected => "not_connected",
            Error::Client(_) => "network",
            Error::Io(_) => "io",
            Error::Cancelled => "cancelled",
            Error::NotChosen => "not_chosen",
            Error::Tauri(_) => "internal",
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        match self {
            Error::Client(e) if e.code().is_some() => st.serialize_field("code", &e.code())?,
            _ => st.skip_field("code")?,
        }
        st.end()
    }
}
