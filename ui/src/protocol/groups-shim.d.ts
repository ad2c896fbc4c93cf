// TODO(protocol): the generated protocol.ts references the group models of shared/src/groups.rs
// (and FileId / FileInfo of ids.rs and protocol.rs) but
// does not define them yet. These global declarations mirror groups.rs so the generated file type
// checks; delete this file once the generator emits them (types.ts then takes them from there).

type ShimFileId = string;
type ShimFileInfo = {
  file_id: ShimFileId;
  name: string;
  size: number;
  mime: string;
  width?: number;
  height?: number;
  thumbnail?: boolean;
};
type ShimJoinPolicy = "open" | "approval" | "invite_only";
type ShimRole = "member" | "admin" | "owner";
type ShimProfile = import("./generated/protocol").Profile;
type ShimGroupInfo = {
  number: number;
  name: string;
  description: string;
  join_policy: ShimJoinPolicy;
  searchable: boolean;
  allow_temp_sessions: boolean;
  muted_all: boolean;
  owner_id: string;
  member_count: number;
  avatar?: ShimFileId;
  my_role: ShimRole;
  my_muted_until?: number;
};
type ShimGroupSummary = {
  conversation_id: string;
  number: number;
  name: string;
  description: string;
  join_policy: ShimJoinPolicy;
  member_count: number;
  avatar?: ShimFileId;
};
type ShimGroupRef = { conversation_id: string; number: number; name: string };
type ShimMemberInfo = { profile: ShimProfile; role: ShimRole; muted_until?: number; online: boolean };
type ShimJoinRequestInfo = { user: ShimProfile; message?: string; sent_at: number };
type ShimRemovalReason = "left" | "removed" | "dissolved";
type ShimSystemEvent =
  | { kind: "created"; name: string }
  | { kind: "joined"; user: ShimProfile; by?: string }
  | { kind: "left"; user_id: string }
  | { kind: "removed"; user_id: string }
  | { kind: "muted"; user_id: string; until: number }
  | { kind: "unmuted"; user_id: string }
  | { kind: "muted_all"; on: boolean }
  | { kind: "admin_added"; user_id: string }
  | { kind: "admin_removed"; user_id: string }
  | { kind: "owner_changed"; user_id: string }
  | {
      kind: "updated";
      name?: string;
      description?: string;
      join_policy?: ShimJoinPolicy;
      searchable?: boolean;
      allow_temp_sessions?: boolean;
    }
  | { kind: "avatar_changed"; avatar?: ShimFileId }
  | { kind: "dissolved" };

type FileId = ShimFileId;
type FileInfo = ShimFileInfo;
type JoinPolicy = ShimJoinPolicy;
type Role = ShimRole;
type GroupInfo = ShimGroupInfo;
type GroupSummary = ShimGroupSummary;
type GroupRef = ShimGroupRef;
type MemberInfo = ShimMemberInfo;
type JoinRequestInfo = ShimJoinRequestInfo;
type RemovalReason = ShimRemovalReason;
type SystemEvent = ShimSystemEvent;
