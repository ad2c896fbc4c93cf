import { create } from "zustand";
import type { Profile } from "../protocol/types";

/** Every profile the client has seen, for names of senders, members and system entries. */
interface DirectoryStore {
  profiles: Record<string, Profile>;
  add(ps: Profile[]): void;
}

export const useDirectory = create<DirectoryStore>((set) => ({
  profiles: {},
  add: (ps) =>
    set((s) => {
      let changed = false;
      const profiles = { ...s.profiles };
      for (const p of ps) {
        const old = profiles[p.user_id];
        if (!old || old.display_name !== p.display_name || old.username !== p.username || old.avatar !== p.avatar) {
          profiles[p.user_id] = p;
          changed = true;
        }
      }
      return changed ? { profiles } : s;
    }),
}));

export function displayName(id: string, fallback = "…"): string {
  return useDirectory.getState().profiles[id]?.display_name ?? fallback;
}
