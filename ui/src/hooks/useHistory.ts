import { useCallback, useEffect, useMemo, useRef } from "react";
import { useClient } from "./useClient";
import { namedUsers, resolveNames } from "../state/directory";
import { useMessages } from "../state/messages";
import { useSession } from "../state/session";

const PAGE = 50;

/** Most pages one jump to an old message loads (of the largest size the server gives). */
const JUMP_PAGES = 30;

export interface History {
  /** Loads the page before the oldest held entry. */
  loadOlder(): Promise<void>;
  /** Loads older pages until the entry at `seq` is held, the start is reached or loading fails. */
  loadUntil(seq: number): Promise<void>;
}

/** Loads the newest page when a conversation opens and older pages on demand. */
export function useHistory(conversationId: string): History {
  const client = useClient();
  const loading = useRef(false);

  // Whether a page was loaded.
  const load = useCallback(
    async (older: boolean, size = PAGE): Promise<boolean> => {
      const st = useMessages.getState();
      const cur = st.byConv[conversationId];
      if (loading.current) return false;
      if (older && (!cur?.loaded || !cur.hasMore)) return false;
      loading.current = true;
      try {
        const before = older ? cur?.seqs[0] : undefined;
        const r = await client.history(conversationId, before, size);
        useMessages.getState().add(conversationId, r.messages);
        resolveNames(client, r.messages.flatMap(namedUsers));
        const first = useMessages.getState().byConv[conversationId]?.seqs[0];
        useMessages.getState().setHistoryState(conversationId, { loaded: true, hasMore: r.has_more && (first ?? 0) > 1 });
        return true;
      } catch {
        // Offline or refused: an older page can be retried by scrolling; the first page is
        // retried when the connection is back (see the effect below).
        return false;
      } finally {
        loading.current = false;
      }
    },
    [client, conversationId],
  );

  const loaded = useMessagesLoaded(conversationId);
  const online = useSession((s) => s.status === "online");
  useEffect(() => {
    if (!loaded && online) void load(false);
  }, [loaded, online, load]);

  const loadOlder = useCallback(async () => void (await load(true)), [load]);
  const loadUntil = useCallback(
    async (seq: number) => {
      for (let page = 0; page < JUMP_PAGES; page++) {
        const cur = useMessages.getState().byConv[conversationId];
        if (!cur?.loaded || !cur.hasMore || (cur.seqs[0] ?? 0) <= seq) return;
        // A page being loaded by scrolling: wait for it instead of failing.
        if (loading.current) await new Promise((r) => setTimeout(r, 50));
        else if (!(await load(true, 100))) return;
      }
    },
    [conversationId, load],
  );
  return useMemo(() => ({ loadOlder, loadUntil }), [loadOlder, loadUntil]);
}

function useMessagesLoaded(id: string): boolean {
  return useMessages((s) => s.byConv[id]?.loaded ?? false);
}
