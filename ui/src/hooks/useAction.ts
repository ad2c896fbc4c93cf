import { useCallback, useState } from "react";
import { useToasts } from "../state/toasts";
import { useErrorText } from "./useErrorText";

/** Runs an async action, tracking `busy` and showing a translated toast on failure. */
export function useAction(): { busy: boolean; run: <T>(fn: () => Promise<T>) => Promise<T | undefined> } {
  const [busy, setBusy] = useState(false);
  const errorText = useErrorText();
  const run = useCallback(
    async <T,>(fn: () => Promise<T>) => {
      setBusy(true);
      try {
        return await fn();
      } catch (e) {
        useToasts.getState().push(errorText(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [errorText],
  );
  return { busy, run };
}
