//! Golden error replies (issue 14): the exact bytes a real server sends back for malformed input,
//! message text included, compared with `tests/golden/errors/NAME.json` (one frame, then one
//! newline). `shared/tests/golden.rs` pins every frame's encoding; this pins what the server
//! *answers* to input that is not a valid request: JSON that does not parse, frames of the wrong
//! shape, values of the wrong type or out of range, ids too long, unknown enum values, binary and
//! oversize frames, and commands before authentication.
//!
//! Each input is sent over a raw WebSocket (the Rust client cannot send most of them); inputs the
//! server rejects before it looks at the connection's state are sent both before and after
//! authentication and must get the same bytes both times.
//!
//! **Golden files are never changed by a refactoring commit** (see `shared/tests/golden.rs`).
//! `LIAO_BLESS=1 cargo test -p liao-server --test golden_errors` only creates missing files.

mod common;

use std::path::PathBuf;

use common::{Db, TestServer, WAIT, tls_connect};
use futures_util::{SinkExt, StreamExt};
use liao_shared::{ServerFrame, limits};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// A raw WebSocket over TLS: unlike the Rust client it sends anything.
type Ws = WebSocketStream<TlsStream<TcpStream>>;

/// Which connection an input is sent on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum On {
    /// Before authentication only.
    Anonymous,
    /// After authentication only.
    Authenticated,
    /// Both, with the same reply.
    Both,
}

/// One malformed input and the golden file of the reply it gets.
struct Case {
    name: &'static str,
    on: On,
    input: Message,
}

fn text(name: &'static str, on: On, input: impl Into<String>) -> Case {
    Case {
        name,
        on,
        input: Message::text(input.into()),
    }
}

const CONV_ID: &str = "c242deb62ae216622d7807a57fa9b07ac";

