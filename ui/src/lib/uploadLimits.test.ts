import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES, MAX_IMAGE_BYTES, refuseUpload, uploadKind } from "./uploadLimits";

describe("upload limits", () => {
  it("refuses too large files and images, and files in groups, before uploading", () => {
    expect(uploadKind({ type: "image/png" })).toBe("image");
    expect(uploadKind({ type: "image/svg+xml" })).toBe("file");
    expect(refuseUpload({ size: MAX_IMAGE_BYTES }, "image", "direct")).toBeNull();
    expect(refuseUpload({ size: MAX_IMAGE_BYTES + 1 }, "image", "group")).toEqual({ key: "tooLarge", limit: MAX_IMAGE_BYTES });
    expect(refuseUpload({ size: MAX_FILE_BYTES + 1 }, "file", "direct")).toEqual({ key: "tooLarge", limit: MAX_FILE_BYTES });
    expect(refuseUpload({ size: 10 }, "file", "group")).toEqual({ key: "filesNotAllowed" });
    expect(refuseUpload({ size: 10 }, "file", "temporary")).toBeNull();
  });
});
