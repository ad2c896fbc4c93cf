import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Avatar } from "../../components/Avatar";
import { Modal } from "../../components/Modal";
import { useAction } from "../../hooks/useAction";
import { useClient } from "../../hooks/useClient";
import { usePlatform } from "../../hooks/usePlatform";
import { usePickAndUploadImage } from "../../hooks/useUploadImage";
import { formatDateTime } from "../../lib/format";
import type { DesktopSettings } from "../../platform/platform";
import type { SessionInfo } from "../../protocol/types";
import { usePrefs } from "../../state/prefs";
import { useSession } from "../../state/session";
import { useToasts } from "../../state/toasts";
import { useReceipts } from "../../state/receipts";
import { changePassword, listSessions, revokeSession, setAvatar, setReadReceipts, updateProfile } from "./actions";
import { LanguageSwitch } from "./LanguageSwitch";
import "../../components/Panel.css";

/** Profile, password, signed-in devices, language and notifications. */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const platform = usePlatform();
  const { run, busy } = useAction();
  const user = useSession((s) => s.user);
  const pickImage = usePickAndUploadImage();
  const [name, setName] = useState(user?.display_name ?? "");
  const [oldPw, setOldPw] = useState("");
  const [newPw, setNewPw] = useState("");
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [perm, setPerm] = useState(platform.notificationPermission());
  const prefs = usePrefs();
  const settings = useReceipts((s) => s.settings);
  const [desktop, setDesktop] = useState<DesktopSettings | null>(null);

  useEffect(() => {
    platform.desktopSettings
      ?.get()
      .then(setDesktop)
      .catch(() => setDesktop(null));
  }, [platform]);
  const changeDesktop = (p: Partial<DesktopSettings>) => {
    if (!desktop || !platform.desktopSettings) return;
    void run(async () => setDesktop(await platform.desktopSettings!.set({ ...desktop, ...p })));
  };

  useEffect(() => {
    listSessions(client)
      .then(setSessions)
      .catch(() => setSessions([]));
  }, [client]);

  if (!user) return null;
  return (
    <Modal title={t("settings.title")} onClose={onClose} wide>
      <div className="settings">
        <section aria-labelledby="set-profile">
          <h3 id="set-profile" className="section-title">
            {t("settings.profile")}
          </h3>
          <div className="settings__me">
            <Avatar id={user.user_id} name={user.display_name} size={48} fileId={user.avatar} />
            <div className="settings__grow">
              <strong>{user.display_name}</strong>
              <div className="pitem__sub">
                {t("settings.username")}: @{user.username}
              </div>
            </div>
            <button
              type="button"
              className="button button--small"
              data-testid="change-avatar"
              onClick={() =>
                void run(async () => {
                  const fileId = await pickImage();
                  if (!fileId) return;
                  const profile = await setAvatar(client, fileId);
                  useSession.getState().set({ user: profile });
                })
              }
            >
              {t("settings.changeAvatar")}
            </button>
            {user.avatar && (
              <button type="button" className="button button--small button--ghost" onClick={() =>
                  void run(async () => {
                    const profile = await setAvatar(client, null);
                    useSession.getState().set({ user: profile });
                  })
                }>
                {t("settings.removeAvatar")}
              </button>
            )}
          </div>
          <form
            className="settings__row"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                const profile = await updateProfile(client, name.trim());
                useSession.getState().set({ user: profile });
                useToasts.getState().push(t("common.saved"), "info");
              });
            }}
          >
            <label className="field settings__grow">
              <span>{t("settings.displayName")}</span>
              <input className="input" required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit" className="button button--primary" disabled={busy || !name.trim() || name.trim() === user.display_name}>
              {t("common.save")}
            </button>
          </form>
        </section>

        <section aria-labelledby="set-password">
          <h3 id="set-password" className="section-title">
            {t("settings.password")}
          </h3>
          <form
            className="settings__row"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await changePassword(client, oldPw, newPw);
                setOldPw("");
                setNewPw("");
                useToasts.getState().push(t("settings.passwordChanged"), "info");
              });
            }}
          >
            <label className="field settings__grow">
              <span>{t("settings.oldPassword")}</span>
              <input className="input" type="password" autoComplete="current-password" required value={oldPw} onChange={(e) => setOldPw(e.target.value)} />
            </label>
            <label className="field settings__grow">
              <span>{t("settings.newPassword")}</span>
              <input className="input" type="password" autoComplete="new-password" required minLength={8} value={newPw} onChange={(e) => setNewPw(e.target.value)} />
            </label>
            <button type="submit" className="button" disabled={busy}>
              {t("settings.changePassword")}
            </button>
          </form>
        </section>

        <section aria-labelledby="set-sessions">
          <h3 id="set-sessions" className="section-title">
            {t("settings.sessions")}
          </h3>
          {sessions === null && <p className="panel__hint">{t("common.loading")}</p>}
          <ul className="plist">
            {sessions?.map((s) => (
              <li key={s.session_id} className="pitem">
                <span className="pitem__names">
                  <span className="pitem__name">
                    {s.device ?? t("settings.unknownDevice")} {s.current && <span className="pill">{t("settings.thisDevice")}</span>}
                  </span>
                  <span className="pitem__sub">{t("settings.lastSeen", { time: formatDateTime(s.last_seen_at, i18n.language) })}</span>
                </span>
                {!s.current && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() =>
                      void run(async () => {
                        await revokeSession(client, s.session_id);
                        setSessions((list) => list?.filter((x) => x.session_id !== s.session_id) ?? null);
                      })
                    }
                  >
                    {t("settings.revoke")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="set-privacy">
          <h3 id="set-privacy" className="section-title">
            {t("settings.privacy")}
          </h3>
          <label className="check">
            <input
              type="checkbox"
              data-testid="pref-read-receipts"
              checked={settings?.read_receipts ?? true}
              disabled={busy || settings === null}
              onChange={(e) => {
                // Shown at once; put back if the server refuses.
                const on = e.target.checked;
                const before = settings;
                useReceipts.getState().setSettings({ read_receipts: on });
                void run(async () => {
                  try {
                    useReceipts.getState().setSettings(await setReadReceipts(client, on));
                  } catch (err) {
                    if (before) useReceipts.getState().setSettings(before);
                    throw err;
                  }
                });
              }}
            />
            {t("settings.readReceipts")}
          </label>
          <p className="panel__hint">{t("settings.readReceiptsHint")}</p>
        </section>

        <section className="settings__row settings__prefs">
          <label className="field">
            <span>{t("nav.language")}</span>
            <LanguageSwitch className="select" />
          </label>
          <div className="field">
            <span>{t("settings.notifications")}</span>
            {perm === "granted" ? (
              <p className="panel__hint">{t("nav.notificationsOn")}</p>
            ) : perm === "denied" ? (
              <p className="panel__hint">{t("nav.notificationsBlocked")}</p>
            ) : perm === "default" ? (
              <button type="button" className="button" onClick={() => void platform.requestNotificationPermission().then(setPerm)}>
                {t("nav.enableNotifications")}
              </button>
            ) : null}
            <label className="check">
              <input type="checkbox" data-testid="pref-dnd" checked={prefs.dnd} onChange={(e) => prefs.set({ dnd: e.target.checked })} />
              {t("settings.dnd")}
            </label>
            <label className="check">
              <input type="checkbox" data-testid="pref-preview" checked={prefs.preview} onChange={(e) => prefs.set({ preview: e.target.checked })} />
              {t("settings.preview")}
            </label>
          </div>
          {desktop && (
            <div className="field">
              <span>{t("settings.desktop")}</span>
              <label className="check">
                <input type="checkbox" data-testid="pref-close-to-tray" checked={desktop.close_to_tray} disabled={busy} onChange={(e) => changeDesktop({ close_to_tray: e.target.checked })} />
                {t("settings.closeToTray")}
              </label>
              <label className="check">
                <input type="checkbox" data-testid="pref-start-on-login" checked={desktop.start_on_login} disabled={busy} onChange={(e) => changeDesktop({ start_on_login: e.target.checked })} />
                {t("settings.startOnLogin")}
              </label>
            </div>
          )}
        </section>
        <div className="form-actions">
          <button type="button" className="button button--danger" onClick={() => void client.logout()}>
            {t("nav.logout")}
          </button>
        </div>
      </div>
    </Modal>
  );
}
