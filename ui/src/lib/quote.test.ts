import { describe, expect, it } from "vitest";
import type { TFunction } from "i18next";
import { previewOf, QUOTE_PREVIEW_CHARS, quoteText } from "./quote";

const t = ((key: string, o?: { name?: string }) => (o?.name ? `${key}:${o.name}` : key)) as unknown as TFunction;

describe("previewOf", () => {
  it("cuts text to its first characters, counting code points as the server does", () => {
    const long = "😀".repeat(QUOTE_PREVIEW_CHARS + 5);
    const p = previewOf({ kind: "text", text: long });
    expect(p).toEqual({ kind: "text", text: "😀".repeat(QUOTE_PREVIEW_CHARS) });
  });
  it("names files, and marks images and recalled messages", () => {
    const file = { file_id: "f1", name: "plan.pdf", size: 3, mime: "application/pdf" };
    expect(previewOf({ kind: "file", file })).toEqual({ kind: "file", name: "plan.pdf" });
    expect(previewOf({ kind: "image", file })).toEqual({ kind: "image" });
    expect(previewOf({ kind: "recalled", recalled_at: 1 })).toEqual({ kind: "recalled" });
  });
  it("refuses recall and system entries, as the server does", () => {
    expect(previewOf({ kind: "recall", message_id: "m1", target_seq: 1 })).toBeNull();
    expect(previewOf({ kind: "system", event: { kind: "created", name: "x" } })).toBeNull();
  });
});

describe("quoteText", () => {
  it("shows text on one line and the others by kind", () => {
    expect(quoteText(t, { kind: "text", text: "a\n\nb" })).toBe("a b");
    expect(quoteText(t, { kind: "file", name: "x.zip" })).toBe("chat.quoteFile:x.zip");
    expect(quoteText(t, { kind: "image" })).toBe("chat.quoteImage");
    expect(quoteText(t, { kind: "recalled" })).toBe("chat.quoteRecalled");
  });
});
