// Generated from the Rust types in shared/src by `cargo test -p liao-shared --test typescript`
// (LIAO_BLESS=1 rewrites it). Do not edit by hand.

export const PROTOCOL_VERSION = 1;

export type UserId = string;

export type ConversationId = string;

export type MessageId = string;

export type SessionId = string;

export type ErrorCode = "malformed_frame" | "unknown_type" | "frame_too_large" | "bad_request" | "unsupported_version" | "not_authenticated" | "already_authenticated" | "auth_timeout" | "invalid_credentials" | "invalid_session" | "session_revoked" | "account_disabled" | "registration_closed" | "username_taken" | "invalid_username" | "weak_password" | "invalid_display_name" | "rate_limited" | "server_busy" | "storage_full" | "not_found" | "not_friends" | "blocked" | "already_friends" | "request_pending" | "no_request" | "self_target" | "empty_message" | "message_too_long" | "recall_window_passed" | "edit_window_passed" | "not_your_message" | "client_id_reused" | "forbidden" | "muted" | "already_member" | "owner_must_transfer" | "invite_only" | "temp_session_unavailable" | "file_too_large" | "quota_exceeded" | "unsupported_image" | "not_allowed_here" | "conflict" | "slow_consumer" | "shutting_down" | "internal";

export type ClientFrame = { id: string } & Command;

export type Command = { "type": "hello" } & Hello | { "type": "register" } & Register | { "type": "login" } & Login | { "type": "resume" } & Resume | { "type": "logout" } | { "type": "change_password" } & ChangePassword | { "type": "list_sessions" } | { "type": "revoke_session" } & RevokeSession | { "type": "update_profile" } & UpdateProfile | { "type": "set_avatar" } & SetAvatar | { "type": "get_settings" } | { "type": "update_settings" } & UpdateSettings | { "type": "get_profile" } & GetProfile | { "type": "search_users" } & SearchUsers | { "type": "friend_request" } & FriendRequest | { "type": "friend_accept" } & FriendAccept | { "type": "friend_decline" } & FriendDecline | { "type": "friend_cancel" } & FriendCancel | { "type": "friend_remove" } & FriendRemove | { "type": "block" } & Block | { "type": "unblock" } & Unblock | { "type": "list_contacts" } | { "type": "open_direct" } & OpenDirect | { "type": "list_conversations" } | { "type": "send_message" } & SendMessage | { "type": "history" } & History | { "type": "mark_read" } & MarkRead | { "type": "mark_delivered" } & MarkDelivered | { "type": "read_receipts" } & ReadReceipts | { "type": "read_by" } & ReadBy | { "type": "typing" } & Typing | { "type": "recall" } & Recall | { "type": "delete_for_me" } & DeleteForMe | { "type": "react" } & React | { "type": "edit_message" } & EditMessage | { "type": "create_group" } & CreateGroup | { "type": "search_groups" } & SearchGroups | { "type": "join_group" } & JoinGroup | { "type": "list_join_requests" } & ListJoinRequests | { "type": "decide_join" } & DecideJoin | { "type": "list_members" } & ListMembers | { "type": "update_group" } & UpdateGroup | { "type": "set_group_avatar" } & SetGroupAvatar | { "type": "add_member" } & AddMember | { "type": "remove_member" } & RemoveMember | { "type": "mute_member" } & MuteMember | { "type": "mute_all" } & MuteAll | { "type": "set_admin" } & SetAdmin | { "type": "transfer_group" } & TransferGroup | { "type": "leave_group" } & LeaveGroup | { "type": "dissolve_group" } & DissolveGroup | { "type": "open_temp" } & OpenTemp | { "type": "file_urls" } & FileUrls | { "type": "sync" } & SyncRequest;

export type Hello = { 
/**
 * The protocol version the client speaks.
 */
protocol: number, 
/**
 * Free-form client name and version, for logs.
 */
client?: string, };

export type Register = { 
/**
 * 3–32 characters: `a-z`, `0-9`, `_`, `.`, `-`; starts with a letter or digit; case-insensitive.
 */
username: string, 
/**
 * At least 8 characters.
 */
password: Password, 
/**
 * Shown instead of the username; defaults to the username.
 */
display_name?: string, 
/**
 * Device label shown in the session list ("Firefox on Linux").
 */
device?: string, };

