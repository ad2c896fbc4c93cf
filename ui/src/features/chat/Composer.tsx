import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { useClient } from "../../hooks/useClient";
import { usePlatform } from "../../hooks/usePlatform";
import { charCount, utf8Bytes } from "../../lib/format";
import { useConversations } from "../../state/conversations";
import { useGroups } from "../../state/groups";
import { useSession } from "../../state/session";
import { isSendKey } from "./composerKeys";
import { useSendFiles } from "../../hooks/useSendFiles";

const TYPING_EVERY_MS = 3000;

/** Members named as "@Display Name" in a group message, and "@all" for owners and admins. */
function useMentions(conversationId: string): (text: string) => { mentions?: string[]; mention_all?: boolean } {
  const group = useConversations((s) => s.byId[conversationId]?.group);
  const members = useGroups((s) => s.members[conversationId]);
  const me = useSession((s) => s.user?.user_id);
  return (text: string) => {
    if (!group || !text.includes("@")) return {};
    const mentions = (members ?? [])
      .filter((m) => m.profile.user_id !== me && text.includes(`@${m.profile.display_name}`))
      .map((m) => m.profile.user_id)
      .slice(0, 50);
    const mention_all = group.my_role !== "member" && /@(all|全体成员)(\s|$)/.test(text);
    return { ...(mentions.length ? { mentions } : {}), ...(mention_all ? { mention_all } : {}) };
  };
}

export function Composer({ conversationId, title, onSent }: { conversationId: string; title: string; onSent(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const platform = usePlatform();
  const limits = useSession((s) => s.limits);
  const text = useConversations((s) => s.drafts[conversationId] ?? "");
  const setDraft = useConversations((s) => s.setDraft);
  const ref = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const mentionsIn = useMentions(conversationId);
  const sendFiles = useSendFiles(conversationId);
  const isGroup = useConversations((s) => s.byId[conversationId]?.kind === "group");

  useEffect(() => {
    ref.current?.focus();
  }, [conversationId]);

  // Grow with the text up to a limit.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }, [text]);

  const chars = charCount(text);
  const over = chars - limits.max_text_chars;
  const tooLong = over > 0 || utf8Bytes(text) > limits.max_text_bytes;
  const empty = text.trim().length === 0;

  const send = () => {
    if (empty || tooLong) return;
    client.sendMessage(conversationId, { kind: "text", text, ...mentionsIn(text) });
    setDraft(conversationId, "");
    lastTyping.current = 0;
    onSent();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {platform.supportsFiles && (
        <button
          type="button"
          className="composer__attach"
          aria-label={isGroup ? t("chat.attachImage") : t("chat.attach")}
          title={isGroup ? t("chat.attachImage") : t("chat.attach")}
          onClick={() => void platform.pickFiles(isGroup ? "image/png,image/jpeg,image/gif,image/webp" : undefined).then(sendFiles)}
          data-testid="attach"
        >
          <Icon name="attach" size={20} />
        </button>
      )}
      <label className="visually-hidden" htmlFor={`composer-${conversationId}`}>
        {t("chat.composerLabel")}
      </label>
      <textarea
        id={`composer-${conversationId}`}
        ref={ref}
        className="composer__input"
        rows={1}
        value={text}
        placeholder={t("chat.placeholder", { name: title })}
        aria-describedby={`composer-hint-${conversationId}`}
        data-testid="composer"
        onChange={(e) => {
          setDraft(conversationId, e.target.value);
          const now = Date.now();
          if (e.target.value && now - lastTyping.current > TYPING_EVERY_MS) {
            lastTyping.current = now;
            client.request({ type: "typing", conversation_id: conversationId }, "done").catch(() => undefined);
          }
        }}
        onPaste={(e) => {
          const files = [...e.clipboardData.files];
          if (files.length && platform.supportsFiles) {
            e.preventDefault();
            sendFiles(files);
          }
        }}
        onKeyDown={(e) => {
          if (isSendKey(e)) {
            e.preventDefault();
            send();
          }
        }}
      />
      <span id={`composer-hint-${conversationId}`} className="visually-hidden">
        {t("chat.newlineHint")}
      </span>
      {chars > limits.max_text_chars * 0.8 && (
        <span className={`composer__count${tooLong ? " composer__count--over" : ""}`} aria-live="polite">
          {tooLong ? t("chat.tooLong", { count: Math.max(over, 1) }) : t("chat.charsLeft", { count: -over })}
        </span>
      )}
      <button type="submit" className="composer__send" disabled={empty || tooLong} aria-label={t("chat.send")} title={t("chat.newlineHint")}>
        <Icon name="send" size={18} />
        <span className="composer__send-label">{t("chat.send")}</span>
      </button>
    </form>
  );
}
