/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";

// LIAO_SERVER: where the dev/preview proxy forwards /ws, /api (uploads, files) and /healthz
// (the server's https origin).
const target = process.env.LIAO_SERVER ?? "https://127.0.0.1:8443";
const proxy = {
  "/ws": { target, ws: true, secure: false, changeOrigin: false },
  "/api": { target, secure: false },
  "/healthz": { target, secure: false },
};

/**
 * The fallback colour emoji font for systems without one: Noto Color Emoji split by
 * `unicode-range` (@fontsource), renamed "Liao Emoji Fallback" so it comes after the system's
 * emoji font in the font stack (app/global.css), for emoji code points only, and WOFF2 only — every browser the app supports
 * reads it, and the WOFF copies would double what the server embeds. A browser fetches a subset
 * only when text needs it and no earlier font has the glyph, so the first load grows by the
 * `@font-face` rules alone.
 */
function emojiFallback(): Plugin {
  // The font also has glyphs for characters that are text first (digits, # and * for keycaps,
  // ©, ®, ™, ℹ): those stay with the text fonts, or every digit would be drawn by the emoji font.
  const textFirst = new Set([0x2122, 0x2139]);
  const emojiOnly = (ranges: string) =>
    ranges
      .split(",")
      .map((r) => r.trim())
      .filter((r) => {
        const start = parseInt(r.replace(/^U\+/i, "").split("-")[0] ?? "", 16);
        return start >= 0x200d && !textFirst.has(start);
      })
      .join(",");
  return {
    name: "liao-emoji-fallback",
    enforce: "pre",
    transform(code, id) {
      if (!/@fontsource[\\/]noto-color-emoji[\\/].*\.css$/.test(id)) return null;
      return code
        .replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, "")
        .replaceAll("'Noto Color Emoji'", "'Liao Emoji Fallback'")
        .replace(/unicode-range:([^;]*);/g, (_, ranges: string) => `unicode-range:${emojiOnly(ranges)};`);
    },
  };
}

export default defineConfig({
  plugins: [emojiFallback(), react()],
  base: "/",
  server: { host: "127.0.0.1", port: 5173, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port: 5173, strictPort: true, proxy },
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
    // The browser build of tus-js-client (the one the app bundles), not its Node build.
    alias: { "tus-js-client": new URL("./node_modules/tus-js-client/lib.esm/browser/index.js", import.meta.url).pathname },
  },
});
