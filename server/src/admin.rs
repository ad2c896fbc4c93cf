//! Administrator subcommands: `user add|passwd|list|disable|enable` and `backup`. They open the
//! same database as the server (safe while it runs: SQLite WAL, or PostgreSQL); a running server
//! notices disabled accounts within seconds and closes their connections.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, bail};

use liao_shared::Password;

use crate::app::App;
use crate::config::{Config, StorageArgs, Tuning, UserAction};
use crate::services::canonical_username;
use crate::store::{Backend, Store};

fn read_password() -> anyhow::Result<Password> {
    eprintln!("Password (read from standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).into())
}

/// `liao-server user …`.
pub async fn user(storage: StorageArgs, action: UserAction) -> anyhow::Result<()> {
    let store = Store::open(&storage.database_url(), storage.sqlite_sync).await?;
    let app = App::new(
        Config {
            tuning: Tuning::default(),
            data_dir: storage.data_dir.clone(),
            ..Config::for_tests()
        },
        store.clone(),
    )
    .await?;
    let find = |name: &str| {
        let store = store.clone();
        let name = canonical_username(name).map_err(|e| anyhow::anyhow!("{e}"));
        async move { store.user_by_name(&name?).await?.context("no such user") }
    };
    match action {
        UserAction::Add {
            username,
            display_name,
        } => {
            let password = read_password()?;
            let name = display_name.unwrap_or_else(|| username.clone());
            let profile = app
                .accounts
                .create_account(&username, &name, password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created {} ({})", profile.username, profile.user_id);
        }
        UserAction::Passwd { username } => {
            let user = find(&username).await?;
            let password = read_password()?;
            app.accounts
                .reset_password(&user.profile.user_id, password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "password changed; all sessions of {} ended",
                user.profile.username
            );
        }
        UserAction::List => {
            for u in store.list_users().await? {
                let state = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{state}",
                    u.profile.username, u.profile.display_name, u.profile.user_id
                );
            }
        }
        UserAction::Disable { username } => {
            let user = find(&username).await?;
            store.set_disabled(&user.profile.user_id, true).await?;
            println!("disabled {}; its sessions ended", user.profile.username);
        }
        UserAction::Enable { username } => {
            let user = find(&username).await?;
            store.set_disabled(&user.profile.user_id, false).await?;
            println!("enabled {}", user.profile.username);
        }
    }
    store.close().await;
    Ok(())
}

/// `liao-server backup DIR`: a consistent copy of the database plus the data directory's other
/// files (certificates; uploaded files once they exist).
pub async fn backup(storage: StorageArgs, dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty", dir.display());
    }
    std::fs::create_dir_all(dir)?;
    let store = Store::open(&storage.database_url(), storage.sqlite_sync).await?;
    match store.backend() {
        Backend::Sqlite => {
            store.backup_sqlite(&dir.join("liao.db")).await?;
            println!("database copied to {}", dir.join("liao.db").display());
        }
        Backend::Postgres => {
            println!(
                "PostgreSQL: back the database up with\n  pg_dump --format=custom --file {}/liao.pgdump '{}'",
                dir.display(),
                storage.database_url()
            );
        }
    }
    store.close().await;
    for entry in std::fs::read_dir(&storage.data_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // The live database files are covered by the consistent copy above.
        if name.starts_with("liao.db") {
            continue;
        }
        copy_tree(&entry.path(), &dir.join(&*name))?;
    }
    println!("backup written to {}", dir.display());
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}
