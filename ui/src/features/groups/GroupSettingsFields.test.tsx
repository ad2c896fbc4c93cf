// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { initI18n } from "../../i18n";
import type { GroupSettingsValues } from "./actions";
import { GroupSettingsFields } from "./GroupSettingsFields";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

initI18n();

const values: GroupSettingsValues = { name: "Tea", description: "About tea", join_policy: "approval", searchable: true, allow_temp_sessions: false };

async function render(props: Partial<Parameters<typeof GroupSettingsFields>[0]> = {}) {
  const patches: Array<Partial<GroupSettingsValues>> = [];
  const el = document.createElement("form");
  document.body.append(el);
  const root = createRoot(el);
  await act(async () => root.render(<GroupSettingsFields value={values} onChange={(p) => patches.push(p)} {...props} />));
  return { el, patches, unmount: () => act(async () => root.unmount()) };
}

/** Sets a text field's value the way typing does, so React sees the change. */
function type(input: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  const proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, "value")?.set?.call(input, text);
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("GroupSettingsFields", () => {
  it("shows the five settings, labelled, with their values", async () => {
    const { el, unmount } = await render();
    expect([...el.querySelectorAll("label > span")].map((s) => s.textContent)).toEqual(["Group name", "Description", "Who can join"]);
    expect([...el.querySelectorAll("label.check")].map((l) => l.textContent)).toEqual(["Appears in search", "Members may start temporary chats"]);
    expect(el.querySelector("input.input")?.getAttribute("value")).toBe("Tea");
    expect(el.querySelector("textarea")?.value).toBe("About tea");
    expect(el.querySelector("select")?.value).toBe("approval");
    expect([...el.querySelectorAll<HTMLInputElement>("input[type=checkbox]")].map((c) => c.checked)).toEqual([true, false]);
    expect(el.querySelector("[data-testid]")).toBeNull();
    await unmount();
  });

  it("carries the test ids it is given and focuses the name when asked", async () => {
    const { el, unmount } = await render({ autoFocus: true, testIds: { name: "group-name", policy: "group-policy" } });
    expect(el.querySelector("[data-testid=group-name]")).toBe(el.querySelector("input.input"));
    expect(el.querySelector("[data-testid=group-policy]")).toBe(el.querySelector("select"));
    expect(document.activeElement).toBe(el.querySelector("input.input"));
    await unmount();
  });

  it("reports each edit as the one field that changed", async () => {
    const { el, patches, unmount } = await render();
    await act(async () => type(el.querySelector<HTMLInputElement>("input.input")!, "Coffee"));
    await act(async () => type(el.querySelector("textarea")!, "Beans"));
    await act(async () => {
      const select = el.querySelector("select")!;
      select.value = "invite_only";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    for (const box of el.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) await act(async () => box.click());
    expect(patches).toEqual([{ name: "Coffee" }, { description: "Beans" }, { join_policy: "invite_only" }, { searchable: false }, { allow_temp_sessions: true }]);
    await unmount();
  });
});
