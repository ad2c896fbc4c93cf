import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { dayLabel, formatTime } from "../../lib/format";
import type { Message, Quote } from "../../protocol/types";
import { FileCard, ImageContent } from "./FileContent";
import { linkify } from "./linkify";
import { quoteText } from "../../lib/quote";
import { systemText } from "./systemText";
import { useDirectory } from "../../state/directory";

interface Props {
  m: Message;
  myId: string;
  group: boolean;
  continued: boolean;
  dayStart: boolean;
  newDivider: boolean;
  recaller?: string;
  mentionsMe: boolean;
  /** Just jumped to: highlighted for a moment. */
  flash: boolean;
  /** Messages are being selected (to forward or delete several); whether this one is. */
  selecting: boolean;
  selected: boolean;
  onToggle(m: Message): void;
  nameOf(id: string): string;
  onMenu(m: Message, x: number, y: number): void;
  /** Show the entry at `seq` (a quoted message). */
  onJump(seq: number): void;
  /** Add (`on`) or take back my reaction `emoji`. */
  onReact(m: Message, emoji: string, on: boolean): void;
  /** For a message I just recalled on this device: put its text back in the composer. */
  onReedit?: () => void;
  /** (My 1:1 messages) Whether it reached the other member, and whether they read it. */
  receipt?: "sent" | "delivered" | "read";
  /** (My group messages) How many of its audience read it, of how many. */
  readCount?: number;
  readOf?: number;
  /** (My group messages) Show who read it. */
  onReadBy?(m: Message): void;
}

