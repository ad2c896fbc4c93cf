import { describe, expect, it } from "vitest";
import { isSendKey } from "./composerKeys";

describe("isSendKey", () => {
  it("sends on Enter", () => {
    expect(isSendKey({ key: "Enter", shiftKey: false, keyCode: 13, nativeEvent: { isComposing: false } })).toBe(true);
  });
  it("inserts a newline on Shift+Enter", () => {
    expect(isSendKey({ key: "Enter", shiftKey: true, keyCode: 13 })).toBe(false);
  });
  it("never sends while an IME is composing", () => {
    expect(isSendKey({ key: "Enter", shiftKey: false, keyCode: 13, nativeEvent: { isComposing: true } })).toBe(false);
    // Safari and older Chrome report the composing Enter as keyCode 229 instead.
    expect(isSendKey({ key: "Enter", shiftKey: false, keyCode: 229, nativeEvent: { isComposing: false } })).toBe(false);
    expect(isSendKey({ key: "Enter", shiftKey: false, nativeEvent: { keyCode: 229 } })).toBe(false);
  });
  it("never sends between compositionstart and compositionend", () => {
    expect(isSendKey({ key: "Enter", shiftKey: false, keyCode: 13, nativeEvent: { isComposing: false } }, true)).toBe(false);
  });
  it("ignores other keys", () => {
    expect(isSendKey({ key: "a", shiftKey: false })).toBe(false);
    expect(isSendKey({ key: "Process", shiftKey: false, keyCode: 229 })).toBe(false);
  });
});
