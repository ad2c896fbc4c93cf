import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../shell/LanguageSwitch";
import { desktopApi, isDesktopError, type Probe } from "../../platform/desktop";
import "../auth/AuthScreen.css";
import "./ServerSetup.css";

interface Props {
  /** Called once the server's certificate is trusted (pinned). */
  onReady(origin: string): void;
}

/** Desktop first run: the server address, then confirming its certificate fingerprint (trust on first use). */
export function ServerSetup({ onReady }: Props) {
  const { t } = useTranslation();
  const [address, setAddress] = useState("");
  const [probe, setProbe] = useState<Probe | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(true);

  const describe = (err: unknown): string => {
    if (!isDesktopError(err)) return String(err);
    setChanged(err.kind === "certificate_changed");
    const key = `server.errors.${err.kind}`;
    return t(key, { defaultValue: t("server.errors.network") }) + ` (${err.message})`;
  };

  const check = async (addr: string) => {
    setBusy(true);
    setError(null);
    setChanged(false);
    try {
      const p = await desktopApi.connect(addr);
      if (p.known) onReady(p.origin);
      else setProbe(p);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  // Reconnect to the last server at start-up (no questions when its certificate is unchanged).
  useEffect(() => {
    void desktopApi.lastServer().then((last) => {
      if (last) {
        setAddress(last);
        void check(last);
      } else setBusy(false);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void check(address);
  };

  const trust = async () => {
    if (!probe) return;
    setBusy(true);
    try {
      await desktopApi.trust(probe.fingerprint);
      onReady(probe.origin);
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <div className="auth__lang">
        <LanguageSwitch />
      </div>
      {probe ? (
        <section className="auth__card server-setup" aria-labelledby="server-title">
          <div className="auth__logo" aria-hidden="true">聊</div>
          <h1 id="server-title">{t("server.confirmTitle")}</h1>
          <p>{t("server.confirmText", { server: probe.origin })}</p>
          <code id="server-fingerprint" className="server-setup__fingerprint">
            {probe.fingerprint}
          </code>
          <p className="auth__tagline">{t("server.confirmHint")}</p>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="server-setup__actions">
            <button type="button" className="button" onClick={() => setProbe(null)} disabled={busy}>
              {t("common.back")}
            </button>
            <button id="server-trust" type="button" className="button button--primary" onClick={() => void trust()} disabled={busy}>
              {t("server.trust")}
            </button>
          </div>
        </section>
      ) : (
        <form className="auth__card server-setup" onSubmit={submit} aria-labelledby="server-title">
          <div className="auth__logo" aria-hidden="true">聊</div>
          <h1 id="server-title">{t("server.title")}</h1>
          <p className="auth__tagline">{t("server.intro")}</p>
          {error && (
            <p className={changed ? "form-error server-setup__alarm" : "form-error"} role="alert">
              {error}
            </p>
          )}
          <label className="field">
            <span>{t("server.address")}</span>
            <input
              id="server-address"
              className="input"
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              placeholder="chat.example.com:8443"
              autoComplete="url"
              autoCapitalize="none"
              spellCheck={false}
              required
            />
          </label>
          <button id="server-connect" type="submit" className="button button--primary button--block auth__submit" disabled={busy || !address.trim()}>
            {busy ? t("auth.working") : t("server.connect")}
          </button>
        </form>
      )}
    </main>
  );
}
