import { create } from "zustand";

export interface Toast {
  id: number;
  text: string;
  kind: "error" | "info";
}

interface ToastStore {
  toasts: Toast[];
  push(text: string, kind?: Toast["kind"]): void;
  dismiss(id: number): void;
}

let next = 1;

export const useToasts = create<ToastStore>((set, get) => ({
  toasts: [],
  push: (text, kind = "error") => {
    const id = next++;
    set((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, kind }] }));
    setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));