export type Login = { 
/**
 * Username (case-insensitive).
 */
username: string, 
/**
 * Password.
 */
password: Password, 
/**
 * Device label shown in the session list.
 */
device?: string, };

export type Resume = { 
/**
 * The session token.
 */
token: string, };

export type ChangePassword = { 
/**
 * The current password.
 */
old_password: Password, 
/**
 * The new password (at least 8 characters).
 */
new_password: Password, };

export type RevokeSession = { 
/**
 * The session to revoke.
 */
session_id: SessionId, };

export type UpdateProfile = { 
/**
 * New display name (1–64 characters).
 */
display_name: string, };

export type SetAvatar = { 
/**
 * The image, or null to remove.
 */
file_id: FileId | null, };

export type UpdateSettings = { 
/**
 * Send and see read receipts in 1:1 chats (see `AccountSettings`).
 */
read_receipts?: boolean, };

export type GetProfile = { 
/**
 * The user.
 */
user_id: UserId, };

export type SearchUsers = { 
/**
 * The search text.
 */
query: string, 
/**
 * How many results to skip (paging).
 */
offset: number, 
/**
 * Page size, at most 50 (default 20).
 */
limit?: number, };

export type FriendRequest = { 
/**
 * The user to befriend.
 */
user_id: UserId, 
/**
 * Optional greeting (at most 200 characters).
 */
message?: string, };

export type FriendAccept = { 
/**
 * The requester.
 */
user_id: UserId, };

export type FriendDecline = { 
/**
 * The requester.
 */
user_id: UserId, };

export type FriendCancel = { 
/**
 * The user you asked.
 */
user_id: UserId, };

export type FriendRemove = { 
/**
 * The friend.
 */
user_id: UserId, };

export type Block = { 
/**
 * The user to block.
 */
user_id: UserId, };

export type Unblock = { 
/**
 * The blocked user.
 */
user_id: UserId, };

export type OpenDirect = { 
/**
 * The friend.
 */
user_id: UserId, };

export type SendMessage = { 
/**
 * Target conversation.
 */
conversation_id: ConversationId, 
/**
 * Client-chosen idempotency key (at most 64 bytes, unique per sender; a UUID is ideal).
 */
client_msg_id: string, 
/**
 * The content.
 */
body: NewMessageBody, 
/**
 * Reply to (quote) the entry at this seq of the same conversation: a text, file or image
 * message (recalled or not) that the sender can see.
 */
reply_to?: number, };

export type History = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Exclusive upper bound; omit for the latest messages.
 */
before_seq?: number, 
/**
 * Instead of `before_seq`: the entries around this seq (it included, if visible), about
 * half older and half newer, to jump to a quoted message or a search result.
 */
around_seq?: number, 
/**
 * Page size, at most 100 (default 50). Pages are also cut below the outbound frame limit.
 */
limit?: number, };

export type MarkRead = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The last message read.
 */
seq: number, };

export type MarkDelivered = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The last message received.
 */
seq: number, };

export type ReadReceipts = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * (Groups) Your messages to count readers of, at most 100; seqs of entries that are not your
 * own visible messages are left out of the answer. Ignored in 1:1 chats.
 */
seqs?: Array<number>, };

export type ReadBy = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * Your message's seq.
 */
seq: number, };

export type Typing = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, };

export type Recall = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The message to recall.
 */
message_id: MessageId, };

export type DeleteForMe = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The messages (each at most once).
 */
message_ids: Array<MessageId>, };

export type React = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The message's seq.
 */
seq: number, 
/**
 * One emoji (a single grapheme cluster).
 */
emoji: string, 
/**
 * Add it (`true`) or take it back (`false`).
 */
on: boolean, };

export type EditMessage = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The message's seq.
 */
seq: number, 
/**
 * The new text (the rules of `send_message`'s text).
 */
text: string, };

export type OpenTemp = { 
/**
 * The other member.
 */
user_id: UserId, 
/**
 * The shared group it comes from.
 */
via: ConversationId, };

export type FileUrls = { 
/**
 * The file.
 */
file_id: FileId, };

export type SyncRequest = { 
/**
 * The last user-event `seq` you have processed (0 for none).
 */
events_after: number, 
/**
 * The last message `seq` you have per conversation.
 */
conversations: Array<ConversationCursor>, };

