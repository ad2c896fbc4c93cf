// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import { insertAt, recentEmoji, rememberEmoji } from "./emoji";

beforeEach(() => localStorage.clear());

describe("emoji", () => {
  it("inserts at the selection and moves the caret past the emoji", () => {
    expect(insertAt("hello world", 5, 5, "👋")).toEqual({ text: "hello👋 world", caret: 7 });
    expect(insertAt("replace me", 0, 8, "✨")).toEqual({ text: "✨me", caret: 1 });
  });

  it("remembers recent emoji newest first, once each, at most 16", () => {
    for (const e of ["😀", "😂", "😀"]) rememberEmoji(e);
    expect(recentEmoji()).toEqual(["😀", "😂"]);
    for (let i = 0; i < 20; i++) rememberEmoji(String.fromCodePoint(0x1f400 + i));
    expect(recentEmoji()).toHaveLength(16);
    localStorage.setItem("liao.recentEmoji", "not json");
    expect(recentEmoji()).toEqual([]);
  });
});
