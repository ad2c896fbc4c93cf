import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

/** Notification preferences of this device (browser profile or desktop app). */
interface PrefsStore {
  /** Do not disturb: no notifications at all (unread counts still update). */
  dnd: boolean;
  /** Show the sender's text in notifications (off: "New message" only). */
  preview: boolean;
  /** Conversations that never notify. */
  muted: Record<string, true>;
  set(p: Partial<Pick<PrefsStore, "dnd" | "preview">>): void;
  toggleMuted(conversationId: string): void;
}

export const usePrefs = create<PrefsStore>()(
  persist(
    (set) => ({
      dnd: false,
      preview: true,
      muted: {},
      set: (p) => set(p),
      toggleMuted: (id) =>
        set((s) => {
          const muted = { ...s.muted };
          if (muted[id]) delete muted[id];
          else muted[id] = true;
          return { muted };
        }),
    }),
    {
      name: "liao.prefs",
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ dnd: s.dnd, preview: s.preview, muted: s.muted }),
    },
  ),
);
