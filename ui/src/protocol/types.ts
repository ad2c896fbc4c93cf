// The protocol types the app uses: everything generated from the Rust types, plus the group models
// the generator does not emit yet (see groups-shim.d.ts).
export * from "./generated/protocol";

export type FileId = ShimFileId;
export type FileInfo = ShimFileInfo;
export type JoinPolicy = ShimJoinPolicy;
export type Role = ShimRole;
export type GroupInfo = ShimGroupInfo;
export type GroupSummary = ShimGroupSummary;
export type GroupRef = ShimGroupRef;
export type MemberInfo = ShimMemberInfo;
export type JoinRequestInfo = ShimJoinRequestInfo;
export type RemovalReason = ShimRemovalReason;
export type SystemEvent = ShimSystemEvent;
