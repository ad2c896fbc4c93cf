import { create } from "zustand";

export interface Upload {
  id: string;
  conversation_id: string;
  name: string;
  size: number;
  kind: "file" | "image";
  progress: number;
  /** blob: URL of a picked image, for the preview while it uploads. */
  preview?: string;
  error?: string;
}

interface UploadsStore {
  uploads: Upload[];
  add(u: Upload, abort?: AbortController): void;
  update(id: string, p: Partial<Upload>): void;
  remove(id: string): void;
  /** Cancels a running upload (aborts the request, terminates the tus upload) and removes it. */
  cancel(id: string): void;
}

// Not state: how to stop each running upload.
const controllers = new Map<string, AbortController>();

export const useUploads = create<UploadsStore>((set, get) => ({
  uploads: [],
  add: (u, abort) => {
    if (abort) controllers.set(u.id, abort);
    set((s) => ({ uploads: [...s.uploads, u] }));
  },
  update: (id, p) => set((s) => ({ uploads: s.uploads.map((u) => (u.id === id ? { ...u, ...p } : u)) })),
  remove: (id) => {
    controllers.delete(id);
    set((s) => {
      const u = s.uploads.find((x) => x.id === id);
      if (u?.preview) URL.revokeObjectURL(u.preview);
      return { uploads: s.uploads.filter((x) => x.id !== id) };
    });
  },
  cancel: (id) => {
    controllers.get(id)?.abort();
    get().remove(id);
  },
}));
