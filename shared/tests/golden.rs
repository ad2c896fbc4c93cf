//! Golden frames: the exact bytes of every kind of frame on the wire, so that a refactoring of
//! the protocol types can prove the wire format did not change (issue 14).
//!
//! `tests/golden/client/` holds requests (what the server decodes); `tests/golden/server/` holds
//! what the server encodes and clients decode: `reply/` (an `ok` frame per reply kind), `error/`
//! (an `error` frame per code), `event/` (per user-event kind), `message/` (per message body and
//! system event kind), and the other pushes. Each file is one frame in the canonical encoding —
//! what `serde_json::to_string`, and so the server, writes: fields in declaration order, no
//! spaces — then one newline. The values are built in `golden_cases/` from fixed ids and times.
//! For every file this test checks, comparing bytes and never parsed JSON:
//! - encoding the value built in `golden_cases/` gives the file's bytes;
//! - decoding the file gives that value, and encoding it again gives the same bytes.
//!
//! `tests/golden/accepted/` holds requests written the way a client may write them but the
//! server never would (defaults left out, `null` for an absent field, unknown fields, another
//! field order, spaces). `accepted/NAME.WHAT.json` must decode to the request of
//! `client/NAME.json` and encode to exactly that file's bytes.
//!
//! `every_variant_has_a_golden_frame` reads each enum's variant names from serde's own "unknown
//! variant" error (as `roundtrip.rs` does) and fails when no golden frame uses one, so a new
//! command, reply, push, event, message body, system event or error code needs a golden file.
//! The error replies the real server sends for malformed input are pinned the same way in
//! `server/tests/golden_errors.rs`.
//!
//! **Golden files are never changed by a refactoring commit.** They are the wire format: a commit
//! that restructures the protocol types must pass this test with every file untouched (it may
//! rewrite `golden_cases/` to build the same values with the new types). `LIAO_BLESS=1 cargo test
//! -p liao-shared --test golden` only *creates* the files of new cases; it refuses to rewrite an
//! existing one. Changing the wire on purpose means deleting the file in a commit that says so
//! and updates PROTOCOL.md.

mod golden_cases;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use golden_cases::Frame;
use liao_shared::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("LIAO_BLESS").is_some()
}

impl Frame {
    /// The canonical encoding, as the server writes it.
    fn encode(&self) -> String {
        match self {
            Frame::Client(f) => serde_json::to_string(f),
            Frame::Server(f) => serde_json::to_string(f),
        }
        .expect("every frame encodes")
    }

    /// Decode `text` as this frame's type; it must give this value. Returns its encoding.
    fn decode_and_encode(&self, text: &str) -> Result<String, String> {
        fn same<T>(text: &str, expected: &T) -> Result<String, String>
        where
            T: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
        {
            let decoded: T =
                serde_json::from_str(text).map_err(|e| format!("does not decode: {e}"))?;
            if decoded != *expected {
                return Err(format!(
                    "decodes to\n  {decoded:?}\nnot to the case's value\n  {expected:?}"
                ));
            }
            Ok(serde_json::to_string(&decoded).expect("every frame encodes"))
        }
        match self {
            Frame::Client(f) => same(text, f),
            Frame::Server(f) => same(text, f),
        }
    }
}

/// A golden file's frame: its content without the one final newline.
fn read_golden(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
    match text.strip_suffix('\n') {
        Some(frame) if !frame.ends_with(['\n', '\r']) => Ok(frame.to_owned()),
        _ => Err("must end with exactly one \\n (and no \\r)".into()),
    }
}

/// Where two byte strings first differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let context = |s: &str| {
        let start = s.floor_char_boundary(at.saturating_sub(30));
        let end = s.ceil_char_boundary((at + 30).min(s.len()));
        format!("…{}…", &s[start..end])
    };
    format!(
        "first difference at byte {at}:\n  file:    {}\n  encoded: {}",
        context(a),
        context(b)
    )
}

