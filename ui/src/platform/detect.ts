/** Whether the UI runs inside the Tauri desktop app (its IPC bridge is injected before any script). */
export function isDesktop(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}
