import { useEffect, useState } from "react";
import { useClient } from "./useClient";
import type { Profile } from "../protocol/types";
import { useDirectory } from "../state/directory";
import { charCount } from "../lib/format";
import { searchUsers } from "../features/contacts/actions";

/** Debounced `search_users`; needs at least 2 characters. */
export function useUserSearch(): { query: string; setQuery(q: string): void; results: Profile[] | null; hint: boolean } {
  const client = useClient();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<Profile[] | null>(null);
  const q = query.trim();
  const enough = charCount(q) >= 2;
  useEffect(() => {
    if (!enough) return;
    let stale = false;
    const id = setTimeout(() => {
      searchUsers(client, q)
        .then((users) => {
          if (stale) return;
          useDirectory.getState().add(users);
          setResults(users);
        })
        .catch(() => !stale && setResults([]));
    }, 250);
    return () => {
      stale = true;
      clearTimeout(id);
    };
  }, [client, q, enough]);
  return { query, setQuery, results: enough ? results : null, hint: q.length > 0 && !enough };
}
