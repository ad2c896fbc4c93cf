import { describe, expect, it } from "vitest";
import { linkify } from "./linkify";

const links = (text: string) => linkify(text).flatMap((s) => (s.kind === "link" ? [s.href] : []));

describe("linkify", () => {
  it("finds http(s) links and keeps the text around them", () => {
    expect(linkify("see https://example.com/a?b=1#c now")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1#c", href: "https://example.com/a?b=1#c" },
      { kind: "text", text: " now" },
    ]);
    expect(links("http://a.example and https://b.example")).toEqual(["http://a.example", "https://b.example"]);
  });

  it("ends a link at the first CJK character or full-width punctuation", () => {
    expect(links("看https://example.com链接")).toEqual(["https://example.com"]);
    expect(links("网址：https://example.com/路径")).toEqual(["https://example.com/"]);
    expect(links("https://example.com，谢谢")).toEqual(["https://example.com"]);
    expect(links("https://example.com。")).toEqual(["https://example.com"]);
  });

  it("leaves out trailing punctuation and unopened brackets", () => {
    expect(links("Go to https://example.com.")).toEqual(["https://example.com"]);
    expect(links("(see https://example.com/x)")).toEqual(["https://example.com/x"]);
    expect(links("https://en.wikipedia.org/wiki/Rust_(language)")).toEqual(["https://en.wikipedia.org/wiki/Rust_(language)"]);
  });

  it("makes e-mail addresses mailto links", () => {
    expect(links("mail me: alice@example.com!")).toEqual(["mailto:alice@example.com"]);
    expect(links("写信给alice@example.com吧")).toEqual(["mailto:alice@example.com"]);
  });

  it("never links other schemes", () => {
    expect(links("javascript:alert(1) data:text/html,x ftp://example.com file:///etc/passwd")).toEqual([]);
    expect(links("https://")).toEqual([]);
  });
});
