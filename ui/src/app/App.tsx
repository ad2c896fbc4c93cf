import { lazy, Suspense } from "react";
import { useSession } from "../state/session";
import { AuthScreen } from "../features/auth/AuthScreen";
import { Toasts } from "../components/Toasts";
import { ConnectionBanner } from "../components/ConnectionBanner";

const Shell = lazy(() => import("../features/shell/Shell"));

export function App() {
  const user = useSession((s) => s.user);
  return (
    <>
      {user ? (
        <Suspense fallback={<ConnectionBanner />}>
          <Shell />
        </Suspense>
      ) : (
        <AuthScreen />
      )}
      <Toasts />
    </>
  );
}