export type CreateGroup = { 
/**
 * Group name, 1–64 characters.
 */
name: string, 
/**
 * Description, up to 500 characters (may be empty; default empty).
 */
description: string, 
/**
 * How people get in.
 */
join_policy: JoinPolicy, 
/**
 * Whether search finds the group (default true).
 */
searchable: boolean, 
/**
 * Whether members may open temporary sessions with each other through the group (default
 * true).
 */
allow_temp_sessions: boolean, };

export type SearchGroups = { 
/**
 * Name fragment or group number.
 */
query: string, 
/**
 * How many results to skip.
 */
offset: number, 
/**
 * Page size, at most 50 (default 20).
 */
limit?: number, };

export type JoinGroup = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * For approval groups: a note to the admins (at most 200 characters).
 */
message?: string, };

export type ListJoinRequests = { 
/**
 * The group.
 */
conversation_id: ConversationId, };

export type DecideJoin = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The requester.
 */
user_id: UserId, 
/**
 * Approve (true) or decline (false).
 */
approve: boolean, };

export type ListMembers = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * How many to skip.
 */
offset: number, 
/**
 * Page size, at most 500 (default 200).
 */
limit?: number, };

export type UpdateGroup = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * New name.
 */
name?: string, 
/**
 * New description.
 */
description?: string, 
/**
 * New join policy.
 */
join_policy?: JoinPolicy, 
/**
 * New searchability.
 */
searchable?: boolean, 
/**
 * New temporary-session setting.
 */
allow_temp_sessions?: boolean, };

export type SetGroupAvatar = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * An image you can see, or null to remove.
 */
file_id: FileId | null, };

export type AddMember = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The user to add.
 */
user_id: UserId, };

export type RemoveMember = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The member.
 */
user_id: UserId, };

export type MuteMember = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The member.
 */
user_id: UserId, 
/**
 * Duration in seconds; 0 unmutes.
 */
seconds: number, };

export type MuteAll = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * On or off.
 */
on: boolean, };

export type SetAdmin = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The member.
 */
user_id: UserId, 
/**
 * Whether they should be an admin.
 */
admin: boolean, };

export type TransferGroup = { 
/**
 * The group.
 */
conversation_id: ConversationId, 
/**
 * The new owner.
 */
user_id: UserId, };

export type LeaveGroup = { 
/**
 * The group.
 */
conversation_id: ConversationId, };

export type DissolveGroup = { 
/**
 * The group.
 */
conversation_id: ConversationId, };

export type ConversationCursor = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The last message `seq` the client has.
 */
seq: number, 
/**
 * The highest `change_seq` the client has seen in this conversation: changed messages up to
 * `seq` with a higher one are replayed as `message_changed`. Omit to replay no changes.
 */
changes_after?: number, };

export type NewMessageBody = { "kind": "text", 
/**
 * The text.
 */
text: string, 
/**
 * Members mentioned (@name) in a group; they are flagged for highlighting.
 */
mentions?: Array<UserId>, 
/**
 * @all (owner and admins only).
 */
mention_all?: boolean, } | { "kind": "file", 
/**
 * The uploaded file.
 */
file_id: FileId, } | { "kind": "image", 
/**
 * The uploaded image.
 */
file_id: FileId, } | { "kind": "forward", 
/**
 * Where the message is.
 */
conversation_id: ConversationId, 
/**
 * Its seq there.
 */
seq: number, };

export type ServerFrame = { "type": "ok", 
/**
 * The request id.
 */
id: string, 
/**
 * The result.
 */
result: Reply, } | { "type": "error", 
/**
 * The request id, when known.
 */
id?: string, 
/**
 * What went wrong (stable, machine-readable).
 */
code: ErrorCode, 
/**
 * English description for developers; clients show a translation of `code` instead.
 */
message: string, 
/**
 * For `rate_limited`, `server_busy` and `storage_full`: when to retry, in milliseconds.
 */
retry_after_ms?: number, 
/**
 * For `muted`: when your mute ends (absent while the whole group is muted).
 */
until?: number, } | { "type": "event", 
/**
 * The event.
 */
event: UserEvent, } | { "type": "message", 
/**
 * The message.
 */
message: Message, } | { "type": "message_changed", 
/**
 * The message as it is now.
 */
message: Message, } | { "type": "typing", 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Who is typing.
 */
user_id: UserId, } | { "type": "profile_changed", 
/**
 * The new profile.
 */
profile: Profile, } | { "type": "presence", 
/**
 * The friend.
 */
user_id: UserId, 
/**
 * Whether they now have at least one connection.
 */
online: boolean, } | { "type": "sync_gap", 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Its latest seq at sync time.
 */
latest_seq: number, } | { "type": "too_far_behind", 
/**
 * The current user-event seq.
 */
events_seq: number, } | { "type": "sync_done", 
/**
 * Your user-event seq now.
 */
events_seq: number, };

