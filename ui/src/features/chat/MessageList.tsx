import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import { Menu, type MenuItem } from "../../components/Menu";
import { useAction } from "../../hooks/useAction";
import { useClient } from "../../hooks/useClient";
import { useDisplayName } from "../../hooks/useDisplayName";
import type { Message } from "../../protocol/types";
import { mentionsMe, useConversations } from "../../state/conversations";
import { useGroups } from "../../state/groups";
import { useMessages } from "../../state/messages";
import { useSession } from "../../state/session";
import { useToasts } from "../../state/toasts";
import { deleteForMeLocally } from "../../state/bind";
import { deleteForMe, react, recallMessage } from "./actions";
import { EmojiPicker } from "./EmojiPicker";
import { rememberEmoji } from "./emoji";
import { ForwardDialog } from "./ForwardDialog";
import { previewOf } from "../../lib/quote";
import { MessageRow } from "./MessageRow";
import { PendingList } from "./PendingList";
import { ReadByDialog } from "./ReadByDialog";
import { directStatus, showsReceipt, useReceipts } from "../../state/receipts";
import { useReadReceipts } from "./useReadReceipts";
import { continuesRun, previousVisible, recallers, startsDay } from "./rows";

const BASE = 10_000_000;
/** How long after sending a text its sender may edit it (PROTOCOL.md, `edit_message`). */
const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;
const EMPTY: number[] = [];

interface Props {
  conversationId: string;
  /** Seq of the first unread entry when the conversation was opened (0: none). */
  firstUnread: number;
  onAtBottom(atBottom: boolean): void;
  loadOlder(): Promise<void>;
  /** Loads older pages until the entry at `seq` is held (or the start is reached). */
  loadUntil(seq: number): Promise<void>;
}

export function MessageList(props: Props) {
  const { t } = useTranslation();
  const loaded = useMessages((s) => s.byConv[props.conversationId]?.loaded ?? false);
  // Mount the list once the first page is here, so it opens at the right place.
  if (!loaded) {
    return (
      <div className="mlist">
        <div className="mlist__edge">{t("common.loading")}</div>
      </div>
    );
  }
  return <VirtualMessages {...props} />;
}