/// Check one case against its file (or, when blessing, create a missing file).
fn check(name: &str, frame: &Frame) -> Result<(), String> {
    let encoded = frame.encode();
    let path = root().join(format!("{name}.json"));
    if !path.exists() {
        if blessing() {
            std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
            return std::fs::write(&path, format!("{encoded}\n")).map_err(|e| e.to_string());
        }
        return Err(format!(
            "no golden file; create it with `LIAO_BLESS=1 cargo test -p liao-shared --test golden`:\n  {encoded}"
        ));
    }
    let golden = read_golden(&path)?;
    if encoded != golden {
        let never = if blessing() {
            " (LIAO_BLESS never rewrites a golden file: see this test's header)"
        } else {
            ""
        };
        return Err(format!(
            "the encoding differs from the golden file{never}; {}",
            first_difference(&golden, &encoded)
        ));
    }
    let again = frame.decode_and_encode(&golden)?;
    if again != golden {
        return Err(format!(
            "decoding and encoding again changes the bytes; {}",
            first_difference(&golden, &again)
        ));
    }
    Ok(())
}

fn cases() -> BTreeMap<&'static str, Frame> {
    let mut cases = BTreeMap::new();
    for (name, frame) in golden_cases::all() {
        assert!(
            cases.insert(name, frame).is_none(),
            "two cases are named {name}"
        );
    }
    cases
}

#[test]
fn golden_frames_match_byte_for_byte() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|(name, frame)| check(name, frame).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} golden frame(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every `.json` file under `dir`, as its path relative to `root()` without `.json`.
fn golden_names(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            golden_names(&path, out);
        } else if let Some(name) = path
            .strip_prefix(root())
            .expect("under the root")
            .to_str()
            .and_then(|p| p.strip_suffix(".json"))
        {
            out.insert(name.replace('\\', "/"));
        } else {
            panic!("{} is not a golden file (`.json`)", path.display());
        }
    }
}

/// A golden file without a case would silently stop being checked.
#[test]
fn every_golden_file_has_a_case() {
    let cases = cases();
    let mut on_disk = BTreeSet::new();
    golden_names(&root().join("client"), &mut on_disk);
    golden_names(&root().join("server"), &mut on_disk);
    let stray: Vec<_> = on_disk
        .iter()
        .filter(|name| !cases.contains_key(name.as_str()))
        .collect();
    assert!(stray.is_empty(), "golden files without a case: {stray:?}");
}

