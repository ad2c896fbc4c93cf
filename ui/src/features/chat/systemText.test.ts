import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import en from "../../i18n/en";
import zhCN from "../../i18n/zh-CN";
import { systemText } from "./systemText";

const names: Record<string, string> = { ua: "Alice", ub: "Bob" };
const nameOf = (id: string) => (id === "ua" ? "You" : (names[id] ?? "…"));

beforeAll(async () => {
  await i18next.init({ lng: "en", resources: { en: { translation: en }, "zh-CN": { translation: zhCN } }, interpolation: { escapeValue: false } });
});

describe("systemText", () => {
  it("names the actor and the target, with 'you' in object position", () => {
    const t = i18next.t.bind(i18next);
    expect(systemText(t, "en", { kind: "removed", user_id: "ub" }, "ua", nameOf, "ua")).toBe("You removed Bob from the group");
    expect(systemText(t, "en", { kind: "admin_added", user_id: "ua" }, "ub", nameOf, "ua")).toBe("Bob made you an admin");
    expect(systemText(t, "en", { kind: "muted_all", on: true }, "ub", nameOf, "ua")).toBe("Bob turned on mute for all members");
    expect(systemText(t, "en", { kind: "updated", name: "New" }, "ub", nameOf, "ua")).toBe("Bob renamed the group to “New”");
    expect(systemText(t, "en", { kind: "dissolved" }, "ub", nameOf, "ua")).toBe("Bob dissolved the group");
  });

  it("uses the profile carried by a joined entry for unknown users", () => {
    const t = i18next.t.bind(i18next);
    const carol = { user_id: "uc", username: "carol", display_name: "Carol" };
    expect(systemText(t, "en", { kind: "joined", user: carol, by: "ub" }, "ub", nameOf, "ua")).toBe("Bob added Carol to the group");
    expect(systemText(t, "en", { kind: "joined", user: carol }, "uc", nameOf, "ua")).toBe("Carol joined the group");
  });

  it("translates into Chinese", async () => {
    await i18next.changeLanguage("zh-CN");
    const t = i18next.t.bind(i18next);
    expect(systemText(t, "zh-CN", { kind: "left", user_id: "ub" }, "ub", nameOf, "ua")).toBe("Bob 退出了群聊");
    await i18next.changeLanguage("en");
  });
});
