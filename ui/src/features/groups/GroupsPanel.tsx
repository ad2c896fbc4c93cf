import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Icon } from "../../components/Icon";
import { Modal } from "../../components/Modal";
import { useAction } from "../../hooks/useAction";
import { useClient } from "../../hooks/useClient";
import { useOpenConversation } from "../../hooks/useOpenConversation";
import { charCount } from "../../lib/format";
import type { GroupSummary } from "../../protocol/types";
import { sortedConversations, useConversations } from "../../state/conversations";
import { useGroups } from "../../state/groups";
import { useUi } from "../../state/ui";
import { createGroup, joinGroup, searchGroups, type GroupSettingsValues } from "./actions";
import { GroupSettingsFields } from "./GroupSettingsFields";
import "../../components/Panel.css";
import "./Groups.css";

export default function GroupsPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const { run } = useAction();
  const open = useOpenConversation();
  const byId = useConversations((s) => s.byId);
  const myRequests = useGroups((s) => s.myRequests);
  const joinRequests = useGroups((s) => s.joinRequests);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<GroupSummary[] | null>(null);
  const [joining, setJoining] = useState<GroupSummary | null>(null);
  const [joinMsg, setJoinMsg] = useState("");
  const [creating, setCreating] = useState(false);
  const q = query.trim();
  const enough = charCount(q) >= 2 || /^\d+$/.test(q);

  useEffect(() => {
    if (!enough) return;
    let stale = false;
    const id = setTimeout(() => {
      searchGroups(client, q)
        .then((groups) => !stale && setResults(groups))
        .catch(() => !stale && setResults([]));
    }, 250);
    return () => {
      stale = true;
      clearTimeout(id);
    };
  }, [client, q, enough]);

  const join = (g: GroupSummary, message?: string) =>
    run(async () => {
      const joined = await joinGroup(client, g.conversation_id, message);
      setJoining(null);
      setJoinMsg("");
      if (joined) open(joined.conversation_id);
    });

  const mine = sortedConversations(byId).filter((c) => c.kind === "group" && !c.ended);

  return (
    <div className="panel" data-testid="groups-panel">
      <div className="panel__head">
        <h2 className="panel__title">{t("groups.title")}</h2>
        <button type="button" className="button button--primary button--small" onClick={() => setCreating(true)} data-testid="create-group">
          <Icon name="plus" size={16} /> {t("groups.create")}
        </button>
      </div>
      <div className="panel__scroll">
        <section aria-labelledby="find-groups">
          <h3 id="find-groups" className="section-title">
            {t("groups.find")}
          </h3>
          <input
            className="input"
            type="search"
            aria-label={t("groups.searchPlaceholder")}
            placeholder={t("groups.searchPlaceholder")}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="group-search"
          />
          {q.length > 0 && !enough && <p className="panel__hint">{t("common.searchHint")}</p>}
          {enough && results?.length === 0 && <p className="panel__hint">{t("common.noResults")}</p>}
          <ul className="plist">
            {enough &&
              results?.map((g) => {
                const member = Boolean(byId[g.conversation_id] && !byId[g.conversation_id]?.ended);
                const pending = Boolean(myRequests[g.conversation_id]);
                return (
                  <li key={g.conversation_id} className="pitem" data-testid="group-result">
                    <Avatar id={g.conversation_id} name={g.name} group size={36} fileId={g.avatar} />
                    <span className="pitem__names">
                      <span className="pitem__name">{g.name}</span>
                      <span className="pitem__sub">
                        {t("groups.number", { number: g.number })} · {t("groups.memberCount", { count: g.member_count })}
                      </span>
                    </span>
                    {member ? (
                      <button type="button" className="button button--small" onClick={() => open(g.conversation_id)}>
                        {t("groups.member")}
                      </button>
                    ) : pending ? (
                      <span className="pitem__state">{t("groups.requestSent")}</span>
                    ) : g.join_policy === "invite_only" ? (
                      <span className="pitem__state">{t("groups.inviteOnly")}</span>
                    ) : g.join_policy === "approval" ? (
                      <button type="button" className="button button--primary button--small" onClick={() => setJoining(g)}>
                        {t("groups.requestJoin")}
                      </button>
                    ) : (
                      <button type="button" className="button button--primary button--small" onClick={() => void join(g)}>
                        {t("groups.join")}
                      </button>
                    )}
                  </li>
                );
              })}
          </ul>
        </section>
        {Object.keys(myRequests).length > 0 && (
          <section>
            <h3 className="section-title">{t("groups.pendingMine")}</h3>
            <ul className="plist">
              {Object.values(myRequests).map((g) => (
                <li key={g.conversation_id} className="pitem">
                  <Avatar id={g.conversation_id} name={g.name} group size={36} />
                  <span className="pitem__names">
                    <span className="pitem__name">{g.name}</span>
                    <span className="pitem__sub">{t("groups.number", { number: g.number })}</span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <section>
          <h3 className="section-title">
            {t("groups.myGroups")} · {mine.length}
          </h3>
          {mine.length === 0 && <p className="panel__hint">{t("groups.noGroups")}</p>}
          <ul className="plist">
            {mine.map((c) => {
              const pending = Object.keys(joinRequests[c.conversation_id] ?? {}).length;
              return (
                <li key={c.conversation_id} className="pitem pitem--clickable" data-testid="my-group">
                  <button type="button" className="pitem__main" onClick={() => open(c.conversation_id)}>
                    <Avatar id={c.conversation_id} name={c.group?.name ?? ""} group size={36} fileId={c.group?.avatar} />
                    <span className="pitem__names">
                      <span className="pitem__name">{c.group?.name}</span>
                      <span className="pitem__sub">
                        {t("groups.number", { number: c.group?.number })} · {t("groups.memberCount", { count: c.group?.member_count ?? 0 })}
                      </span>
                    </span>
                  </button>
                  {/* The Groups tab's badge counts these: each leads to its group's requests. */}
                  {pending > 0 && (
                    <button
                      type="button"
                      className="button button--small button--primary"
                      onClick={() => {
                        open(c.conversation_id);
                        useUi.getState().set({ groupPanel: true });
                      }}
                      data-testid="group-requests"
                    >
                      {t("groups.reviewRequests", { count: pending })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      </div>
      {joining && (
        <Modal title={t("groups.requestJoin")} onClose={() => setJoining(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void join(joining, joinMsg.trim() || undefined);
            }}
          >
            <p className="confirm__text">{joining.name}</p>
            <label className="field">
              <span>{t("groups.joinMessage")}</span>
              <input className="input" maxLength={200} value={joinMsg} onChange={(e) => setJoinMsg(e.target.value)} autoFocus data-testid="join-message" />
            </label>
            <div className="form-actions">
              <button type="button" className="button" onClick={() => setJoining(null)}>
                {t("common.cancel")}
              </button>
              <button type="submit" className="button button--primary">
                {t("groups.requestJoin")}
              </button>
            </div>
          </form>
        </Modal>
      )}
      {creating && <CreateGroup onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreateGroup({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { run, busy } = useAction();
  const open = useOpenConversation();
  const [values, setValues] = useState<GroupSettingsValues>({
    name: "",
    description: "",
    join_policy: "approval",
    searchable: true,
    allow_temp_sessions: true,
  });
  return (
    <Modal title={t("groups.createTitle")} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const conversation = await createGroup(client, { ...values, name: values.name.trim(), description: values.description.trim() });
            onClose();
            open(conversation.conversation_id);
          });
        }}
      >
        <GroupSettingsFields
          value={values}
          onChange={(patch) => setValues((v) => ({ ...v, ...patch }))}
          autoFocus
          testIds={{ name: "group-name", policy: "group-policy" }}
        />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button button--primary" disabled={busy || !values.name.trim()}>
            {t("groups.create")}
          </button>
        </div>
      </form>
    </Modal>
  );
}
