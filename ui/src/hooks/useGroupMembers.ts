import { useEffect } from "react";
import { useClient } from "./useClient";
import type { MemberInfo } from "../protocol/types";
import { useConversations } from "../state/conversations";
import { useDirectory } from "../state/directory";
import { useGroups } from "../state/groups";
import { listMembers } from "../features/groups/actions";

const EMPTY: MemberInfo[] = [];

/**
 * The member list of a group (names of senders, roles for moderation, presence), loaded when the
 * group opens and reloaded after each governance entry.
 */
export function useGroupMembers(conversationId: string, enabled: boolean): MemberInfo[] {
  const client = useClient();
  const members = useGroups((s) => s.members[conversationId]) ?? EMPTY;
  // Reload after system entries only, not after every text message.
  const sysSeq = useConversations((s) => {
    const m = s.byId[conversationId]?.last_message;
    return m && m.body.kind === "system" ? m.seq : 0;
  });
  useEffect(() => {
    if (!enabled) return;
    let stale = false;
    listMembers(client, conversationId)
      .then((members) => {
        if (stale) return;
        useGroups.getState().setMembers(conversationId, members);
        useDirectory.getState().add(members.map((m) => m.profile));
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [client, conversationId, enabled, sysSeq]);
  return members;
}
