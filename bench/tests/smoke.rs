//! Keeps the load generator compiling and working: every scenario at tiny sizes. (Benchmarks are
//! never part of the test run; this only checks that they run and report.)

use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_liao-bench"))
        .args(args)
        .output()
        .expect("run liao-bench");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn every_scenario_runs_at_tiny_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let out = run(&[
        "idle",
        "--connections",
        "20",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.contains("KB/conn"), "{out}");
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(rows.as_array().is_some_and(|r| !r.is_empty()));
    assert!(run(&["connect", "--clients", "20"]).contains("conn/s"));
    let fan = run(&[
        "fanout",
        "--members",
        "10",
        "--senders",
        "2",
        "--step-secs",
        "1",
    ]);
    assert!(fan.contains("deliv/s") && fan.contains("lost 0"), "{fan}");
    let receipts = run(&[
        "fanout",
        "--members",
        "10",
        "--senders",
        "2",
        "--step-secs",
        "1",
        "--receipts",
        "on",
    ]);
    assert!(
        receipts.contains("receipts on") && receipts.contains("mark_read"),
        "{receipts}"
    );
    let read_by = run(&["read-by", "--members", "12", "--requests", "5"]);
    assert!(read_by.contains("read_by m=12"), "{read_by}");
    assert!(run(&["dm", "--pairs", "4", "--secs", "1", "--plain"]).contains("acked/s"));
    assert!(run(&["persist", "--senders", "2", "--secs", "1"]).contains("history last 50"));
    assert!(run(&["files", "--large-mb", "5", "--concurrent", "2"]).contains("MB/s"));
    let resync = run(&["resync", "--clients", "4", "--behind", "5"]);
    assert!(resync.contains("20 of 20 messages replayed"), "{resync}");
    let flood = run(&["flood", "--connections", "4", "--idle", "20", "--secs", "1"]);
    assert!(flood.contains("victim during the flood"), "{flood}");
}
