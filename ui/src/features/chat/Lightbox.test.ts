import { describe, expect, it } from "vitest";
import type { Message } from "../../protocol/types";
import { conversationImages } from "./Lightbox";

const file = (id: string) => ({ file_id: id, name: `${id}.png`, size: 1, mime: "image/png" });
const msg = (seq: number, body: Message["body"]): Message => ({ message_id: `m${seq}`, conversation_id: "c", seq, sender_id: "u", sent_at: seq, body });

describe("lightbox", () => {
  it("lists the conversation's images in seq order, skipping other messages", () => {
    const items = {
      1: msg(1, { kind: "image", file: file("a") }),
      2: msg(2, { kind: "text", text: "hi" }),
      3: msg(3, { kind: "file", file: { ...file("f"), mime: "text/plain" } }),
      4: msg(4, { kind: "image", file: file("b") }),
    };
    expect(conversationImages(items, [1, 2, 3, 4]).map((f) => f.file_id)).toEqual(["a", "b"]);
    expect(conversationImages(undefined, undefined)).toEqual([]);
  });
});
