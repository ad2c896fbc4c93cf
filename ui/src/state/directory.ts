import { create } from "zustand";
import type { Requester } from "../protocol/client";
import type { Message, Profile } from "../protocol/types";

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

/** The users a message names: its sender, the member a system entry is about (and who approved or
 *  added them), whom it quotes and whom it was forwarded from. */
export function namedUsers(m: Message): string[] {
  const ids = [m.sender_id];
  if (m.body.kind === "system") {
    const e = m.body.event;
    if ("user_id" in e) ids.push(e.user_id);
    if (e.kind === "joined" && e.by) ids.push(e.by);
  }
  if (m.reply_to) ids.push(m.reply_to.sender_id);
  if (m.forwarded_from) ids.push(m.forwarded_from.sender_id);
  return ids;
}

/** How many profiles are fetched at once (each is a `get_profile`, under the command rate). */
const RESOLVE_AT_ONCE = 4;

/** Fetches the profiles the directory lacks, so names show as soon as what names them does (a
 *  reloaded group's system lines and previews, not "…" until its members are loaded). Each id is
 *  asked once; a few at a time. */
export function nameResolver(client: Requester): (ids: string[]) => void {
  const asked = new Set<string>();
  const queue: string[] = [];
  let running = 0;
  const next = () => {
    while (running < RESOLVE_AT_ONCE && queue.length > 0) {
      const id = queue.shift() as string;
      if (useDirectory.getState().profiles[id]) continue;
      running++;
      client
        .request({ type: "get_profile", user_id: id }, "profile")
        .then(
          (r) => useDirectory.getState().add([r.profile]),
          () => undefined,
        )
        .finally(() => {
          running--;
          next();
        });
    }
  };
  return (ids) => {
    const known = useDirectory.getState().profiles;
    for (const id of ids) {
      if (!id || known[id] || asked.has(id)) continue;
      asked.add(id);
      queue.push(id);
    }
    next();
  };
}

const resolvers = new WeakMap<Requester, (ids: string[]) => void>();

/** `nameResolver` for `client`, one per client. */
export function resolveNames(client: Requester, ids: string[]): void {
  let resolve = resolvers.get(client);
  if (!resolve) {
    resolve = nameResolver(client);
    resolvers.set(client, resolve);
  }
  resolve(ids);
}
