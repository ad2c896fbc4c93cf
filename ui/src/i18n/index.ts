import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en";
import zhCN from "./zh-CN";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = "liao.lang";

export function detectLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored === "en" || stored === "zh-CN") return stored;
  for (const l of browser) {
    const lower = l.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function initI18n(): typeof i18n {
  const lng = detectLanguage(storedLanguage(), typeof navigator === "undefined" ? [] : navigator.languages);
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    lng,
    fallbackLng: "en",
    interpolation: { escapeValue: false }, // React escapes; nothing is rendered as HTML
    returnNull: false,
  });
  document.documentElement.lang = lng;
  return i18n;
}

export function setLanguage(lng: Language): void {
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    /* ignore */
  }
}