export type Reply = { "kind": "done" } | { "kind": "welcome", 
/**
 * The protocol version the server speaks.
 */
protocol: number, 
/**
 * Server software version.
 */
server_version: string, 
/**
 * Limits clients must respect.
 */
limits: WireLimits, } | { "kind": "session", 
/**
 * Bearer token for `resume` (and, later, HTTP requests). Keep it secret.
 */
token: string, 
/**
 * This session's id (as listed by `list_sessions`).
 */
session_id: SessionId, 
/**
 * Your own profile.
 */
user: Profile, } | { "kind": "sessions", 
/**
 * Every live session of the account.
 */
sessions: Array<SessionInfo>, } | { "kind": "profile", 
/**
 * The profile.
 */
profile: Profile, } | { "kind": "settings", 
/**
 * Your account settings as they are now.
 */
settings: AccountSettings, } | { "kind": "users", 
/**
 * Matching users' public profiles.
 */
users: Array<Profile>, 
/**
 * Offset of the next page, when there may be more.
 */
next_offset?: number, } | { "kind": "contacts", 
/**
 * Your friends.
 */
friends: Array<Friend>, 
/**
 * Requests others sent you.
 */
incoming: Array<FriendRequestInfo>, 
/**
 * Requests you sent.
 */
outgoing: Array<FriendRequestInfo>, 
/**
 * Users you blocked.
 */
blocked: Array<Profile>, 
/**
 * Your user-event seq when this snapshot was taken.
 */
events_seq: number, } | { "kind": "conversation", 
/**
 * The conversation.
 */
conversation: ConversationInfo, } | { "kind": "conversations", 
/**
 * Your conversations, most recently active first.
 */
conversations: Array<ConversationInfo>, } | { "kind": "sent", 
/**
 * The stored message.
 */
message: Message, } | { "kind": "history", 
/**
 * Messages, oldest first.
 */
messages: Array<Message>, 
/**
 * Whether older messages exist.
 */
has_more: boolean, 
/**
 * Whether newer messages exist after the page (only ever true for `around_seq`).
 */
has_newer?: boolean, } | { "kind": "read_receipts", 
/**
 * (1:1) The last of your messages that reached one of the other member's devices
 * (`mark_delivered` or `mark_read`); 0 for none.
 */
delivered_seq?: number, 
/**
 * (1:1) The other member's read marker. Left out when either of you has switched read
 * receipts off.
 */
read_seq?: number, 
/**
 * (Groups) The counts for the asked seqs that are your own messages, by ascending seq.
 */
counts?: Array<ReadCount>, } | { "kind": "read_by", 
/**
 * Those whose read marker passed the message.
 */
read: Array<UserId>, 
/**
 * Those whose read marker has not.
 */
unread: Array<UserId>, 
/**
 * How many have read it.
 */
read_count: number, 
/**
 * How many have not.
 */
unread_count: number, } | { "kind": "sync_started" } | { "kind": "groups", 
/**
 * Matching groups.
 */
groups: Array<GroupSummary>, 
/**
 * Offset of the next page, when there may be more.
 */
next_offset?: number, } | { "kind": "join_requested" } | { "kind": "file_urls", 
/**
 * The file (original, or EXIF-stripped for images).
 */
url: string, 
/**
 * The thumbnail, for images.
 */
thumbnail_url?: string, 
/**
 * When the URLs stop working (ms).
 */
expires_at: number, } | { "kind": "join_requests", 
/**
 * Pending requests, oldest first.
 */
requests: Array<JoinRequestInfo>, } | { "kind": "members", 
/**
 * Members: owner, admins, then others.
 */
members: Array<MemberInfo>, 
/**
 * Offset of the next page, when there may be more.
 */
next_offset?: number, };

export type WireLimits = { 
/**
 * Largest frame the server accepts, in bytes.
 */
max_inbound_frame: number, 
/**
 * Largest frame the server sends, in bytes.
 */
max_outbound_frame: number, 
/**
 * Longest message text, in Unicode scalar values.
 */
max_text_chars: number, 
/**
 * Longest message text, in UTF-8 bytes.
 */
max_text_bytes: number, 
/**
 * Recall window, in milliseconds.
 */
recall_window_ms: number, 
/**
 * Sustained commands per second allowed per connection.
 */
commands_per_second: number, };

