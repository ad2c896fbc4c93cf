//! `liao-server`: parse the command line and hand over to the library.

use clap::Parser;
use liao_server::config::{Cli, CliCommand};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LIAO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    // The one crypto provider, installed explicitly so no other can be picked at run time.
    rustls::crypto::ring::default_provider()
        .install_default()
        .map_err(|_| anyhow::anyhow!("a rustls crypto provider was already installed"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(async {
            match cli.command {
                CliCommand::Serve(args) => liao_server::serve(*args).await,
                CliCommand::User { storage, action } => {
                    liao_server::admin::user(storage, action).await
                }
                CliCommand::Backup { storage, dir } => {
                    liao_server::admin::backup(storage, &dir).await
                }
            }
        })
        .map_err(|e| {
            eprintln!("liao-server: {e:#}");
            e
        })
}
