import { create } from "zustand";

/** How long a typing indicator lasts without a refresh (the protocol suggests about 5 s). */
export const TYPING_TTL_MS = 5000;

interface TypingStore {
  /** conversation → user → expiry time (ms). */
  byConv: Record<string, Record<string, number>>;
  typing(conversationId: string, userId: string, now?: number): void;
  clear(conversationId: string, userId: string): void;
  prune(now?: number): void;
}

export const useTyping = create<TypingStore>((set) => ({
  byConv: {},
  typing: (c, u, now = Date.now()) =>
    set((s) => ({ byConv: { ...s.byConv, [c]: { ...s.byConv[c], [u]: now + TYPING_TTL_MS } } })),
  clear: (c, u) =>
    set((s) => {
      const m = s.byConv[c];
      if (!m || !(u in m)) return s;
      const n = { ...m };
      delete n[u];
      return { byConv: { ...s.byConv, [c]: n } };
    }),
  prune: (now = Date.now()) =>
    set((s) => {
      let changed = false;
      const byConv: Record<string, Record<string, number>> = {};
      for (const [c, m] of Object.entries(s.byConv)) {
        const n: Record<string, number> = {};
        for (const [u, t] of Object.entries(m)) {
          if (t > now) n[u] = t;
          else changed = true;
        }
        byConv[c] = n;
      }
      return changed ? { byConv } : s;
    }),
}));

export function typingUsers(byConv: Record<string, Record<string, number>>, conversationId: string, now = Date.now()): string[] {
  return Object.entries(byConv[conversationId] ?? {})
    .filter(([, t]) => t > now)
    .map(([u]) => u);
}