export type Profile = { 
/**
 * The user.
 */
user_id: UserId, 
/**
 * Unique, lowercase login name.
 */
username: string, 
/**
 * Name shown in the UI.
 */
display_name: string, 
/**
 * Avatar image (fetch its thumbnail via `file_urls`); absent for initials.
 */
avatar?: FileId, };

export type AccountSettings = { 
/**
 * Read receipts in 1:1 chats (default on). Off, the other member no longer sees when you
 * read their messages, and you no longer see when they read yours, as in Telegram's and
 * WhatsApp's switch; "Delivered" and group read counts stay.
 */
read_receipts: boolean, };

export type ReadCount = { 
/**
 * The message.
 */
seq: number, 
/**
 * Members whose read marker passed it.
 */
read: number, 
/**
 * Members who were in the group when it was sent and still are, but you.
 */
of: number, };

export type Friend = { 
/**
 * Their profile.
 */
profile: Profile, 
/**
 * Whether they have at least one connection now.
 */
online: boolean, 
/**
 * When the friendship began.
 */
since: number, };

export type FriendRequestInfo = { 
/**
 * The other user (the requester for incoming requests, the addressee for outgoing ones).
 */
user: Profile, 
/**
 * The greeting, if any.
 */
message?: string, 
/**
 * When it was sent.
 */
sent_at: number, };

export type SessionInfo = { 
/**
 * The session.
 */
session_id: SessionId, 
/**
 * Device label given at login.
 */
device?: string, 
/**
 * When it was created.
 */
created_at: number, 
/**
 * When it last authenticated a connection.
 */
last_seen_at: number, 
/**
 * Whether this is the session of the connection asking.
 */
current: boolean, };

export type ConversationKind = "direct" | "group" | "temporary";

export type ConversationInfo = { 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Its kind.
 */
kind: ConversationKind, 
/**
 * For direct conversations and temporary sessions: the other person.
 */
peer?: Profile, 
/**
 * For groups: the group.
 */
group?: GroupInfo, 
/**
 * For temporary sessions: the group it came from.
 */
via_group?: GroupRef, 
/**
 * The newest seq in the conversation (0 when empty).
 */
last_seq: number, 
/**
 * Your read marker.
 */
read_seq: number, 
/**
 * Messages after your read marker.
 */
unread: number, 
/**
 * The newest message, for previews.
 */
last_message?: Message, };

export type Message = { 
/**
 * Server-assigned id.
 */
message_id: MessageId, 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Position in the conversation: 1, 2, 3, … with no gaps.
 */
seq: number, 
/**
 * Who sent it.
 */
sender_id: UserId, 
/**
 * The sender's idempotency key; the sender's devices use it to match their pending sends
 * (other members receive it too and may ignore it).
 */
client_msg_id?: string, 
/**
 * Server time when stored.
 */
sent_at: number, 
/**
 * The content.
 */
body: MessageBody, 
/**
 * The message this one replies to, as it is now.
 */
reply_to?: Quote, 
/**
 * For a forwarded message: who first sent its content, and when.
 */
forwarded_from?: ForwardedFrom, 
/**
 * Emoji reactions, in the order each emoji was first used.
 */
reactions?: Array<Reaction>, 
/**
 * When its text was last edited (`edit_message`); absent if never.
 */
edited_at?: number, 
/**
 * The conversation's change counter when this message last changed (a reaction, an edit);
 * absent if it never did. Of two copies of a message, the one with the higher value is newer.
 */
change_seq?: number, };

export type MessageBody = { "kind": "text", 
/**
 * The text.
 */
text: string, 
/**
 * Members mentioned.
 */
mentions?: Array<UserId>, 
/**
 * Whether everyone is mentioned (@all).
 */
mention_all?: boolean, } | { "kind": "file", 
/**
 * The file.
 */
file: FileInfo, } | { "kind": "image", 
/**
 * The image.
 */
file: FileInfo, } | { "kind": "system", 
/**
 * What happened.
 */
event: SystemEvent, } | { "kind": "recalled", 
/**
 * When it was recalled.
 */
recalled_at: number, } | { "kind": "recall", 
/**
 * The recalled message.
 */
message_id: MessageId, 
/**
 * Its seq.
 */
target_seq: number, };

