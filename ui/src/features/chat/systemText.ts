import type { TFunction } from "i18next";
import type { Message, SystemEvent } from "../../protocol/types";
import { formatDateTime } from "../../lib/format";

/** The translated sentence for a group system entry. */
export function systemText(t: TFunction, lang: string, e: SystemEvent, sender: string, nameOf: (id: string) => string, myId = ""): string {
  const actor = nameOf(sender);
  // "Alice muted you", not "Alice muted You".
  const obj = nameOf;
  nameOf = (id: string) => (id === myId && id !== sender ? t("common.youObject") : obj(id));
  switch (e.kind) {
    case "created":
      return t("system.created", { actor, name: e.name });
    case "joined": {
      // The entry carries the newcomer's profile: use it when the directory does not know them yet.
      const known = nameOf(e.user.user_id);
      const user = known === "…" ? e.user.display_name : known;
      if (!e.by || e.by === e.user.user_id) return t("system.joined", { user });
      if (!e.approved) return t("system.joinedBy", { user, actor: nameOf(e.by) });
      // "approved your request", not "approved you's request".
      return e.user.user_id === myId ? t("system.joinedApprovedYou", { actor: nameOf(e.by) }) : t("system.joinedApproved", { user, actor: nameOf(e.by) });
    }
    case "left":
      return t("system.left", { user: nameOf(e.user_id) });
    case "removed":
      return t("system.removed", { actor, user: nameOf(e.user_id) });
    case "muted":
      return t("system.muted", { actor, user: nameOf(e.user_id), time: formatDateTime(e.until, lang) });
    case "unmuted":
      return t("system.unmuted", { actor, user: nameOf(e.user_id) });
    case "muted_all":
      return t(e.on ? "system.mutedAllOn" : "system.mutedAllOff", { actor });
    case "admin_added":
      return t("system.adminAdded", { actor, user: nameOf(e.user_id) });
    case "admin_removed":
      return t("system.adminRemoved", { actor, user: nameOf(e.user_id) });
    case "owner_changed":
      return t("system.ownerChanged", { actor, user: nameOf(e.user_id) });
    case "updated":
      return e.name !== undefined ? t("system.renamed", { actor, name: e.name }) : t("system.updated", { actor });
    case "avatar_changed":
      return t("system.avatarChanged", { actor });
    case "dissolved":
      return t("system.dissolved", { actor });
    default:
      return t("system.unknown");
  }
}

/** One-line preview of an entry for the conversation list and notifications. */
export function previewText(t: TFunction, lang: string, m: Message, nameOf: (id: string) => string, group: boolean, myId = ""): string {
  const b = m.body;
  switch (b.kind) {
    case "text": {
      const text = b.text.replace(/\s+/g, " ");
      return group ? `${nameOf(m.sender_id)}: ${text}` : text;
    }
    case "image":
      return group ? `${nameOf(m.sender_id)}: ${t("preview.image")}` : t("preview.image");
    case "file":
      return `${group ? `${nameOf(m.sender_id)}: ` : ""}${t("preview.file")} ${b.file.name}`;
    case "recalled":
      return t("preview.recalled");
    case "recall":
      return t("preview.recall", { name: nameOf(m.sender_id) });
    case "system":
      return systemText(t, lang, b.event, m.sender_id, nameOf, myId);
    default:
      return t("preview.unsupported");
  }
}
