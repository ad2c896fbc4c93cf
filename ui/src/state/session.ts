import { create } from "zustand";
import type { ConnectionStatus } from "../protocol/client";
import type { Profile, WireLimits } from "../protocol/types";

export const DEFAULT_LIMITS: WireLimits = {
  max_inbound_frame: 65536,
  max_outbound_frame: 262144,
  max_text_chars: 4000,
  max_text_bytes: 16384,
  recall_window_ms: 120000,
  commands_per_second: 20,
};

interface SessionStore {
  user: Profile | null;
  status: ConnectionStatus;
  limits: WireLimits;
  /** Set when the server ended the session (revoked, disabled), to explain the login screen. */
  endedBy: string | null;
  set(p: Partial<Omit<SessionStore, "set">>): void;
}

export const useSession = create<SessionStore>((set) => ({
  user: null,
  status: "logged_out",
  limits: DEFAULT_LIMITS,
  endedBy: null,
  set: (p) => set(p),
}));