export type Quote = { 
/**
 * Its seq, to jump to it (`history` with `around_seq`).
 */
seq: number, 
/**
 * Its id.
 */
message_id: MessageId, 
/**
 * Who sent it.
 */
sender_id: UserId, 
/**
 * What it shows.
 */
preview: QuotePreview, };

export type ForwardedFrom = { 
/**
 * Who first sent it.
 */
sender_id: UserId, 
/**
 * When they sent it.
 */
sent_at: number, };

export type Reaction = { 
/**
 * The emoji.
 */
emoji: string, 
/**
 * How many reacted with it.
 */
count: number, 
/**
 * Who, earliest first: all of them up to [`crate::limits::MAX_REACTORS_LISTED`].
 */
user_ids: Array<UserId>, };

export type QuotePreview = { "kind": "text", 
/**
 * The text, cut.
 */
text: string, } | { "kind": "file", 
/**
 * Its name.
 */
name: string, } | { "kind": "image" } | { "kind": "recalled" };

export type UserEvent = { 
/**
 * Position in your event stream: 1, 2, 3, … with no gaps.
 */
seq: number, 
/**
 * When it happened.
 */
at: number, 
/**
 * What happened.
 */
body: EventBody, };

export type EventBody = { "kind": "friend_request_received", 
/**
 * The request.
 */
request: FriendRequestInfo, } | { "kind": "friend_request_sent", 
/**
 * The request.
 */
request: FriendRequestInfo, } | { "kind": "friend_request_closed", 
/**
 * The other user.
 */
user_id: UserId, 
/**
 * Whether it was declined (otherwise cancelled).
 */
declined: boolean, } | { "kind": "friend_added", 
/**
 * The new friend.
 */
friend: Profile, } | { "kind": "friend_removed", 
/**
 * The former friend.
 */
user_id: UserId, } | { "kind": "blocked", 
/**
 * The blocked user.
 */
user: Profile, } | { "kind": "unblocked", 
/**
 * The user.
 */
user_id: UserId, } | { "kind": "conversation_added", 
/**
 * The conversation (as of its creation).
 */
conversation: ConversationInfo, } | { "kind": "read_marker", 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The new marker.
 */
seq: number, } | { "kind": "deleted_for_me", 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * The messages.
 */
message_ids: Array<MessageId>, } | { "kind": "conversation_removed", 
/**
 * The conversation.
 */
conversation_id: ConversationId, 
/**
 * Why.
 */
reason: RemovalReason, } | { "kind": "join_request_received", 
/**
 * The group.
 */
group: GroupRef, 
/**
 * The request.
 */
request: JoinRequestInfo, } | { "kind": "join_request_closed", 
/**
 * The group.
 */
group: GroupRef, 
/**
 * The requester.
 */
user_id: UserId, 
/**
 * Whether it was approved.
 */
approved: boolean, 
/**
 * Who decided.
 */
by: UserId, } | { "kind": "join_request_sent", 
/**
 * The group.
 */
group: GroupRef, } | { "kind": "join_request_decided", 
/**
 * The group.
 */
group: GroupRef, 
/**
 * Whether it was approved.
 */
approved: boolean, } | { "kind": "profile_updated", 
/**
 * The new profile.
 */
profile: Profile, } | { "kind": "settings_changed", 
/**
 * The settings as they are now.
 */
settings: AccountSettings, };

export type FileId = string;

export type Password = string;

export type FileInfo = { 
/**
 * The file (random, never sequential).
 */
file_id: FileId, 
/**
 * Original file name, for display and downloads only (never used as a path).
 */
name: string, 
/**
 * Size in bytes.
 */
size: number, 
/**
 * MIME type: detected from the content for images, as declared by the uploader otherwise.
 */
mime: string, 
/**
 * For images: width in pixels (after EXIF orientation).
 */
width?: number, 
/**
 * For images: height in pixels.
 */
height?: number, 
/**
 * Whether a thumbnail exists (images).
 */
thumbnail?: boolean, };

export type JoinPolicy = "open" | "approval" | "invite_only";

export type GroupSettings = { 
/**
 * Group name, 1–64 characters.
 */
name: string, 
/**
 * Description, up to 500 characters (may be empty; default empty).
 */
description: string, 
/**
 * How people get in.
 */
join_policy: JoinPolicy, 
/**
 * Whether search finds the group (default true).
 */
searchable: boolean, 
/**
 * Whether members may open temporary sessions with each other through the group (default
 * true).
 */
allow_temp_sessions: boolean, };