function MessageRowImpl({ m, myId, group, continued, dayStart, newDivider, recaller, mentionsMe, flash, selecting, selected, onToggle, nameOf, onMenu, onJump, onReact, onReedit, receipt, readCount, readOf, onReadBy }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const senderAvatar = useDirectory((s) => s.profiles[m.sender_id]?.avatar);
  const b = m.body;
  if (b.kind === "recall") return <div className="row-ghost" aria-hidden="true" />;
  const head = (
    <>
      {dayStart && (
        <div className="day-sep" role="separator">
          <span>{dayLabel(m.sent_at, lang, t("chat.today"), t("chat.yesterday"))}</span>
        </div>
      )}
      {newDivider && (
        <div className="new-divider" role="separator" data-testid="new-divider">
          <span>{t("chat.newMessages")}</span>
        </div>
      )}
    </>
  );
  if (b.kind === "system" || b.kind === "recalled") {
    const text =
      b.kind === "system"
        ? systemText(t, lang, b.event, m.sender_id, nameOf, myId)
        : (recaller ?? m.sender_id) === myId
          ? t("chat.recalledYou")
          : t("chat.recalled", { name: nameOf(recaller ?? m.sender_id) });
    return (
      <div className="row" data-seq={m.seq}>
        {head}
        <p className={`sys-line${b.kind === "recalled" ? " sys-line--recalled" : ""}`} data-testid={b.kind === "system" ? "system-line" : "recalled-line"}>
          {text}
          {onReedit && (
            <>
              {" "}
              <button type="button" className="sys-line__action" onClick={onReedit} data-testid="reedit">
                {t("chat.reedit")}
              </button>
            </>
          )}
        </p>
      </div>
    );
  }
  const own = m.sender_id === myId;
  const open = (x: number, y: number) => onMenu(m, x, y);
  return (
    <div className={`row${continued ? " row--cont" : ""}${selecting ? " row--selecting" : ""}`} data-seq={m.seq}>
      {head}
      <div
        className={`msg${own ? " msg--own" : ""}${mentionsMe ? " msg--mention" : ""}${flash ? " msg--flash" : ""}`}
        data-testid="message"
        onContextMenu={(e) => {
          e.preventDefault();
          if (!selecting) open(e.clientX, e.clientY);
        }}
        onClickCapture={(e) => {
          // While selecting, a click anywhere on the message toggles it (and opens nothing).
          if (!selecting) return;
          e.preventDefault();
          e.stopPropagation();
          onToggle(m);
        }}
      >
        {selecting && (
          <input type="checkbox" className="msg__check" checked={selected} readOnly aria-label={t("chat.selectMessage")} data-testid="select-message" />
        )}
        {!own && (continued ? <span className="msg__avatar-gap" /> : <Avatar id={m.sender_id} name={nameOf(m.sender_id)} size={36} fileId={senderAvatar} />)}
        <div className="msg__col">
          {!own && group && !continued && <span className="msg__name">{nameOf(m.sender_id)}</span>}
          <div className="msg__line">
            <div
              className={`bubble${b.kind === "image" ? " bubble--media" : b.kind === "file" ? " bubble--file" : b.kind === "text" ? "" : " bubble--unsupported"}`}
              data-testid="bubble"
            >
              {m.forwarded_from && (
                <span className="bubble__forwarded" data-testid="forwarded-from">
                  {t("chat.forwardedFrom", { name: nameOf(m.forwarded_from.sender_id) })}
                </span>
              )}
              {m.reply_to && <QuoteBlock q={m.reply_to} nameOf={nameOf} onJump={onJump} />}
              {b.kind === "text" ? (
                <>
                  {b.mention_all && <span className="bubble__mention">{t("chat.mentionAll")} </span>}
                  <LinkedText text={b.text} />
                </>
              ) : b.kind === "image" ? (
                <ImageContent file={b.file} conversationId={m.conversation_id} />
              ) : b.kind === "file" ? (
                <FileCard file={b.file} />
              ) : (
                t("chat.unsupported")
              )}
              <time className="bubble__time" dateTime={new Date(m.sent_at).toISOString()}>
                {m.edited_at !== undefined && (
                  <span className="bubble__edited" data-testid="edited">
                    {t("chat.edited")}{" "}
                  </span>
                )}
                {formatTime(m.sent_at, lang)}
              </time>
            </div>
            <span className="msg__meta">
              <button
                type="button"
                className="msg__menu"
                aria-label={t("chat.messageActions")}
                onClick={(e) => {
                  const r = e.currentTarget.getBoundingClientRect();
                  open(r.left, r.bottom);
                }}
              >
                ⋯
              </button>
            </span>
          </div>
          {(m.reactions?.length ?? 0) > 0 && <Reactions m={m} myId={myId} nameOf={nameOf} onReact={onReact} />}
          {own && receipt && (
            <span className={`msg__receipt msg__receipt--${receipt}`} data-testid="receipt" data-status={receipt}>
              {t(receipt === "read" ? "chat.receiptRead" : receipt === "delivered" ? "chat.receiptDelivered" : "chat.receiptSent")}
            </span>
          )}
          {own && readCount !== undefined && readOf !== undefined && readOf > 0 && (
            <button type="button" className="msg__receipt msg__receipt--count" onClick={() => onReadBy?.(m)} data-testid="read-count">
              {readCount >= readOf ? t("chat.allRead") : t("chat.readCount", { count: readCount })}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

export const MessageRow = memo(MessageRowImpl);

/** A message's reactions: each emoji with its count, mine highlighted; a click toggles mine. */
function Reactions({ m, myId, nameOf, onReact }: { m: Message; myId: string; nameOf(id: string): string; onReact(m: Message, emoji: string, on: boolean): void }) {
  const { t } = useTranslation();
  return (
    <div className="reactions" data-testid="reactions">
      {(m.reactions ?? []).map((r) => {
        const mine = r.user_ids.includes(myId);
        const more = r.count - r.user_ids.length;
        const names = r.user_ids.map(nameOf).join(", ") + (more > 0 ? ` ${t("chat.andMore", { count: more })}` : "");
        return (
          <button
            key={r.emoji}
            type="button"
            className={`reaction${mine ? " reaction--mine" : ""}`}
            aria-pressed={mine}
            aria-label={t("chat.reactionLabel", { emoji: r.emoji, count: r.count, names })}
            title={names}
            onClick={() => onReact(m, r.emoji, !mine)}
            data-testid="reaction"
          >
            <span className="reaction__emoji">{r.emoji}</span>
            <span className="reaction__count">{r.count}</span>
          </button>
        );
      })}
    </div>
  );
}

/** The message a reply quotes: its sender and first line; a click shows it. */
function QuoteBlock({ q, nameOf, onJump }: { q: Quote; nameOf(id: string): string; onJump(seq: number): void }) {
  const { t } = useTranslation();
  const name = nameOf(q.sender_id);
  return (
    <button
      type="button"
      className={`quote${q.preview.kind === "recalled" ? " quote--recalled" : ""}`}
      aria-label={t("chat.jumpToQuoted", { name })}
      title={t("chat.jumpToQuoted", { name })}
      onClick={() => onJump(q.seq)}
      data-testid="quote"
    >
      <span className="quote__name">{name}</span>
      <span className="quote__text">{quoteText(t, q.preview)}</span>
    </button>
  );
}

/** Message text with its http(s) and e-mail links clickable, opening outside the app. */
function LinkedText({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return segments.map((s, i) =>
    s.kind === "link" ? (
      <a key={i} className="bubble__link" href={s.href} target="_blank" rel="noopener noreferrer" data-testid="message-link">
        {s.text}
      </a>
    ) : (
      s.text
    ),
  );
}
