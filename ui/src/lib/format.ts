const DAY = 86400000;

export function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** The locale to format dates and times in for UI language `lang`: the user's own regional
 *  preference for that language when they have one (English in Britain: 24-hour "06:49"), the
 *  language itself otherwise (English alone: "6:49 AM"). */
export function timeLocale(lang: string, preferred: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages): string {
  const base = lang.split("-")[0]?.toLowerCase();
  return preferred.find((p) => p.split("-")[0]?.toLowerCase() === base && p.includes("-")) ?? lang;
}

/** A time of day as the locale writes it (its own hour cycle and padding). */
export function formatTime(t: number, lang: string, preferred?: readonly string[]): string {
  return new Intl.DateTimeFormat(timeLocale(lang, preferred), { timeStyle: "short" }).format(t);
}

export function formatDateTime(t: number, lang: string, preferred?: readonly string[]): string {
  return new Intl.DateTimeFormat(timeLocale(lang, preferred), { dateStyle: "medium", timeStyle: "short" }).format(t);
}

/** "Today" / "Yesterday" / a date, for separators. */
export function dayLabel(t: number, lang: string, today: string, yesterday: string, now = Date.now()): string {
  const d = startOfDay(t);
  const n = startOfDay(now);
  if (d === n) return today;
  if (d === n - DAY) return yesterday;
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(lang, sameYear ? { month: "long", day: "numeric", weekday: "short" } : { dateStyle: "medium" }).format(t);
}

/** Short time for the conversation list: time today, weekday this week, else a date. */
export function listTime(t: number, lang: string, yesterday: string, now = Date.now()): string {
  if (sameDay(t, now)) return formatTime(t, lang);
  if (startOfDay(t) === startOfDay(now) - DAY) return yesterday;
  if (now - t < 6 * DAY) return new Intl.DateTimeFormat(lang, { weekday: "short" }).format(t);
  return new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric" }).format(t);
}

export function initials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return "?";
  const chars = Array.from(trimmed);
  // CJK names: the first character; Latin names: first letters of up to two words.
  if (/[\u3400-\u9fff]/.test(chars[0] ?? "")) return chars[0] ?? "?";
  const words = trimmed.split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]?.[0], words[1]?.[0]] : [chars[0], chars[1]];
  return letters.filter(Boolean).join("").toUpperCase();
}

/** A stable hue for avatars. */
export function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function charCount(s: string): number {
  return Array.from(s).length;
}

export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}