export type GroupSettingsPatch = { 
/**
 * New name.
 */
name?: string, 
/**
 * New description.
 */
description?: string, 
/**
 * New join policy.
 */
join_policy?: JoinPolicy, 
/**
 * New searchability.
 */
searchable?: boolean, 
/**
 * New temporary-session setting.
 */
allow_temp_sessions?: boolean, };

export type Role = "member" | "admin" | "owner";

export type GroupInfo = { 
/**
 * Short number people share to find the group.
 */
number: number, 
/**
 * Whether only the owner and admins may speak.
 */
muted_all: boolean, 
/**
 * The owner.
 */
owner_id: UserId, 
/**
 * Number of members.
 */
member_count: number, 
/**
 * Group avatar, if set.
 */
avatar?: FileId, 
/**
 * Your role.
 */
my_role: Role, 
/**
 * Until when you are muted, if you are.
 */
my_muted_until?: number, 
/**
 * Group name, 1–64 characters.
 */
name: string, 
/**
 * Description, up to 500 characters (may be empty; default empty).
 */
description: string, 
/**
 * How people get in.
 */
join_policy: JoinPolicy, 
/**
 * Whether search finds the group (default true).
 */
searchable: boolean, 
/**
 * Whether members may open temporary sessions with each other through the group (default
 * true).
 */
allow_temp_sessions: boolean, };

export type GroupSummary = { 
/**
 * The group's conversation.
 */
conversation_id: ConversationId, 
/**
 * Short number.
 */
number: number, 
/**
 * Name.
 */
name: string, 
/**
 * Description.
 */
description: string, 
/**
 * Join policy.
 */
join_policy: JoinPolicy, 
/**
 * Number of members.
 */
member_count: number, 
/**
 * Group avatar, if set.
 */
avatar?: FileId, };

export type GroupRef = { 
/**
 * The group's conversation.
 */
conversation_id: ConversationId, 
/**
 * Short number.
 */
number: number, 
/**
 * Name.
 */
name: string, };

export type MemberInfo = { 
/**
 * Their profile.
 */
profile: Profile, 
/**
 * Their role.
 */
role: Role, 
/**
 * Until when they are muted, if they are.
 */
muted_until?: number, 
/**
 * Whether they are online.
 */
online: boolean, };

export type JoinRequestInfo = { 
/**
 * Who asks.
 */
user: Profile, 
/**
 * Their message, if any.
 */
message?: string, 
/**
 * When they asked.
 */
sent_at: number, };

export type RemovalReason = "left" | "removed" | "dissolved";

export type SystemEvent = { "kind": "created", 
/**
 * Initial name.
 */
name: string, } | { "kind": "joined", 
/**
 * The new member.
 */
user: Profile, 
/**
 * Who approved or added them, if not a self-join of an open group.
 */
by?: UserId, 
/**
 * Whether `by` approved their request to join, rather than adding them.
 */
approved?: boolean, } | { "kind": "left", 
/**
 * The former member.
 */
user_id: UserId, } | { "kind": "removed", 
/**
 * The removed member.
 */
user_id: UserId, } | { "kind": "muted", 
/**
 * The muted member.
 */
user_id: UserId, 
/**
 * When the mute ends.
 */
until: number, } | { "kind": "unmuted", 
/**
 * The member.
 */
user_id: UserId, } | { "kind": "muted_all", 
/**
 * Whether it is now on.
 */
on: boolean, } | { "kind": "admin_added", 
/**
 * The new admin.
 */
user_id: UserId, } | { "kind": "admin_removed", 
/**
 * The former admin.
 */
user_id: UserId, } | { "kind": "owner_changed", 
/**
 * The new owner.
 */
user_id: UserId, } | { "kind": "updated", 
/**
 * New name.
 */
name?: string, 
/**
 * New description.
 */
description?: string, 
/**
 * New join policy.
 */
join_policy?: JoinPolicy, 
/**
 * New searchability.
 */
searchable?: boolean, 
/**
 * New temporary-session setting.
 */
allow_temp_sessions?: boolean, } | { "kind": "avatar_changed", 
/**
 * The new avatar.
 */
avatar?: FileId, } | { "kind": "dissolved" };
