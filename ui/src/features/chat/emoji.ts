// The composer's emoji: the sets the picker offers and the recently used ones (kept per browser
// or desktop install in localStorage, newest first).

/** Emoji sets, in picker order; `key` names the set's label under `chat.emojiSets`. */
export const EMOJI_SETS: ReadonlyArray<{ key: string; emoji: readonly string[] }> = [
  {
    key: "smileys",
    emoji: [
      "😀", "😁", "😂", "🤣", "😊", "😇", "🙂", "😉", "😍", "🥰", "😘", "😋", "😜", "🤪", "😎", "🤩",
      "🥳", "😏", "😌", "😴", "🤔", "🤫", "🤭", "🙄", "😬", "😮", "😲", "😳", "🥺", "😢", "😭", "😤",
      "😡", "🤯", "😱", "😅", "😆", "🙃", "🤗", "😷",
    ],
  },
  {
    key: "gestures",
    emoji: ["👍", "👎", "👌", "✌️", "🤞", "🤝", "👏", "🙌", "🙏", "💪", "👋", "🤙", "👉", "👀", "🫡", "🤷"],
  },
  {
    key: "hearts",
    emoji: ["❤️", "🧡", "💛", "💚", "💙", "💜", "🖤", "🤍", "💔", "💯", "✨", "🔥", "⭐", "🎉", "🎊", "🎁"],
  },
  {
    key: "things",
    emoji: ["☕", "🍵", "🍺", "🍻", "🍰", "🍜", "🍚", "🥟", "🍎", "🍉", "🌹", "🌸", "☀️", "🌙", "🌧️", "⛄",
      "🐶", "🐱", "🐼", "🐧", "📷", "💻", "📱", "📌", "📎", "✅", "❌", "❓", "⏰", "🚀", "🏠", "🧧"],
  },
];

const KEY = "liao.recentEmoji";
const MAX_RECENT = 16;

/** The recently used emoji, newest first. */
export function recentEmoji(): string[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === "string").slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** Records a use of `emoji`: it moves to the front of the recent ones. */
export function rememberEmoji(emoji: string): void {
  const next = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or disabled: recents are a convenience.
  }
}

/** `text` with `emoji` inserted at `[start, end)`; the caret position after it. */
export function insertAt(text: string, start: number, end: number, emoji: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + emoji + text.slice(end), caret: start + emoji.length };
}
