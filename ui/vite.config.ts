/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// LIAO_SERVER: where the dev/preview proxy forwards /ws, /api (uploads, files) and /healthz
// (the server's https origin).
const target = process.env.LIAO_SERVER ?? "https://127.0.0.1:8443";
const proxy = {
  "/ws": { target, ws: true, secure: false, changeOrigin: false },
  "/api": { target, secure: false },
  "/healthz": { target, secure: false },
};

export default defineConfig({
  plugins: [react()],
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