/// Requests as clients may write them decode to the canonical request and encode to its bytes.
#[test]
fn accepted_inputs_encode_to_the_canonical_frame() {
    let cases = cases();
    let mut names = BTreeSet::new();
    golden_names(&root().join("accepted"), &mut names);
    assert!(names.len() >= 10, "accepted inputs are missing: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let file = name.strip_prefix("accepted/").expect("under accepted/");
        let (canonical, _what) = file
            .split_once('.')
            .unwrap_or_else(|| panic!("{name}: name it accepted/<client case>.<what>.json"));
        let canonical = format!("client/{canonical}");
        let Some(frame) = cases.get(canonical.as_str()) else {
            failures.push(format!("{name}: there is no case {canonical}"));
            continue;
        };
        let input = std::fs::read_to_string(root().join(format!("{name}.json"))).expect("read");
        let golden = read_golden(&root().join(format!("{canonical}.json"))).expect("read");
        if input.trim_end() == golden {
            failures.push(format!("{name}: is the canonical encoding itself"));
            continue;
        }
        match frame.decode_and_encode(&input) {
            Ok(encoded) if encoded == golden => {}
            Ok(encoded) => failures.push(format!(
                "{name}: encodes differently from {canonical}; {}",
                first_difference(&golden, &encoded)
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---- coverage -----------------------------------------------------------------------------------

/// The wire names of a serde enum, from the error serde gives for an unknown one: "unknown
/// variant `…`, expected one of `a`, `b`, …" (the same probe as `roundtrip.rs`).
fn wire_names<T: DeserializeOwned>(probe: Value) -> BTreeSet<String> {
    let error = match serde_json::from_value::<T>(probe) {
        Ok(_) => panic!("the probe decoded"),
        Err(e) => e.to_string(),
    };
    let (_, expected) = error
        .split_once("expected")
        .unwrap_or_else(|| panic!("no variant list in {error:?}"));
    let names: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "no variant list in {error:?}");
    names
}

/// A name no variant has.
const UNKNOWN: &str = "\u{1}no such variant";

/// Every JSON object in `value`, nested ones included.
fn objects<'a>(value: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match value {
        Value::Object(map) => {
            out.push(map);
            map.values().for_each(|v| objects(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| objects(v, out)),
        _ => {}
    }
}

#[test]
fn every_variant_has_a_golden_frame() {
    let cases = cases();
    let client: Vec<Value> = cases
        .values()
        .filter(|f| matches!(f, Frame::Client(_)))
        .map(|f| serde_json::from_str(&f.encode()).expect("JSON"))
        .collect();
    let server: Vec<Value> = cases
        .values()
        .filter(|f| matches!(f, Frame::Server(_)))
        .map(|f| serde_json::from_str(&f.encode()).expect("JSON"))
        .collect();

    // The string at `path` in each frame that has one.
    let used = |frames: &[Value], path: &[&str]| -> BTreeSet<String> {
        frames
            .iter()
            .filter_map(|f| path.iter().try_fold(f, |v, key| v.get(key)))
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    // The strings under `keys` in any object of any frame.
    let all: Vec<&Value> = client.iter().chain(&server).collect();
    let mut every_object = Vec::new();
    all.iter().for_each(|f| objects(f, &mut every_object));
    let under = |keys: &[&str], filter: &dyn Fn(&serde_json::Map<String, Value>) -> bool| {
        every_object
            .iter()
            .filter(|o| filter(o))
            .flat_map(|o| keys.iter().filter_map(|k| o.get(*k)?.as_str()))
            .map(str::to_owned)
            .collect::<BTreeSet<String>>()
    };
    let of_type =
        |t: &str| -> Vec<Value> { server.iter().filter(|f| f["type"] == t).cloned().collect() };
    let system_messages: Vec<Value> = of_type("message")
        .into_iter()
        .filter(|f| f["message"]["body"]["kind"] == "system")
        .collect();
    let sends: Vec<Value> = client
        .iter()
        .filter(|f| f["type"] == "send_message")
        .cloned()
        .collect();
    let any = |_: &serde_json::Map<String, Value>| true;

    let checks: Vec<(&str, BTreeSet<String>, BTreeSet<String>)> = vec![
        (
            "Command (client/)",
            wire_names::<Command>(json!({ "type": UNKNOWN })),
            used(&client, &["type"]),
        ),
        (
            "NewMessageBody (client/send_message*)",
            wire_names::<NewMessageBody>(json!({ "kind": UNKNOWN })),
            used(&sends, &["body", "kind"]),
        ),
        (
            "ServerFrame (server/)",
            wire_names::<ServerFrame>(json!({ "type": UNKNOWN })),
            used(&server, &["type"]),
        ),
        (
            "Reply (server/reply/)",
            wire_names::<Reply>(json!({ "kind": UNKNOWN })),
            used(&of_type("ok"), &["result", "kind"]),
        ),
        (
            "ErrorCode (server/error/)",
            wire_names::<ErrorCode>(json!(UNKNOWN)),
            used(&of_type("error"), &["code"]),
        ),
        (
            "EventBody (server/event/)",
            wire_names::<EventBody>(json!({ "kind": UNKNOWN })),
            used(&of_type("event"), &["event", "body", "kind"]),
        ),
        (
            "MessageBody (server/message/)",
            wire_names::<MessageBody>(json!({ "kind": UNKNOWN })),
            used(&of_type("message"), &["message", "body", "kind"]),
        ),
        (
            "SystemEvent (server/message/system_*)",
            wire_names::<SystemEvent>(json!({ "kind": UNKNOWN })),
            used(&system_messages, &["message", "body", "event", "kind"]),
        ),
        (
            "JoinPolicy",
            wire_names::<JoinPolicy>(json!(UNKNOWN)),
            under(&["join_policy"], &any),
        ),
        (
            "Role",
            wire_names::<Role>(json!(UNKNOWN)),
            under(&["role", "my_role"], &any),
        ),
        (
            "RemovalReason",
            wire_names::<RemovalReason>(json!(UNKNOWN)),
            under(&["reason"], &any),
        ),
        (
            "ConversationKind",
            wire_names::<ConversationKind>(json!(UNKNOWN)),
            // A conversation is the object with a `last_seq`.
            under(&["kind"], &|o| o.contains_key("last_seq")),
        ),
    ];
    let missing: Vec<String> = checks
        .into_iter()
        .filter_map(|(what, expected, used)| {
            let missing: Vec<_> = expected.difference(&used).collect();
            (!missing.is_empty()).then(|| format!("{what}: no golden frame has {missing:?}"))
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
