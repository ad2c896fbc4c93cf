import { describe, expect, it } from "vitest";
import { fakeRequester } from "../../protocol/fakeRequester";
import { fileUrls } from "./actions";

describe("file actions", () => {
  it("asks for signed URLs", async () => {
    const c = fakeRequester({ kind: "file_urls", url: "/api/files/f1?sig=x", thumbnail_url: "/api/files/f1/thumb?sig=x", expires_at: 600_000 });
    expect(await fileUrls(c, "f1")).toMatchObject({ url: "/api/files/f1?sig=x", thumbnail_url: "/api/files/f1/thumb?sig=x", expires_at: 600_000 });
    expect(c.sent()).toEqual({ json: '{"type":"file_urls","file_id":"f1"}', expect: ["file_urls"] });
  });
});
