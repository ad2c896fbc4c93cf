/** Whether this is an Apple system, where shortcuts use ⌘ rather than Ctrl. */
export function isApple(platform: string = typeof navigator === "undefined" ? "" : (navigator.platform || navigator.userAgent)): boolean {
  return /Mac|iPhone|iPad|iPod/i.test(platform);
}

/** How a Ctrl/⌘ + `key` shortcut is written here: "⌘K" on Apple systems, "Ctrl+K" elsewhere. */
export function shortcutLabel(key: string, apple: boolean = isApple()): string {
  return apple ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}
