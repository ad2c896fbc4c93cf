// Links in message text: http(s) URLs and e-mail addresses become clickable; no other scheme
// does. A link ends at white space, at the first CJK character or full-width punctuation (so in
// `看https://example.com链接` the link is `https://example.com`), and before trailing sentence
// punctuation or a closing bracket that it did not open.

/** A run of message text: plain, or a link with the address it opens. */
export type Segment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** Characters that end a link: CJK scripts and punctuation, full-width forms, and the like. */
const STOP =
  "\\s<>\"\\u3000-\\u303f\\u3040-\\u30ff\\u3100-\\u312f\\u3130-\\u318f\\u31a0-\\u31ff\\u3200-\\u32ff" +
  "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef";
const URL_RE = new RegExp(`https?://[^${STOP}]+`, "giu");
// ASCII addresses only, so an address next to CJK text starts and ends where the Latin does.
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const TRAILING = /[.,;:!?'"*_~]+$/u;

/** Drops trailing punctuation and closing brackets the link did not open. */
function trimEnd(url: string): string {
  let out = url.replace(TRAILING, "");
  for (;;) {
    const last = out.slice(-1);
    const open = last === ")" ? "(" : last === "]" ? "[" : last === "}" ? "{" : "";
    if (!open) return out;
    const opened = out.split(open).length - 1;
    const closed = out.split(last).length - 1;
    if (closed <= opened) return out;
    out = out.slice(0, -1).replace(TRAILING, "");
  }
}

interface Match {
  start: number;
  end: number;
  href: string;
}

/** Splits `text` into plain runs and links, in order. */
export function linkify(text: string): Segment[] {
  const found: Match[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimEnd(m[0]);
    // A bare scheme ("https://") is not a link.
    if (url.length <= m[0].indexOf("//") + 2) continue;
    found.push({ start: m.index, end: m.index + url.length, href: url });
  }
  for (const m of text.matchAll(EMAIL_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    // An address inside a URL (https://user@host/…) belongs to the URL.
    if (found.some((f) => start < f.end && end > f.start)) continue;
    found.push({ start, end, href: `mailto:${m[0]}` });
  }
  found.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const f of found) {
    if (f.start > at) out.push({ kind: "text", text: text.slice(at, f.start) });
    out.push({ kind: "link", text: text.slice(f.start, f.end), href: f.href });
    at = f.end;
  }
  if (at < text.length) out.push({ kind: "text", text: text.slice(at) });
  return out;
}
