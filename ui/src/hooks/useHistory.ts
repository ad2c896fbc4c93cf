import { useCallback, useEffect, useRef } from "react";
import { useClient } from "./useClient";
import { useMessages } from "../state/messages";
import { useSession } from "../state/session";

const PAGE = 50;

/** Loads the newest page when a conversation opens and older pages on demand. */
export function useHistory(conversationId: string): () => Promise<void> {
  const client = useClient();
  const loading = useRef(false);

  const load = useCallback(
    async (older: boolean) => {
      const st = useMessages.getState();
      const cur = st.byConv[conversationId];
      if (loading.current) return;
      if (older && (!cur?.loaded || !cur.hasMore)) return;
      loading.current = true;
      try {
        const before = older ? cur?.seqs[0] : undefined;
        const r = await client.history(conversationId, before, PAGE);
        useMessages.getState().add(conversationId, r.messages);
        const first = useMessages.getState().byConv[conversationId]?.seqs[0];
        useMessages.getState().setHistoryState(conversationId, { loaded: true, hasMore: r.has_more && (first ?? 0) > 1 });
      } catch {
        // Offline or refused: an older page can be retried by scrolling; the first page is
        // retried when the connection is back (see the effect below).
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

  return useCallback(() => load(true), [load]);
}

function useMessagesLoaded(id: string): boolean {
  return useMessages((s) => s.byConv[id]?.loaded ?? false);
}
