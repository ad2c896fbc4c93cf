//! The web UI's protocol types are generated from these Rust types. This test regenerates them
//! and fails when the committed file differs; run with `LIAO_BLESS=1` to rewrite it.

use std::path::PathBuf;

use liao_shared::*;
use ts_rs::{Config, TS};

fn generated() -> String {
    // Every integer on the wire is below 2^53 (documented in PROTOCOL.md), so `number` is exact.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        UserId::decl(&cfg),
        ConversationId::decl(&cfg),
        MessageId::decl(&cfg),
        SessionId::decl(&cfg),
        ErrorCode::decl(&cfg),
        ClientFrame::decl(&cfg),
        Command::decl(&cfg),
        command::Hello::decl(&cfg),
        command::Register::decl(&cfg),
        command::Login::decl(&cfg),
        command::Resume::decl(&cfg),
        command::ChangePassword::decl(&cfg),
        command::RevokeSession::decl(&cfg),
        command::UpdateProfile::decl(&cfg),
        command::SetAvatar::decl(&cfg),
        command::UpdateSettings::decl(&cfg),
        command::GetProfile::decl(&cfg),
        command::SearchUsers::decl(&cfg),
        command::FriendRequest::decl(&cfg),
        command::FriendAccept::decl(&cfg),
        command::FriendDecline::decl(&cfg),
        command::FriendCancel::decl(&cfg),
        command::FriendRemove::decl(&cfg),
        command::Block::decl(&cfg),
        command::Unblock::decl(&cfg),
        command::OpenDirect::decl(&cfg),
        command::SendMessage::decl(&cfg),
        command::History::decl(&cfg),
        command::MarkRead::decl(&cfg),
        command::MarkDelivered::decl(&cfg),
        command::ReadReceipts::decl(&cfg),
        command::ReadBy::decl(&cfg),
        command::Typing::decl(&cfg),
        command::Recall::decl(&cfg),
        command::DeleteForMe::decl(&cfg),
        command::React::decl(&cfg),
        command::EditMessage::decl(&cfg),
        command::OpenTemp::decl(&cfg),
        command::FileUrls::decl(&cfg),
        command::SyncRequest::decl(&cfg),
        command::CreateGroup::decl(&cfg),
        command::SearchGroups::decl(&cfg),
        command::JoinGroup::decl(&cfg),
        command::ListJoinRequests::decl(&cfg),
        command::DecideJoin::decl(&cfg),
        command::ListMembers::decl(&cfg),
        command::UpdateGroup::decl(&cfg),
        command::SetGroupAvatar::decl(&cfg),
        command::AddMember::decl(&cfg),
        command::RemoveMember::decl(&cfg),
        command::MuteMember::decl(&cfg),
        command::MuteAll::decl(&cfg),
        command::SetAdmin::decl(&cfg),
        command::TransferGroup::decl(&cfg),
        command::LeaveGroup::decl(&cfg),
        command::DissolveGroup::decl(&cfg),
        ConversationCursor::decl(&cfg),
        NewMessageBody::decl(&cfg),
        ServerFrame::decl(&cfg),
        Reply::decl(&cfg),
        WireLimits::decl(&cfg),
        Profile::decl(&cfg),
        AccountSettings::decl(&cfg),
        ReadCount::decl(&cfg),
        Friend::decl(&cfg),
        FriendRequestInfo::decl(&cfg),
        SessionInfo::decl(&cfg),
        ConversationKind::decl(&cfg),
        ConversationInfo::decl(&cfg),
        Message::decl(&cfg),
        MessageBody::decl(&cfg),
        Quote::decl(&cfg),
        ForwardedFrom::decl(&cfg),
        Reaction::decl(&cfg),
        QuotePreview::decl(&cfg),
        UserEvent::decl(&cfg),
        EventBody::decl(&cfg),
        FileId::decl(&cfg),
        Password::decl(&cfg),
        FileInfo::decl(&cfg),
        JoinPolicy::decl(&cfg),
        GroupSettings::decl(&cfg),
        GroupSettingsPatch::decl(&cfg),
        Role::decl(&cfg),
        GroupInfo::decl(&cfg),
        GroupSummary::decl(&cfg),
        GroupRef::decl(&cfg),
        MemberInfo::decl(&cfg),
        JoinRequestInfo::decl(&cfg),
        RemovalReason::decl(&cfg),
        SystemEvent::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in shared/src by `cargo test -p liao-shared --test typescript`\n\
         // (LIAO_BLESS=1 rewrites it). Do not edit by hand.\n\n",
    );
    out.push_str(&format!(
        "export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n\n"
    ));
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn typescript_types_match_the_rust_types() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/protocol/generated/protocol.ts");
    let fresh = generated();
    if std::env::var_os("LIAO_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date with shared/src; regenerate with `LIAO_BLESS=1 cargo test -p liao-shared --test typescript`",
        path.display()
    );
}
