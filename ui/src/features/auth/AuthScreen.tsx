import { useState, type ChangeEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useClient } from "../../hooks/useClient";
import { useErrorText } from "../../hooks/useErrorText";
import { useSession } from "../../state/session";
import { LanguageSwitch } from "../shell/LanguageSwitch";
import "./AuthScreen.css";

/** PROTOCOL.md: passwords have at least 8 characters. */
const PASSWORD_MIN_CHARS = 8;

export function AuthScreen() {
  const { t } = useTranslation();
  const client = useClient();
  const errorText = useErrorText();
  const status = useSession((s) => s.status);
  const endedBy = useSession((s) => s.endedBy);
  const [mode, setMode] = useState<"login" | "register">("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Resuming a stored session: show a quiet splash instead of the form.
  if (client.hasToken && status !== "logged_out") {
    return (
      <main className="auth auth--splash" aria-busy="true">
        <div className="auth__logo" aria-hidden="true">聊</div>
        <p>{t(`conn.${status === "syncing" ? "syncing" : "connecting"}`)}</p>
      </main>
    );
  }

  // An error is about what was submitted: editing any field clears it.
  const edit = (set: (v: string) => void) => (e: ChangeEvent<HTMLInputElement>) => {
    set(e.target.value);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Said in the form, where the other errors are, not in the browser's own popup.
    if (mode === "register" && [...password].length < PASSWORD_MIN_CHARS) {
      setError(t("errors.weak_password"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (mode === "login") await client.login(username.trim(), password);
      else await client.register(username.trim(), password, displayName.trim());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <div className="auth__lang">
        <LanguageSwitch />
      </div>
      <form className="auth__card" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <div className="auth__logo" aria-hidden="true">聊</div>
        <h1 id="auth-title">{mode === "login" ? t("auth.signIn") : t("auth.register")}</h1>
        <p className="auth__tagline">{t("app.tagline")}</p>
        {endedBy && <p className="form-error">{endedBy === "account_disabled" ? t("auth.accountDisabled") : t("auth.sessionEnded")}</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <label className="field">
          <span>{t("auth.username")}</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={edit(setUsername)}
          />
          {mode === "register" && <small>{t("auth.usernameHint")}</small>}
        </label>
        {mode === "register" && (
          <label className="field">
            <span>{t("auth.displayName")}</span>
            <input className="input" name="display_name" autoComplete="nickname" maxLength={64} value={displayName} onChange={edit(setDisplayName)} />
          </label>
        )}
        <label className="field">
          <span>{t("auth.password")}</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete={mode === "login" ? "current-password" : "new-password"}
            required
            value={password}
            onChange={edit(setPassword)}
          />
          {mode === "register" && <small>{t("auth.passwordHint")}</small>}
        </label>
        <button className="button button--primary button--block auth__submit" type="submit" disabled={busy}>
          {busy ? t("auth.working") : mode === "login" ? t("auth.submitLogin") : t("auth.submitRegister")}
        </button>
        <p className="auth__switch">
          {mode === "login" ? t("auth.noAccount") : t("auth.haveAccount")}{" "}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setMode(mode === "login" ? "register" : "login");
              setError(null);
            }}
          >
            {mode === "login" ? t("auth.register") : t("auth.signIn")}
          </button>
        </p>
      </form>
    </main>
  );
}
