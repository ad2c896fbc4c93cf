import { describe, expect, it } from "vitest";
import { insertMention, mentionQuery } from "./mentionQuery";

describe("mention picker helpers", () => {
  it("finds the @query before the caret", () => {
    expect(mentionQuery("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("mail me@example", 15)).toBeNull();
    expect(mentionQuery("hi @bob and", 11)).toBeNull();
  });
  it("inserts the chosen name", () => {
    expect(insertMention("hi @bo!", 3, 6, "Bob")).toEqual({ text: "hi @Bob !", caret: 8 });
  });
});
