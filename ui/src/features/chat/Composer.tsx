import { useEffect, useRef, useState } from "react";
import { Avatar } from "../../components/Avatar";
import { insertMention, mentionQuery } from "./mentionQuery";
import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { useClient } from "../../hooks/useClient";
import { usePlatform } from "../../hooks/usePlatform";
import { charCount, utf8Bytes } from "../../lib/format";
import { useConversations } from "../../state/conversations";
import { useGroups } from "../../state/groups";
import { useSession } from "../../state/session";
import { editMessage, sendTyping } from "./actions";
import { useAction } from "../../hooks/useAction";
import { isSendKey } from "./composerKeys";
import { useSendFiles } from "../../hooks/useSendFiles";
import { insertAt, rememberEmoji } from "./emoji";
import { EmojiPicker } from "./EmojiPicker";

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
  const replying = useConversations((s) => s.replying[conversationId]);
  const editing = useConversations((s) => s.editing[conversationId]?.m);
  const { run } = useAction();
  const ref = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const composing = useRef(false);
  const mentionsIn = useMentions(conversationId);
  const sendFiles = useSendFiles(conversationId);
  const isGroup = useConversations((s) => s.byId[conversationId]?.kind === "group");
  const myRole = useConversations((s) => s.byId[conversationId]?.group?.my_role);
  const members = useGroups((s) => s.members[conversationId]);
  const me = useSession((s) => s.user?.user_id);
  const [caret, setCaret] = useState(0);
  const [pick, setPick] = useState(0);
  const [closedAt, setClosedAt] = useState(-1);
  const [emojiOpen, setEmojiOpen] = useState(false);
  // Where picked emoji go: the composer's selection when the picker opened, moving on with each.
  const emojiAt = useRef<[number, number]>([0, 0]);

  const mq = isGroup ? mentionQuery(text, caret) : null;
  const candidates: Array<{ id: string; name: string; sub: string }> = [];
  if (mq && closedAt !== mq.start) {
    const q = mq.query.toLowerCase();
    if (myRole && myRole !== "member" && ("all".startsWith(q) || "全体成员".startsWith(mq.query))) {
      candidates.push({ id: "@all", name: t("chat.mentionAll").slice(1), sub: "" });
    }
    for (const m of members ?? []) {
      if (m.profile.user_id === me) continue;
      if (m.profile.display_name.toLowerCase().includes(q) || m.profile.username.includes(q)) {
        candidates.push({ id: m.profile.user_id, name: m.profile.display_name, sub: `@${m.profile.username}` });
      }
      if (candidates.length >= 8) break;
    }
  }
  const pickerOpen = candidates.length > 0;
  const choose = (i: number) => {
    const c = candidates[i];
    if (!c || !mq) return;
    const r = insertMention(text, mq.start, caret, c.id === "@all" ? "all" : c.name);
    setDraft(conversationId, r.text);
    setCaret(r.caret);
    setPick(0);
    requestAnimationFrame(() => ref.current?.setSelectionRange(r.caret, r.caret));
  };

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
    if (editing) {
      const seq = editing.seq;
      void run(async () => {
        await editMessage(client, conversationId, seq, text);
        useConversations.getState().setEditing(conversationId, null);
      });
      return;
    }
    client.sendMessage(conversationId, { kind: "text", text, ...mentionsIn(text) }, replying ? { replyTo: replying.seq } : {});
    useConversations.getState().setReplying(conversationId, null);
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
      {pickerOpen && (
        <ul id={`mentions-${conversationId}`} className="mention-picker" role="listbox" aria-label={t("chat.mentionPicker")}>
          {candidates.map((c, i) => (
            <li
              key={c.id}
              id={`mention-${conversationId}-${i}`}
              role="option"
              aria-selected={i === pick}
              className={`mention-picker__item${i === pick ? " mention-picker__item--sel" : ""}`}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
            >
              {c.id === "@all" ? <span className="mention-picker__all">@</span> : <Avatar id={c.id} name={c.name} size={24} />}
              <span>{c.name}</span>
              <span className="mention-picker__sub">{c.sub}</span>
            </li>
          ))}
        </ul>
      )}
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
      <button
        type="button"
        className="composer__attach"
        aria-label={t("chat.emoji")}
        title={t("chat.emoji")}
        aria-expanded={emojiOpen}
        aria-haspopup="dialog"
        data-testid="emoji-button"
        onClick={() => {
          const el = ref.current;
          emojiAt.current = [el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length];
          setEmojiOpen((o) => !o);
        }}
      >
        <span className="composer__emoji" aria-hidden="true">
          😊
        </span>
      </button>
      {emojiOpen && (
        <EmojiPicker
          onPick={(emoji) => {
            const [start, end] = emojiAt.current;
            const next = insertAt(text, start, end, emoji);
            emojiAt.current = [next.caret, next.caret];
            rememberEmoji(emoji);
            setDraft(conversationId, next.text);
          }}
          onClose={() => {
            setEmojiOpen(false);
            const el = ref.current;
            el?.focus();
            el?.setSelectionRange(emojiAt.current[0], emojiAt.current[0]);
          }}
        />
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
        role={isGroup ? "combobox" : undefined}
        aria-expanded={isGroup ? pickerOpen : undefined}
        aria-controls={isGroup ? `mentions-${conversationId}` : undefined}
        aria-autocomplete={isGroup ? "list" : undefined}
        aria-activedescendant={pickerOpen ? `mention-${conversationId}-${pick}` : undefined}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onChange={(e) => {
          setCaret(e.target.selectionStart);
          setPick(0);
          setDraft(conversationId, e.target.value);
          const now = Date.now();
          if (e.target.value && now - lastTyping.current > TYPING_EVERY_MS) {
            lastTyping.current = now;
            sendTyping(client, conversationId).catch(() => undefined);
          }
        }}
        onPaste={(e) => {
          const files = [...e.clipboardData.files];
          if (files.length && platform.supportsFiles) {
            e.preventDefault();
            sendFiles(files);
          }
        }}
        onCompositionStart={() => (composing.current = true)}
        onCompositionEnd={() => {
          // Safari fires compositionend before the keydown of the Enter that confirmed the text.
          setTimeout(() => (composing.current = false), 0);
        }}
        onKeyDown={(e) => {
          const imeBusy = composing.current || e.nativeEvent.isComposing || e.keyCode === 229;
          if (pickerOpen && !imeBusy) {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              const n = candidates.length;
              setPick((p) => (p + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
              return;
            }
            if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
              e.preventDefault();
              choose(Math.min(pick, candidates.length - 1));
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              setClosedAt(mq?.start ?? -1);
              return;
            }
          }
          if (e.key === "Escape" && (replying || editing) && !imeBusy) {
            e.preventDefault();
            if (editing) useConversations.getState().setEditing(conversationId, null);
            else useConversations.getState().setReplying(conversationId, null);
            return;
          }
          if (isSendKey(e, imeBusy)) {
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