/// The inputs; `me` is the authenticated user's id.
fn cases(me: &str) -> Vec<Case> {
    use On::*;
    let long_id = "x".repeat(limits::MAX_CLIENT_ID_BYTES + 1);
    vec![
        // JSON that does not parse, or is not a request object.
        text("invalid_json", Both, "{not json"),
        text("empty_frame", Both, ""),
        text("truncated", Both, r#"{"id":"1","type":"list_contacts""#),
        text("not_an_object", Both, r#"["list_contacts"]"#),
        text(
            "too_deep",
            Both,
            format!("{}{}", "[".repeat(200), "]".repeat(200)),
        ),
        // The envelope: `id` and `type`.
        text("missing_type", Both, r#"{"id":"1"}"#),
        text("type_not_a_string", Both, r#"{"id":"1","type":7}"#),
        text("unknown_type", Both, r#"{"id":"1","type":"teleport"}"#),
        text(
            "type_wrong_case",
            Both,
            r#"{"id":"1","type":"List_Contacts"}"#,
        ),
        text("missing_id", Both, r#"{"type":"hello","protocol":1}"#),
        text(
            "id_not_a_string",
            Both,
            r#"{"id":1,"type":"hello","protocol":1}"#,
        ),
        text(
            "id_too_long",
            Both,
            format!(r#"{{"id":"{long_id}","type":"hello","protocol":1}}"#),
        ),
        text(
            "id_too_long_unknown_type",
            Both,
            format!(r#"{{"id":"{long_id}","type":"teleport"}}"#),
        ),
        // A known command with bad fields. The message quotes serde's error, position included.
        text(
            "missing_field",
            Both,
            r#"{"id":"1","type":"login","username":"alice"}"#,
        ),
        text(
            "wrong_field_type",
            Both,
            r#"{"id":"1","type":"login","username":5,"password":"correct horse battery"}"#,
        ),
        text(
            "null_field",
            Both,
            r#"{"id":"1","type":"hello","protocol":null}"#,
        ),
        text(
            "negative_number",
            Both,
            format!(r#"{{"id":"1","type":"mark_read","conversation_id":"{CONV_ID}","seq":-1}}"#),
        ),
        text(
            "fractional_number",
            Both,
            format!(r#"{{"id":"1","type":"mark_read","conversation_id":"{CONV_ID}","seq":1.5}}"#),
        ),
        text(
            "number_too_large",
            Both,
            format!(
                r#"{{"id":"1","type":"mark_read","conversation_id":"{CONV_ID}","seq":18446744073709551616}}"#
            ),
        ),
        // An unknown enum value inside a known command is a field of the wrong shape:
        // `malformed_frame` (these two answered `unknown_type` before; PROTOCOL.md, changes).
        text(
            "unknown_enum_value",
            Both,
            r#"{"id":"1","type":"create_group","name":"Book club","join_policy":"secret"}"#,
        ),
        text(
            "unknown_body_kind",
            Both,
            format!(
                r#"{{"id":"1","type":"send_message","conversation_id":"{CONV_ID}","client_msg_id":"k1","body":{{"kind":"video","file_id":"f1"}}}}"#
            ),
        ),
        // serde's message names the Rust type (`NewMessageBody`); renaming it changes the wire.
        text(
            "body_not_an_object",
            Both,
            format!(
                r#"{{"id":"1","type":"send_message","conversation_id":"{CONV_ID}","client_msg_id":"k1","body":"hi"}}"#
            ),
        ),
        text(
            "duplicate_field",
            Both,
            r#"{"id":"1","type":"hello","protocol":1,"protocol":2}"#,
        ),
        text(
            "id_wrong_json_type",
            Both,
            r#"{"id":"1","type":"get_profile","user_id":42}"#,
        ),
        Case {
            name: "binary_frame",
            on: Both,
            input: Message::binary(br#"{"id":"1","type":"list_contacts"}"#.to_vec()),
        },
        // Well-formed frames the connection's state or the values refuse.
        text(
            "not_authenticated",
            Anonymous,
            r#"{"id":"1","type":"list_contacts"}"#,
        ),
        text(
            "unsupported_version",
            Both,
            r#"{"id":"1","type":"hello","protocol":99}"#,
        ),
        text(
            "invalid_session",
            Anonymous,
            r#"{"id":"1","type":"resume","token":"not a token"}"#,
        ),
        text(
            "already_authenticated",
            Authenticated,
            r#"{"id":"1","type":"login","username":"alice","password":"password-alice"}"#,
        ),
        // A malformed id (not 1-64 ASCII letters, digits, `-`, `_`) fails to decode, so the whole
        // request is `malformed_frame`, as for any field of the wrong shape (PROTOCOL.md, changes).
        text(
            "malformed_user_id",
            Authenticated,
            r#"{"id":"1","type":"get_profile","user_id":"../../etc/passwd"}"#,
        ),
        text(
            "malformed_conversation_id",
            Authenticated,
            r#"{"id":"1","type":"history","conversation_id":""}"#,
        ),
        text(
            "self_target",
            Authenticated,
            format!(r#"{{"id":"1","type":"friend_request","user_id":"{me}"}}"#),
        ),
        text(
            "client_msg_id_too_long",
            Authenticated,
            format!(
                r#"{{"id":"1","type":"send_message","conversation_id":"{CONV_ID}","client_msg_id":"{long_id}","body":{{"kind":"text","text":"hi"}}}}"#
            ),
        ),
        text(
            "search_too_short",
            Authenticated,
            r#"{"id":"1","type":"search_users","query":"a"}"#,
        ),
    ]
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/errors")
}

/// Compare `reply` with the golden file `name` (or, with `LIAO_BLESS`, create it if missing).
fn check(name: &str, reply: &str) -> Result<(), String> {
    // The server's reply is itself in the canonical encoding.
    let frame: ServerFrame =
        serde_json::from_str(reply).map_err(|e| format!("not a server frame ({e}): {reply}"))?;
    if !matches!(frame, ServerFrame::Error { .. }) {
        return Err(format!("not an error frame: {reply}"));
    }
    let again = serde_json::to_string(&frame).expect("encodes");
    if again != reply {
        return Err(format!(
            "not in the canonical encoding:\n  sent:      {reply}\n  canonical: {again}"
        ));
    }
    let path = golden_dir().join(format!("{name}.json"));
    let Ok(golden) = std::fs::read_to_string(&path) else {
        if std::env::var_os("LIAO_BLESS").is_some() {
            std::fs::create_dir_all(golden_dir()).map_err(|e| e.to_string())?;
            return std::fs::write(&path, format!("{reply}\n")).map_err(|e| e.to_string());
        }
        return Err(format!(
            "no golden file; create it with `LIAO_BLESS=1 cargo test -p liao-server --test golden_errors`:\n  {reply}"
        ));
    };
    match golden.strip_suffix('\n') {
        Some(golden) if golden == reply => Ok(()),
        Some(golden) if !golden.ends_with(['\n', '\r']) => Err(format!(
            "the reply differs from the golden file (which is never rewritten):\n  file:  {golden}\n  reply: {reply}"
        )),
        _ => Err("the golden file must end with exactly one \\n (and no \\r)".into()),
    }
}

async fn open(server: &TestServer) -> Ws {
    let (tls, _) = tls_connect(server.addr).await;
    let url = format!("wss://127.0.0.1:{}/ws", server.addr.port());
    let (ws, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("WebSocket upgrade");
    ws
}

/// The next text frame (pings and pongs skipped).
async fn next_text(ws: &mut Ws) -> Result<String, String> {
    loop {
        match tokio::time::timeout(WAIT, ws.next()).await {
            Err(_) => return Err("no reply in time".into()),
            Ok(Some(Ok(Message::Text(text)))) => return Ok(text.to_string()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(other) => return Err(format!("connection ended: {other:?}")),
        }
    }
}

async fn reply_to(ws: &mut Ws, input: Message) -> Result<String, String> {
    ws.send(input).await.map_err(|e| format!("send: {e}"))?;
    next_text(ws).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_gets_the_golden_error_reply() {
    let server = TestServer::start(Db::Sqlite).await;
    let alice = server.register("alice").await;
    let mut anonymous = open(&server).await;
    let mut authenticated = open(&server).await;
    let resumed = reply_to(
        &mut authenticated,
        Message::text(format!(
            r#"{{"id":"auth","type":"resume","token":"{}"}}"#,
            alice.token
        )),
    )
    .await
    .expect("resume");
    assert!(
        resumed.starts_with(r#"{"type":"ok","id":"auth","#),
        "{resumed}"
    );

    let mut failures = Vec::new();
    let cases = cases(alice.id.as_str());
    let mut names = std::collections::BTreeSet::new();
    for case in &cases {
        assert!(names.insert(case.name), "two cases are named {}", case.name);
        let connections: &mut [(&str, &mut Ws)] = match case.on {
            On::Anonymous => &mut [("before authentication", &mut anonymous)],
            On::Authenticated => &mut [("after authentication", &mut authenticated)],
            On::Both => &mut [
                ("before authentication", &mut anonymous),
                ("after authentication", &mut authenticated),
            ],
        };
        for (when, ws) in connections.iter_mut() {
            let result = match reply_to(ws, case.input.clone()).await {
                Ok(reply) => check(case.name, &reply),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                failures.push(format!("{} ({when}): {e}", case.name));
            }
        }
    }

    // Last, as it ends the connection: a frame one byte over the limit gets an error, then a
    // close with 1009.
    let mut oversize = open(&server).await;
    let huge = format!(
        r#"{{"id":"1","type":"typing","conversation_id":"{}"}}"#,
        "x".repeat(limits::MAX_INBOUND_FRAME)
    );
    let huge = huge[..limits::MAX_INBOUND_FRAME + 1].to_owned();
    // The server refuses the frame from its header, so it may answer and close while the rest
    // is still being written: the send can then fail with a reset, but the reply and the close
    // were sent first and are still there to read.
    let _ = oversize.send(Message::text(huge)).await;
    match next_text(&mut oversize).await {
        Ok(reply) => {
            if let Err(e) = check("frame_too_large", &reply) {
                failures.push(format!("frame_too_large: {e}"));
            }
        }
        Err(e) => failures.push(format!("frame_too_large: {e}")),
    }
    match tokio::time::timeout(WAIT, oversize.next()).await {
        Ok(Some(Ok(Message::Close(Some(close))))) => assert_eq!(u16::from(close.code), 1009),
        other => failures.push(format!("frame_too_large: no close 1009 but {other:?}")),
    }
    names.insert("frame_too_large");

    // A golden file without a case would silently stop being checked.
    for entry in std::fs::read_dir(golden_dir()).expect("golden directory") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if path.extension().is_none_or(|e| e != "json") || !names.contains(name) {
            failures.push(format!("{}: a golden file without a case", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} error repl(ies) differ from their golden files:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    server.stop().await;
}
