// Replies (quotes): what a quote shows of the message it quotes, worked out the way the server
// does (PROTOCOL.md, `Quote`), so the composer's reply bar shows what the reply will carry.

import type { TFunction } from "i18next";
import type { MessageBody, QuotePreview } from "../protocol/types";

/** Characters of a quoted text the server keeps (`limits::QUOTE_PREVIEW_CHARS`). */
export const QUOTE_PREVIEW_CHARS = 100;

/** What a quote of a message with `body` shows; null for entries that cannot be quoted. */
export function previewOf(body: MessageBody): QuotePreview | null {
  switch (body.kind) {
    case "text":
      // Characters as Rust counts them (code points), not UTF-16 units.
      return { kind: "text", text: Array.from(body.text).slice(0, QUOTE_PREVIEW_CHARS).join("") };
    case "file":
      return { kind: "file", name: body.file.name };
    case "image":
      return { kind: "image" };
    case "recalled":
      return { kind: "recalled" };
    default:
      return null;
  }
}

/** The one line a quote shows. */
export function quoteText(t: TFunction, p: QuotePreview): string {
  switch (p.kind) {
    case "text":
      return p.text.replace(/\s+/g, " ");
    case "file":
      return t("chat.quoteFile", { name: p.name });
    case "image":
      return t("chat.quoteImage");
    case "recalled":
      return t("chat.quoteRecalled");
  }
}
