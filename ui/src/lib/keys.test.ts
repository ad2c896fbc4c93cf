import { describe, expect, it } from "vitest";
import { isApple, shortcutLabel } from "./keys";

describe("shortcut hints", () => {
  it("say ⌘ on Apple systems and Ctrl elsewhere", () => {
    expect(isApple("MacIntel")).toBe(true);
    expect(isApple("iPhone")).toBe(true);
    expect(isApple("Linux x86_64")).toBe(false);
    expect(isApple("Win32")).toBe(false);
    expect(shortcutLabel("k", true)).toBe("⌘K");
    expect(shortcutLabel("k", false)).toBe("Ctrl+K");
  });
});
