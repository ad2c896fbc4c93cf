import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../../i18n";

export function LanguageSwitch({ className = "select lang-select", short = false }: { className?: string; short?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t("nav.language")}</span>
      <select className={className} title={t("nav.language")} value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)} data-testid="language">
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {short ? (l === "en" ? "EN" : "中文") : t(`language.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
