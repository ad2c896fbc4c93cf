import { create } from "zustand";

export type Tab = "chats" | "contacts" | "groups";

interface UiStore {
  tab: Tab;
  /** The group side panel is open in the chat view. */
  groupPanel: boolean;
  switcher: boolean;
  /** The image open in the lightbox. */
  lightbox: { conversationId: string; fileId: string } | null;
  set(p: Partial<Omit<UiStore, "set">>): void;
}

export const useUi = create<UiStore>((set) => ({
  tab: "chats",
  groupPanel: false,
  switcher: false,
  lightbox: null,
  set: (p) => set(p),
}));