function VirtualMessages({ conversationId, firstUnread, onAtBottom, loadOlder, loadUntil }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const { run } = useAction();
  const myId = useSession((s) => s.user?.user_id ?? "");
  const recallWindow = useSession((s) => s.limits.recall_window_ms);
  const conv = useConversations((s) => s.byId[conversationId]);
  const data = useMessages((s) => s.byConv[conversationId]);
  const members = useGroups((s) => s.members[conversationId]);
  const nameOf = useDisplayName();
  const ref = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [menu, setMenu] = useState<{ m: Message; x: number; y: number } | null>(null);
  const seqs = data?.seqs ?? EMPTY;
  const items = data?.items;
  const byRecall = useMemo(() => (items ? recallers(items) : {}), [items]);
  const group = conv?.kind === "group";
  const firstItemIndex = BASE + (seqs[0] ?? 0);

  const [initialIndex] = useState(() => {
    const i = firstUnread ? seqs.indexOf(firstUnread) : -1;
    return i >= 0 ? { index: i, align: "start" as const } : { index: Math.max(0, seqs.length - 1), align: "end" as const };
  });

  useEffect(() => onAtBottom(atBottom), [atBottom, onAtBottom]);

  // Sending scrolls to the bottom, where the pending bubble appears.
  const pendingHere = useMessages((s) => s.pending.filter((p) => p.conversation_id === conversationId).length);
  const prevPending = useRef(pendingHere);
  useEffect(() => {
    if (pendingHere > prevPending.current) ref.current?.scrollTo({ top: Number.MAX_SAFE_INTEGER });
    prevPending.current = pendingHere;
  }, [pendingHere]);

  const onMenu = useCallback((m: Message, x: number, y: number) => setMenu({ m, x, y }), []);

  // Read receipts of my messages on screen, pulled while some may still change.
  const [range, setRange] = useState<{ startIndex: number; endIndex: number } | null>(null);
  const onScreenOwn = useMemo(() => {
    if (!range || !items) return EMPTY;
    const from = Math.max(0, range.startIndex - firstItemIndex);
    return seqs.slice(from, range.endIndex - firstItemIndex + 1).filter((seq) => {
      const m = items[seq];
      return m !== undefined && showsReceipt(m, myId);
    });
  }, [range, items, seqs, firstItemIndex, myId]);
  useReadReceipts(client, conversationId, group, onScreenOwn);
  const receipts = useReceipts((s) => s.byConv[conversationId]);
  const [readByOf, setReadByOf] = useState<number | null>(null);
  const onReadBy = useCallback((m: Message) => setReadByOf(m.seq), []);
  const closeReadBy = useCallback(() => setReadByOf(null), []);

  // The newest messages growing in place (reactions added) keep the list at the bottom if it was.
  const tailChange = useMemo(() => seqs.slice(-5).reduce((n, seq) => Math.max(n, items?.[seq]?.change_seq ?? 0), 0), [seqs, items]);
  const wasAtBottom = useRef(atBottom);
  useEffect(() => {
    wasAtBottom.current = atBottom;
  }, [atBottom]);
  useEffect(() => {
    if (tailChange && wasAtBottom.current) ref.current?.scrollToIndex({ index: "LAST", align: "end" });
  }, [tailChange]);

  // Reactions: toggling one, and the picker for a new one (where the menu was).
  const [picking, setPicking] = useState<{ m: Message; x: number; y: number } | null>(null);
  const onReact = useCallback(
    (m: Message, emoji: string, on: boolean) => void run(() => react(client, m.conversation_id, m.seq, emoji, on)),
    [client, run],
  );

  // Selecting several messages to forward or delete them together; the ones being forwarded.
  const [selected, setSelected] = useState<number[] | null>(null);
  const [forwarding, setForwarding] = useState<number[] | null>(null);
  const onToggle = useCallback(
    (m: Message) =>
      setSelected((s) => {
        if (!s || !previewOf(m.body) || m.body.kind === "recalled") return s;
        return s.includes(m.seq) ? s.filter((x) => x !== m.seq) : s.length >= 100 ? s : [...s, m.seq];
      }),
    [],
  );

  // Jumping to a quoted message: load back to it, bring it into view and highlight it.
  const [flash, setFlash] = useState(0);
  useEffect(() => {
    if (!flash) return;
    const id = setTimeout(() => setFlash(0), 2000);
    return () => clearTimeout(id);
  }, [flash]);
  const onJump = useCallback(
    (seq: number) =>
      void loadUntil(seq).then(() => {
        const index = useMessages.getState().byConv[conversationId]?.seqs.indexOf(seq) ?? -1;
        if (index < 0) {
          useToasts.getState().push(t("chat.quotedUnavailable"));
          return;
        }
        ref.current?.scrollToIndex({ index, align: "center" });
        setFlash(seq);
      }),
    [conversationId, loadUntil, t],
  );

  // 重新编辑: a text I recalled here, within the recall window, goes back into the composer.
  const recalledTexts = useMessages((s) => s.recalledTexts);
  const reeditFor = (m: Message): (() => void) | undefined => {
    const kept = m.body.kind === "recalled" ? recalledTexts[m.message_id] : undefined;
    if (!kept || Date.now() - kept.at > recallWindow || conv?.ended) return undefined;
    return () => {
      useConversations.getState().setDraft(conversationId, kept.text);
      document.getElementById(`composer-${conversationId}`)?.focus();
    };
  };

  const menuItems = (m: Message): MenuItem[] => {
    const out: MenuItem[] = [];
    const content = previewOf(m.body) !== null && m.body.kind !== "recalled";
    if (content && conv && !conv.ended) {
      out.push({
        label: t("chat.reply"),
        onSelect: () => {
          useConversations.getState().setReplying(conversationId, m);
          document.getElementById(`composer-${conversationId}`)?.focus();
        },
      });
    }
    if (content && conv && !conv.ended) {
      const at = menu ?? { x: 0, y: 0 };
      out.push({ label: t("chat.addReaction"), onSelect: () => setPicking({ m, x: at.x, y: at.y }) });
    }
    if (content) {
      out.push({ label: t("chat.forward"), onSelect: () => setForwarding([m.seq]) });
      out.push({ label: t("chat.select"), onSelect: () => setSelected([m.seq]) });
    }
    if (m.body.kind === "text") {
      const text = m.body.text;
      out.push({
        label: t("chat.copy"),
        onSelect: () => void navigator.clipboard?.writeText(text).catch(() => useToasts.getState().push(t("errors.generic"))),
      });
    }
    const own = m.sender_id === myId;
    const role = conv?.group?.my_role;
    const senderRole = members?.find((x) => x.profile.user_id === m.sender_id)?.role ?? "member";
    const canModerate = group && !own && (role === "owner" || (role === "admin" && senderRole === "member"));
    const withinWindow = Date.now() - m.sent_at < recallWindow;
    const body = m.body;
    if (body.kind === "text" && own && conv && !conv.ended && Date.now() - m.sent_at < EDIT_WINDOW_MS) {
      out.push({ label: t("chat.edit"), onSelect: () => useConversations.getState().setEditing(conversationId, m) });
    }
    if (body.kind === "text" && ((own && (withinWindow || role === "owner" || role === "admin")) || canModerate)) {
      out.push({
        label: t("chat.recall"),
        danger: true,
        onSelect: () =>
          void run(async () => {
            await recallMessage(client, m.conversation_id, m.message_id);
            // Kept on this device only, to re-edit it (the server deleted it).
            if (own) useMessages.getState().rememberRecalled(m.message_id, body.text);
          }),
      });
    }
    out.push({
      label: t("chat.deleteForMe"),
      danger: true,
      onSelect: () =>
        void run(async () => {
          await deleteForMe(client, m.conversation_id, [m.message_id]);
          deleteForMeLocally(m.conversation_id, [m.message_id]);
        }),
    });
    return out;
  };

  return (
    <div className="mlist">
      <Virtuoso
        ref={ref}
        className="mlist__scroller"
        data={seqs}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={initialIndex}
        computeItemKey={(_, seq) => seq}
        increaseViewportBy={{ top: 400, bottom: 200 }}
        startReached={() => void loadOlder()}
        followOutput={(bottom) => {
          // Always follow my own new messages; follow others' only when already at the bottom.
          const last = items?.[seqs[seqs.length - 1] ?? -1];
          return bottom || last?.sender_id === myId ? "auto" : false;
        }}
        atBottomStateChange={setAtBottom}
        rangeChanged={setRange}
        atBottomThreshold={60}
        components={{
          Header: () => <ListHeader conversationId={conversationId} />,
          Footer: () => <PendingList conversationId={conversationId} />,
        }}
        itemContent={(index, seq) => {
          const m = items?.[seq];
          if (!m) return <div className="row-ghost" />;
          const local = index - firstItemIndex;
          const prev = items ? previousVisible(items, seqs, local) : undefined;
          const receiptShown = showsReceipt(m, myId);
          const count = group && receiptShown ? receipts?.counts[seq] : undefined;
          return (
            <MessageRow
              m={m}
              myId={myId}
              group={group}
              continued={continuesRun(prev, m) && seq !== firstUnread}
              dayStart={startsDay(prev, m)}
              newDivider={seq === firstUnread}
              recaller={byRecall[seq]}
              mentionsMe={mentionsMe(m, myId)}
              flash={seq === flash}
              selecting={selected !== null}
              selected={selected?.includes(seq) ?? false}
              onToggle={onToggle}
              nameOf={nameOf}
              onMenu={onMenu}
              onJump={onJump}
              onReact={onReact}
              onReedit={reeditFor(m)}
              receipt={!group && receiptShown ? directStatus(receipts, seq) : undefined}
              readCount={count?.read}
              readOf={count?.of}
              onReadBy={onReadBy}
            />
          );
        }}
      />
      {!atBottom && (
        <button
          type="button"
          className="jump-latest"
          onClick={() => ref.current?.scrollToIndex({ index: "LAST", align: "end" })}
          data-testid="jump-latest"
        >
          {t("chat.jumpToLatest")} ↓
        </button>
      )}
      {selected && (
        <div className="select-bar" role="toolbar" aria-label={t("chat.selection")} data-testid="select-bar">
          <span className="select-bar__count">{t("chat.selectedCount", { count: selected.length })}</span>
          <button type="button" className="button button--primary" disabled={selected.length === 0} onClick={() => setForwarding(selected)} data-testid="forward-selected">
            {t("chat.forward")}
          </button>
          <button
            type="button"
            className="button"
            disabled={selected.length === 0}
            onClick={() => {
              const ids = selected.flatMap((seq) => (items?.[seq] ? [items[seq].message_id] : []));
              void run(async () => {
                await deleteForMe(client, conversationId, ids);
                deleteForMeLocally(conversationId, ids);
                setSelected(null);
              });
            }}
          >
            {t("chat.deleteForMe")}
          </button>
          <button type="button" className="button" onClick={() => setSelected(null)}>
            {t("common.cancel")}
          </button>
        </div>
      )}
      {picking && (
        <div
          className="reaction-picker"
          style={{ left: Math.max(8, Math.min(picking.x, window.innerWidth - 360)), top: Math.max(8, Math.min(picking.y, window.innerHeight - 320)) }}
        >
          <EmojiPicker
            onPick={(emoji) => {
              rememberEmoji(emoji);
              onReact(picking.m, emoji, true);
              setPicking(null);
            }}
            onClose={() => setPicking(null)}
          />
        </div>
      )}
      {forwarding && (
        <ForwardDialog
          from={conversationId}
          seqs={forwarding}
          onClose={() => {
            setForwarding(null);
            setSelected(null);
          }}
        />
      )}
      {readByOf !== null && <ReadByDialog conversationId={conversationId} seq={readByOf} onClose={closeReadBy} />}
      {menu && <Menu x={menu.x} y={menu.y} label={t("chat.messageActions")} items={menuItems(menu.m)} onClose={() => setMenu(null)} />}
    </div>
  );
}

function ListHeader({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const data = useMessages((s) => s.byConv[conversationId]);
  if (!data?.loaded) return <div className="mlist__edge">{t("common.loading")}</div>;
  return <div className="mlist__edge">{data.hasMore ? t("chat.loadingOlder") : t("chat.beginning")}</div>;
}
