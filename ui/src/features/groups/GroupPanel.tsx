import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Confirm } from "../../components/Confirm";
import { Icon } from "../../components/Icon";
import { Menu, type MenuItem } from "../../components/Menu";
import { useAction } from "../../hooks/useAction";
import { useClient } from "../../hooks/useClient";
import { useNow } from "../../hooks/useNow";
import { useOpenConversation } from "../../hooks/useOpenConversation";
import { useUserSearch } from "../../hooks/useUserSearch";
import { useGroupMembers } from "../../hooks/useGroupMembers";
import { usePickAndUploadImage } from "../../hooks/useUploadImage";
import { formatDateTime } from "../../lib/format";
import type { MemberInfo, Role } from "../../protocol/types";
import { useContacts } from "../../state/contacts";
import { useConversations } from "../../state/conversations";
import { useGroups } from "../../state/groups";
import { useSession } from "../../state/session";
import { useUi } from "../../state/ui";
import {
  addMember,
  decideJoin,
  dissolveGroup,
  leaveGroup,
  listJoinRequests,
  muteAll,
  muteMember,
  openTemp,
  removeMember,
  setAdmin,
  setGroupAvatar,
  transferGroup,
  updateGroup,
  type GroupChanges,
  type GroupSettingsValues,
} from "./actions";
import { GroupSettingsFields } from "./GroupSettingsFields";
import "../../components/Panel.css";
import "./Groups.css";

const MUTE_PRESETS: Array<[key: string, seconds: number]> = [
  ["m10", 600],
  ["h1", 3600],
  ["h12", 43200],
  ["d1", 86400],
  ["d7", 604800],
];
const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

