//! Group helpers shared by `groups_membership.rs` and `groups_governance.rs`.

use liao_shared::command;
use liao_shared::{
    Command, ConversationId, ConversationKind, GroupSettings, JoinPolicy, MessageBody,
    NewMessageBody, Reply, Role, ServerFrame, SystemEvent, UserId,
};

use super::User;

/// A searchable group `name` owned by `owner`, with temporary sessions allowed: its id.
pub async fn create_group(owner: &User, name: &str, policy: JoinPolicy) -> ConversationId {
    let conversation = owner
        .create_group(GroupSettings {
            name: name.into(),
            description: format!("about {name}"),
            join_policy: policy,
            searchable: true,
            allow_temp_sessions: true,
        })
        .await;
    let group = conversation.group.as_ref().expect("group info");
    assert_eq!(group.my_role, Role::Owner);
    assert_eq!(conversation.kind, ConversationKind::Group);
    conversation.conversation_id
}

/// `user` joins the open group `g`.
pub async fn join(user: &User, g: &ConversationId) {
    let reply = user
        .ok(command::JoinGroup {
            conversation_id: g.clone(),
            message: None,
        })
        .await;
    assert!(matches!(reply, Reply::Conversation { .. }), "{reply:?}");
}

/// A `send_message` of `text` to `g` (for requests a test expects to fail, or sends raw).
pub fn send(g: &ConversationId, id: &str, text: &str) -> Command {
    Command::SendMessage(command::SendMessage {
        conversation_id: g.clone(),
        client_msg_id: id.into(),
        body: NewMessageBody::text(text),
        reply_to: None,
    })
}

/// The system entries of `g` among `frames`, in order.
pub fn system_events(frames: &[ServerFrame], g: &ConversationId) -> Vec<SystemEvent> {
    frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } if message.conversation_id == *g => {
                match &message.body {
                    MessageBody::System { event } => Some(event.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// The members of `g` as `user` lists them, with their roles.
pub async fn members(user: &User, g: &ConversationId) -> Vec<(UserId, Role)> {
    user.members(g)
        .await
        .into_iter()
        .map(|m| (m.profile.user_id, m.role))
        .collect()
}
