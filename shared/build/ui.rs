//! The one owner of the web UI's production build, shared by the server's and the desktop app's
//! build scripts (`#[path]`-included: a build script cannot depend on a workspace crate for
//! this). It installs the npm packages when they are missing or older than the lock file, builds
//! the UI with Vite into a scratch folder, and then brings `ui/dist` up to date file by file,
//! rewriting only files whose bytes changed and removing files Vite no longer produces.
//!
//! Why file by file: the server embeds `ui/dist` (rust-embed) and the desktop app bundles it
//! (Tauri), and cargo rebuilds whatever embeds a file whose modification time changed. A build
//! that rewrote identical files would make every later build a rebuild; this way a build with
//! nothing changed is a no-op.
//!
//! Both build scripts may run at once (one `cargo build --workspace`): everything happens under a
//! file lock, and the second one finds `ui/dist` already current.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The UI's inputs: a build script prints these as `rerun-if-changed`.
pub const INPUTS: &[&str] = &[
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

/// Print `cargo:rerun-if-changed` for every UI input.
pub fn rerun_if_changed() {
    for path in INPUTS {
        println!("cargo:rerun-if-changed=../ui/{path}");
    }
}

/// Build the UI in `ui` into `ui/dist` (see the module documentation).
pub fn build(ui: &Path) {
    let guard = std::fs::File::create(ui.join(".build.lock")).expect("creating ui/.build.lock");
    guard.lock().expect("locking ui/.build.lock");
    ensure_installed(ui);
    // The other build script may have built these very inputs a moment ago.
    let stamp = ui.join(".build-stamp");
    let inputs = fingerprint(ui);
    if ui.join("dist/index.html").exists()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(inputs.as_str())
    {
        return;
    }
    let scratch = ui.join(format!(".build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let npx = if cfg!(windows) { "npx.cmd" } else { "npx" };
    let status = Command::new(npx)
        .args([
            "vite",
            "build",
            "--emptyOutDir",
            "--logLevel",
            "warn",
            "--outDir",
        ])
        .arg(&scratch)
        .current_dir(ui)
        .status()
        .unwrap_or_else(|e| panic!("could not run npx vite (is Node.js installed?): {e}"));
    assert!(status.success(), "vite build in ui/ failed: {status}");
    sync(&scratch, &ui.join("dist")).expect("updating ui/dist");
    std::fs::remove_dir_all(&scratch).expect("removing the scratch build");
    std::fs::write(&stamp, inputs).expect("writing ui/.build-stamp");
}

/// The inputs' state: every input file with its size and modification time.
fn fingerprint(ui: &Path) -> String {
    let mut out = String::new();
    for input in INPUTS {
        let path = ui.join(input);
        let list = if path.is_dir() {
            files(&path)
                .unwrap_or_default()
                .into_iter()
                .map(|rel| path.join(rel))
                .collect()
        } else {
            vec![path]
        };
        for file in list {
            if let Ok(meta) = std::fs::metadata(&file) {
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                out.push_str(&format!("{} {} {modified}\n", file.display(), meta.len()));
            }
        }
    }
    out
}

/// Make `dest` hold exactly the files of `src`, writing only those whose bytes differ.
fn sync(src: &Path, dest: &Path) -> std::io::Result<()> {
    let wanted = files(src)?;
    for rel in &wanted {
        let from = src.join(rel);
        let to = dest.join(rel);
        let bytes = std::fs::read(&from)?;
        if std::fs::read(&to).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&to, &bytes)?;
        }
    }
    if dest.exists() {
        for rel in files(dest)? {
            if !wanted.contains(&rel) {
                std::fs::remove_file(dest.join(&rel))?;
            }
        }
    }
    Ok(())
}

/// Every file under `root`, relative to it.
fn files(root: &Path) -> std::io::Result<BTreeSet<PathBuf>> {
    let mut out = BTreeSet::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                dirs.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.insert(rel.to_path_buf());
            }
        }
    }
    Ok(out)
}

/// Run `npm ci` in `ui` unless `node_modules` is up to date with the lock file.
fn ensure_installed(ui: &Path) {
    // npm records the installed tree in node_modules/.package-lock.json.
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match (
        modified(&ui.join("package-lock.json")),
        modified(&ui.join("node_modules/.package-lock.json")),
    ) {
        (Some(lock), Some(installed)) => lock > installed,
        _ => true,
    };
    if stale {
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        let status = Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(ui)
            .status()
            .unwrap_or_else(|e| {
                panic!("the web UI needs Node.js and npm to build ({e}); install them and retry")
            });
        assert!(status.success(), "npm ci in ui/ failed");
    }
}
