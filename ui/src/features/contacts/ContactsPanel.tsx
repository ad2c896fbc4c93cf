import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Confirm } from "../../components/Confirm";
import { Menu } from "../../components/Menu";
import { Modal } from "../../components/Modal";
import { useAction } from "../../hooks/useAction";
import { useClient } from "../../hooks/useClient";
import { useOpenConversation } from "../../hooks/useOpenConversation";
import { useUserSearch } from "../../hooks/useUserSearch";
import type { Profile } from "../../protocol/types";
import { useContacts } from "../../state/contacts";
import { useSession } from "../../state/session";
import {
  acceptFriendRequest,
  blockUser,
  cancelFriendRequest,
  declineFriendRequest,
  openDirect,
  removeFriend,
  sendFriendRequest,
  unblockUser,
} from "./actions";
import "../../components/Panel.css";

export default function ContactsPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const { run } = useAction();
  const open = useOpenConversation();
  const me = useSession((s) => s.user?.user_id);
  const { friends, incoming, outgoing, blocked, online } = useContacts();
  const search = useUserSearch();
  const [requestTo, setRequestTo] = useState<Profile | null>(null);
  const [greeting, setGreeting] = useState("");
  const [menu, setMenu] = useState<{ p: Profile; x: number; y: number } | null>(null);
  const [confirm, setConfirm] = useState<{ text: string; action(): void } | null>(null);

  const message = (p: Profile) =>
    void run(async () => {
      const conversation = await openDirect(client, p.user_id);
      open(conversation.conversation_id);
    });

  const friendList = Object.values(friends).sort(
    (a, b) => Number(b.online) - Number(a.online) || a.profile.display_name.localeCompare(b.profile.display_name),
  );
  const inc = Object.values(incoming);
  const out = Object.values(outgoing);

  return (
    <div className="panel" data-testid="contacts-panel">
      <h2 className="panel__title">{t("contacts.title")}</h2>
      <div className="panel__scroll">
        <section aria-labelledby="find-people">
          <h3 id="find-people" className="section-title">
            {t("contacts.findPeople")}
          </h3>
          <input
            className="input"
            type="search"
            aria-label={t("contacts.searchPlaceholder")}
            placeholder={t("contacts.searchPlaceholder")}
            value={search.query}
            onChange={(e) => search.setQuery(e.target.value)}
            data-testid="user-search"
          />
          {search.hint && <p className="panel__hint">{t("common.searchHint")}</p>}
          {search.results && search.results.length === 0 && <p className="panel__hint">{t("common.noResults")}</p>}
          <ul className="plist">
            {search.results?.map((p) => {
              const state = p.user_id === me ? "you" : friends[p.user_id] ? "friend" : outgoing[p.user_id] ? "pending" : null;
              return (
                <li key={p.user_id} className="pitem" data-testid="user-result">
                  <Avatar id={p.user_id} name={p.display_name} size={36} fileId={p.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{p.display_name}</span>
                    <span className="pitem__sub">@{p.username}</span>
                  </span>
                  {state === null ? (
                    <button type="button" className="button button--primary button--small" onClick={() => setRequestTo(p)}>
                      {t("contacts.addFriend")}
                    </button>
                  ) : (
                    <span className="pitem__state">
                      {state === "you" ? t("contacts.you") : state === "friend" ? t("contacts.alreadyFriends") : t("contacts.pending")}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>

        {(inc.length > 0 || out.length > 0) && (
          <section aria-labelledby="requests">
            <h3 id="requests" className="section-title">
              {t("contacts.requests")}
            </h3>
            <ul className="plist">
              {inc.map((r) => (
                <li key={r.user.user_id} className="pitem pitem--request" data-testid="incoming-request">
                  <Avatar id={r.user.user_id} name={r.user.display_name} size={36} fileId={r.user.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{r.user.display_name}</span>
                    <span className="pitem__sub">{r.message ? `“${r.message}”` : `@${r.user.username}`}</span>
                  </span>
                  <span className="pitem__actions">
                    <button type="button" className="button button--primary button--small" onClick={() => void run(() => acceptFriendRequest(client, r.user.user_id))}>
                      {t("contacts.accept")}
                    </button>
                    <button type="button" className="button button--small" onClick={() => void run(() => declineFriendRequest(client, r.user.user_id))}>
                      {t("contacts.decline")}
                    </button>
                  </span>
                </li>
              ))}
              {out.map((r) => (
                <li key={r.user.user_id} className="pitem">
                  <Avatar id={r.user.user_id} name={r.user.display_name} size={36} fileId={r.user.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{r.user.display_name}</span>
                    <span className="pitem__sub">{t("contacts.pending")}</span>
                  </span>
                  <button type="button" className="button button--small" onClick={() => void run(() => cancelFriendRequest(client, r.user.user_id))}>
                    {t("contacts.cancelRequest")}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section aria-labelledby="friends">
          <h3 id="friends" className="section-title">
            {t("contacts.friends")} · {friendList.length}
          </h3>
          {friendList.length === 0 && <p className="panel__hint">{t("contacts.noFriends")}</p>}
          <ul className="plist">
            {friendList.map((f) => (
              <li
                key={f.profile.user_id}
                className="pitem pitem--clickable"
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenu({ p: f.profile, x: e.clientX, y: e.clientY });
                }}
                data-testid="friend"
              >
                <button type="button" className="pitem__main" onClick={() => message(f.profile)}>
                  <Avatar id={f.profile.user_id} name={f.profile.display_name} size={36} online={online[f.profile.user_id] ?? f.online} fileId={f.profile.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{f.profile.display_name}</span>
                    <span className="pitem__sub">{(online[f.profile.user_id] ?? f.online) ? t("chat.online") : t("chat.offline")}</span>
                  </span>
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t("common.moreActions")}
                  onClick={(e) => {
                    const r = e.currentTarget.getBoundingClientRect();
                    setMenu({ p: f.profile, x: r.left, y: r.bottom });
                  }}
                >
                  ⋯
                </button>
              </li>
            ))}
          </ul>
        </section>

        {Object.keys(blocked).length > 0 && (
          <section aria-labelledby="blocked">
            <h3 id="blocked" className="section-title">
              {t("contacts.blocked")}
            </h3>
            <ul className="plist">
              {Object.values(blocked).map((p) => (
                <li key={p.user_id} className="pitem">
                  <Avatar id={p.user_id} name={p.display_name} size={36} fileId={p.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{p.display_name}</span>
                    <span className="pitem__sub">@{p.username}</span>
                  </span>
                  <button type="button" className="button button--small" onClick={() => void run(() => unblockUser(client, p.user_id))}>
                    {t("contacts.unblock")}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>

      {requestTo && (
        <Modal title={t("contacts.addFriend")} onClose={() => setRequestTo(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const p = requestTo;
              void run(async () => {
                await sendFriendRequest(client, p.user_id, greeting.trim() || undefined);
                setRequestTo(null);
                setGreeting("");
              });
            }}
          >
            <div className="pitem">
              <Avatar id={requestTo.user_id} name={requestTo.display_name} size={40} fileId={requestTo.avatar} />
              <span className="pitem__names">
                <span className="pitem__name">{requestTo.display_name}</span>
                <span className="pitem__sub">@{requestTo.username}</span>
              </span>
            </div>
            <label className="field">
              <span>{t("contacts.requestMessage")}</span>
              <input className="input" maxLength={200} value={greeting} onChange={(e) => setGreeting(e.target.value)} autoFocus data-testid="request-message" />
            </label>
            <div className="form-actions">
              <button type="button" className="button" onClick={() => setRequestTo(null)}>
                {t("common.cancel")}
              </button>
              <button type="submit" className="button button--primary">
                {t("contacts.sendRequest")}
              </button>
            </div>
          </form>
        </Modal>
      )}
      {menu && (
        <Menu
          x={menu.x}
          y={menu.y}
          label={t("common.moreActions")}
          onClose={() => setMenu(null)}
          items={[
            { label: t("contacts.sendMessage"), onSelect: () => message(menu.p) },
            {
              label: t("contacts.remove"),
              danger: true,
              onSelect: () =>
                setConfirm({
                  text: t("contacts.confirmRemove", { name: menu.p.display_name }),
                  action: () => void run(() => removeFriend(client, menu.p.user_id)),
                }),
            },
            {
              label: t("contacts.block"),
              danger: true,
              onSelect: () =>
                setConfirm({
                  text: t("contacts.confirmBlock", { name: menu.p.display_name }),
                  action: () => void run(() => blockUser(client, menu.p.user_id)),
                }),
            },
          ]}
        />
      )}
      {confirm && <Confirm text={confirm.text} danger onConfirm={confirm.action} onClose={() => setConfirm(null)} />}
    </div>
  );
}
