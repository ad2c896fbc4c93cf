import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useDisplayName } from "../../hooks/useDisplayName";
import { typingUsers, useTyping } from "../../state/typing";

export function TypingIndicator({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const byConv = useTyping((s) => s.byConv);
  const nameOf = useDisplayName();
  const users = typingUsers(byConv, conversationId);
  useEffect(() => {
    if (users.length === 0) return;
    const id = setInterval(() => useTyping.getState().prune(), 1000);
    return () => clearInterval(id);
  }, [users.length]);
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {users.length > 0 && (
        <>
          <span className="typing__dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {t("chat.typing", { count: users.length, names: users.slice(0, 3).map(nameOf).join(", ") })}
        </>
      )}
    </div>
  );
}
