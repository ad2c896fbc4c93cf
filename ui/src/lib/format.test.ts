import { describe, expect, it } from "vitest";
import { formatTime, timeLocale } from "./format";

// 06:49 local time.
const morning = new Date(2026, 0, 2, 6, 49).getTime();
const evening = new Date(2026, 0, 2, 18, 5).getTime();

describe("times follow the locale", () => {
  it("writes the hour as the locale does, not always two digits with AM/PM", () => {
    expect(formatTime(morning, "en", ["en-US"])).toMatch(/^6:49\sAM$/);
    expect(formatTime(morning, "en", ["en-GB"])).toBe("06:49");
    expect(formatTime(evening, "en", ["en-GB", "en-US"])).toBe("18:05");
    expect(formatTime(morning, "zh-CN", ["en-US"])).toBe("06:49");
  });

  it("takes the user's region for the UI language only", () => {
    expect(timeLocale("en", ["de-DE", "en-GB"])).toBe("en-GB");
    expect(timeLocale("en", ["de-DE"])).toBe("en");
    expect(timeLocale("zh-CN", ["zh-TW", "en-US"])).toBe("zh-TW");
    expect(timeLocale("zh-CN", [])).toBe("zh-CN");
  });
});
