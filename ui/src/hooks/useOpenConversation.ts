import { useCallback } from "react";
import { useConversations } from "../state/conversations";
import { useUi } from "../state/ui";

/** Switches to the chats tab with a conversation open. */
export function useOpenConversation(): (id: string) => void {
  return useCallback((id: string) => {
    useConversations.getState().setActive(id);
    useUi.getState().set({ tab: "chats", groupPanel: false, switcher: false });
  }, []);
}
