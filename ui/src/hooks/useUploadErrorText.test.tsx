// @vitest-environment jsdom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { initI18n } from "../i18n";
import { useUploadErrorText } from "./useUploadErrorText";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function Texts({ errors }: { errors: unknown[] }) {
  const text = useUploadErrorText();
  return <ul>{errors.map((e, i) => <li key={i}>{text(e)}</li>)}</ul>;
}

async function texts(lang: string, errors: unknown[]): Promise<string[]> {
  const i18n = initI18n();
  await i18n.changeLanguage(lang);
  const el = document.createElement("div");
  const root = createRoot(el);
  await act(async () => root.render(<Texts errors={errors} />));
  const out = [...el.querySelectorAll("li")].map((li) => li.textContent ?? "");
  await act(async () => root.unmount());
  return out;
}

describe("upload error texts", () => {
  it("says the server's storage is full for 507 storage_full, and uses the error code's text otherwise", async () => {
    expect(await texts("en", [{ code: "storage_full" }, "server_busy", { code: "quota_exceeded" }, new Error("x")])).toEqual([
      "The server's storage is full; try again later.",
      "The server is busy. Please try again shortly.",
      "Your storage quota is full.",
      "Something went wrong.",
    ]);
    expect(await texts("zh-CN", [{ code: "storage_full" }])).toEqual(["服务器存储空间已满，请稍后再试。"]);
    await texts("en", []);
  });
});
