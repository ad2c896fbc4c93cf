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
    // An approval is not an addition (was "Bob added Carol to the group").
    expect(systemText(t, "en", { kind: "joined", user: carol, by: "ub", approved: true }, "ub", nameOf, "ua")).toBe("Bob approved Carol's request to join");
    const me = { user_id: "ua", username: "alice", display_name: "Alice" };
    expect(systemText(t, "en", { kind: "joined", user: me, by: "ub", approved: true }, "ub", nameOf, "ua")).toBe("Bob approved your request to join");
  });

  it("translates into Chinese", async () => {
    await i18next.changeLanguage("zh-CN");
    const t = i18next.t.bind(i18next);
    expect(systemText(t, "zh-CN", { kind: "left", user_id: "ub" }, "ub", nameOf, "ua")).toBe("Bob退出了群聊");
    // No stray spaces around names, "you" included (was "你 已将 Carol 加入群聊").
    const zhNameOf = (id: string) => (id === "ua" ? "你" : (names[id] ?? "…"));
    const carol = { user_id: "uc", username: "carol", display_name: "Carol" };
    expect(systemText(t, "zh-CN", { kind: "joined", user: carol, by: "ua" }, "ua", zhNameOf, "ua")).toBe("你已将Carol加入群聊");
    expect(systemText(t, "zh-CN", { kind: "admin_added", user_id: "ub" }, "ua", zhNameOf, "ua")).toBe("你将Bob设为管理员");
    await i18next.changeLanguage("en");
  });
});