export default function GroupPanel({ conversationId, narrow }: { conversationId: string; narrow: boolean }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const { run } = useAction();
  const openConv = useOpenConversation();
  const now = useNow(15000);
  const me = useSession((s) => s.user?.user_id ?? "");
  const c = useConversations((s) => s.byId[conversationId]);
  const members = useGroupMembers(conversationId, true);
  const requests = useGroups((s) => s.joinRequests[conversationId]);
  const online = useContacts((s) => s.online);
  const [menu, setMenu] = useState<{ m: MemberInfo; x: number; y: number } | null>(null);
  const pickImage = usePickAndUploadImage();
  const [confirm, setConfirm] = useState<{ text: string; action(): void } | null>(null);
  const g = c?.group;
  const myRole: Role = g?.my_role ?? "member";
  const mod = myRole !== "member";
  useEffect(() => {
    if (!mod || !g) return;
    listJoinRequests(client, conversationId)
      .then((requests) => useGroups.getState().setJoinRequests(conversationId, { conversation_id: conversationId, number: g.number, name: g.name }, requests))
      .catch(() => undefined);
    // Reload when my rank changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, conversationId, mod]);

  if (!c || !g) return null;
  const close = () => useUi.getState().set({ groupPanel: false });
  const act = (action: () => Promise<void>) => void run(action);

  const memberItems = (m: MemberInfo): MenuItem[] => {
    const id = m.profile.user_id;
    const items: MenuItem[] = [];
    if (id === me) return items;
    if (g.allow_temp_sessions || useContacts.getState().friends[id]) {
      items.push({
        label: t("groups.tempChat"),
        onSelect: () =>
          void run(async () => {
            const conversation = await openTemp(client, id, conversationId);
            openConv(conversation.conversation_id);
          }),
      });
    }
    const outranks = RANK[myRole] > RANK[m.role];
    if (outranks) {
      const muted = m.muted_until !== undefined && m.muted_until > now;
      if (muted) items.push({ label: t("groups.unmute"), onSelect: () => act(() => muteMember(client, conversationId, id, 0)) });
      items.push({ label: t("groups.mute"), heading: true });
      for (const [key, seconds] of MUTE_PRESETS) {
        items.push({ label: `  ${t(`groups.mutePresets.${key}`)}`, onSelect: () => act(() => muteMember(client, conversationId, id, seconds)) });
      }
    }
    if (myRole === "owner") {
      items.push(
        m.role === "admin"
          ? { label: t("groups.removeAdmin"), onSelect: () => act(() => setAdmin(client, conversationId, id, false)) }
          : { label: t("groups.makeAdmin"), onSelect: () => act(() => setAdmin(client, conversationId, id, true)) },
      );
      items.push({
        label: t("groups.transfer"),
        onSelect: () =>
          setConfirm({
            text: t("groups.confirmTransfer", { user: m.profile.display_name, name: g.name }),
            action: () => act(() => transferGroup(client, conversationId, id)),
          }),
      });
    }
    if (outranks) {
      items.push({
        label: t("groups.removeMember"),
        danger: true,
        onSelect: () =>
          setConfirm({
            text: t("groups.confirmRemove", { user: m.profile.display_name, name: g.name }),
            action: () => act(() => removeMember(client, conversationId, id)),
          }),
      });
    }
    return items;
  };

  const reqs = Object.values(requests ?? {});

  return (
    <aside className={`gpanel${narrow ? " gpanel--overlay" : ""}`} aria-label={t("chat.groupInfo")} data-testid="group-panel">
      <header className="gpanel__header">
        <h2>{t("groups.info")}</h2>
        <button type="button" className="icon-button" onClick={close} aria-label={t("groups.close")}>
          <Icon name="close" />
        </button>
      </header>
      <div className="gpanel__scroll">
        <div className="gpanel__card">
          <Avatar id={conversationId} name={g.name} group size={56} fileId={g.avatar} />
          <div className="gpanel__names">
            <strong>{g.name}</strong>
            <span>
              {t("groups.number", { number: g.number })} · {t("groups.memberCount", { count: g.member_count })}
            </span>
            <span className="pill">{t(`groups.policy.${g.join_policy}`)}</span>
          </div>
        </div>
        {g.description && <p className="gpanel__desc">{g.description}</p>}
        {mod && (
          <button
            type="button"
            className="button button--small gpanel__avatar-btn"
            onClick={() =>
              void run(async () => {
                const fileId = await pickImage();
                if (fileId) await setGroupAvatar(client, conversationId, fileId);
              })
            }
          >
            {t("groups.changeAvatar")}
          </button>
        )}

        {mod && (
          <section aria-labelledby="gp-requests">
            <h3 id="gp-requests" className="section-title">
              {t("groups.joinRequests")} {reqs.length > 0 && <span className="badge">{reqs.length}</span>}
            </h3>
            {reqs.length === 0 && <p className="panel__hint">{t("groups.noJoinRequests")}</p>}
            <ul className="plist">
              {reqs.map((r) => (
                <li key={r.user.user_id} className="pitem pitem--request" data-testid="join-request">
                  <Avatar id={r.user.user_id} name={r.user.display_name} size={32} fileId={r.user.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">{r.user.display_name}</span>
                    <span className="pitem__sub">{r.message ? `“${r.message}”` : `@${r.user.username}`}</span>
                  </span>
                  <span className="pitem__actions">
                    <button type="button" className="button button--primary button--small" onClick={() => act(() => decideJoin(client, conversationId, r.user.user_id, true))}>
                      {t("groups.approve")}
                    </button>
                    <button type="button" className="button button--small" onClick={() => act(() => decideJoin(client, conversationId, r.user.user_id, false))}>
                      {t("groups.decline")}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}

        {mod && <AddMember conversationId={conversationId} members={members ?? []} />}

        <section aria-labelledby="gp-members">
          <h3 id="gp-members" className="section-title">
            {t("groups.members")} · {members?.length ?? g.member_count}
          </h3>
          <ul className="plist" data-testid="member-list">
            {(members ?? []).map((m) => {
              const id = m.profile.user_id;
              const on = id === me ? true : (online[id] ?? m.online);
              const muted = m.muted_until !== undefined && m.muted_until > now;
              const items = memberItems(m);
              return (
                <li
                  key={id}
                  className="pitem pitem--clickable"
                  data-testid="member"
                  onContextMenu={(e) => {
                    if (items.length === 0) return;
                    e.preventDefault();
                    setMenu({ m, x: e.clientX, y: e.clientY });
                  }}
                >
                  <Avatar id={id} name={m.profile.display_name} size={34} online={on} fileId={m.profile.avatar} />
                  <span className="pitem__names">
                    <span className="pitem__name">
                      {m.profile.display_name} {id === me && <span className="pitem__sub">({t("common.you")})</span>}
                    </span>
                    <span className="pitem__sub">
                      {muted ? (
                        <span className="gpanel__muted">
                          <Icon name="mute" size={12} /> {t("groups.mutedUntil", { time: formatDateTime(m.muted_until ?? 0, i18n.language) })}
                        </span>
                      ) : on ? (
                        t("chat.online")
                      ) : (
                        t("chat.offline")
                      )}
                    </span>
                  </span>
                  {m.role !== "member" && <span className={`pill${m.role === "owner" ? " pill--owner" : ""}`}>{t(`groups.roles.${m.role}`)}</span>}
                  {items.length > 0 && (
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={t("groups.memberActions", { name: m.profile.display_name })}
                      onClick={(e) => {
                        const r = e.currentTarget.getBoundingClientRect();
                        setMenu({ m, x: r.left - 140, y: r.bottom });
                      }}
                    >
                      ⋯
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </section>

        {mod && <GroupSettings conversationId={conversationId} />}

        <section aria-labelledby="gp-danger">
          <h3 id="gp-danger" className="section-title">
            {t("groups.dangerZone")}
          </h3>
          <div className="gpanel__danger">
            {myRole !== "owner" && (
              <button
                type="button"
                className="button button--block"
                onClick={() => setConfirm({ text: t("groups.confirmLeave", { name: g.name }), action: () => act(() => leaveGroup(client, conversationId)) })}
              >
                {t("groups.leave")}
              </button>
            )}
            {myRole === "owner" && (
              <button
                type="button"
                className="button button--danger button--block"
                onClick={() => setConfirm({ text: t("groups.confirmDissolve", { name: g.name }), action: () => act(() => dissolveGroup(client, conversationId)) })}
              >
                {t("groups.dissolve")}
              </button>
            )}
          </div>
        </section>
      </div>
      {menu && <Menu x={menu.x} y={menu.y} label={t("groups.memberActions", { name: menu.m.profile.display_name })} items={memberItems(menu.m)} onClose={() => setMenu(null)} />}
      {confirm && <Confirm text={confirm.text} danger onConfirm={confirm.action} onClose={() => setConfirm(null)} />}
    </aside>
  );
}

function AddMember({ conversationId, members }: { conversationId: string; members: MemberInfo[] }) {
  const { t } = useTranslation();
  const client = useClient();
  const { run } = useAction();
  const search = useUserSearch();
  const [added, setAdded] = useState<Record<string, boolean>>({});
  const inGroup = new Set(members.map((m) => m.profile.user_id));
  return (
    <section aria-labelledby="gp-add">
      <h3 id="gp-add" className="section-title">
        {t("groups.addMember")}
      </h3>
      <input
        className="input"
        type="search"
        aria-label={t("groups.addMemberPlaceholder")}
        placeholder={t("groups.addMemberPlaceholder")}
        value={search.query}
        onChange={(e) => search.setQuery(e.target.value)}
      />
      {search.hint && <p className="panel__hint">{t("common.searchHint")}</p>}
      <ul className="plist">
        {search.results?.map((p) => (
          <li key={p.user_id} className="pitem">
            <Avatar id={p.user_id} name={p.display_name} size={30} fileId={p.avatar} />
            <span className="pitem__names">
              <span className="pitem__name">{p.display_name}</span>
              <span className="pitem__sub">@{p.username}</span>
            </span>
            {inGroup.has(p.user_id) || added[p.user_id] ? (
              <span className="pitem__state">{t("groups.added")}</span>
            ) : (
              <button
                type="button"
                className="button button--small"
                onClick={() =>
                  void run(async () => {
                    await addMember(client, conversationId, p.user_id);
                    setAdded((a) => ({ ...a, [p.user_id]: true }));
                  })
                }
              >
                {t("groups.add")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function GroupSettings({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { run, busy } = useAction();
  const g = useConversations((s) => s.byId[conversationId]?.group);
  const [values, setValues] = useState<GroupSettingsValues>({
    name: g?.name ?? "",
    description: g?.description ?? "",
    join_policy: g?.join_policy ?? "approval",
    searchable: g?.searchable ?? true,
    allow_temp_sessions: g?.allow_temp_sessions ?? true,
  });
  if (!g) return null;
  const name = values.name.trim();
  const description = values.description.trim();
  const changed: GroupChanges = {
    name: name !== g.name ? name : undefined,
    description: description !== g.description ? description : undefined,
    join_policy: values.join_policy !== g.join_policy ? values.join_policy : undefined,
    searchable: values.searchable !== g.searchable ? values.searchable : undefined,
    allow_temp_sessions: values.allow_temp_sessions !== g.allow_temp_sessions ? values.allow_temp_sessions : undefined,
  };
  const dirty = Object.values(changed).some((v) => v !== undefined);
  return (
    <section aria-labelledby="gp-settings">
      <h3 id="gp-settings" className="section-title">
        {t("groups.settings")}
      </h3>
      <label className="check" data-testid="mute-all">
        <input
          type="checkbox"
          checked={g.muted_all}
          onChange={(e) => void run(() => muteAll(client, conversationId, e.target.checked))}
        />
        {t("groups.muteAll")}
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => updateGroup(client, conversationId, changed));
        }}
      >
        <GroupSettingsFields value={values} onChange={(patch) => setValues((v) => ({ ...v, ...patch }))} />
        <button type="submit" className="button button--primary button--block" disabled={!dirty || busy}>
          {t("common.save")}
        </button>
      </form>
    </section>
  );
}
