import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { EMOJI_SETS, recentEmoji } from "./emoji";

const COLUMNS = 8;

/**
 * The composer's emoji picker: recently used emoji first, then the sets. Keyboard: arrows move
 * through the grid (Home/End to its ends), Enter or Space picks, Escape closes; focus returns to
 * the composer either way (the composer does that in `onClose`).
 */
export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const { t } = useTranslation();
  const recent = useMemo(recentEmoji, []);
  const sets = useMemo(
    () => [...(recent.length ? [{ key: "recent", emoji: recent }] : []), ...EMOJI_SETS],
    [recent],
  );
  const all = useMemo(() => sets.flatMap((s) => s.emoji), [sets]);
  const [at, setAt] = useState(0);
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => buttons.current[at]?.focus(), [at]);
  useEffect(() => {
    // A click anywhere else closes the picker.
    const away = (e: PointerEvent) => {
      const t = e.target;
      if (!(t instanceof Element) || root.current?.contains(t) || t.closest("[data-testid=emoji-button]")) return;
      onClose();
    };
    document.addEventListener("pointerdown", away, true);
    return () => document.removeEventListener("pointerdown", away, true);
  }, [onClose]);

  const move = (to: number) => setAt(Math.max(0, Math.min(all.length - 1, to)));
  let index = 0;
  return (
    <div
      ref={root}
      className="emoji-picker"
      role="dialog"
      aria-label={t("chat.emojiPicker")}
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
        if (e.key in step) {
          e.preventDefault();
          move(at + (step[e.key] ?? 0));
        } else if (e.key === "Home" || e.key === "End") {
          e.preventDefault();
          move(e.key === "Home" ? 0 : all.length - 1);
        } else if (e.key === "Escape") {
          e.preventDefault();
          onClose();
        }
      }}
    >
      {sets.map((set) => (
        <section key={set.key} className="emoji-picker__set" aria-label={t(`chat.emojiSets.${set.key}`)}>
          <h3 className="emoji-picker__title">{t(`chat.emojiSets.${set.key}`)}</h3>
          <div className="emoji-picker__grid">
            {set.emoji.map((emoji) => {
              const i = index++;
              return (
                <button
                  key={`${set.key}-${emoji}`}
                  ref={(el) => {
                    buttons.current[i] = el;
                  }}
                  type="button"
                  className="emoji-picker__emoji"
                  tabIndex={i === at ? 0 : -1}
                  aria-label={emoji}
                  onFocus={() => setAt(i)}
                  onClick={() => onPick(emoji)}
                >
                  {emoji}
                </button>
              );
            })}
          </div>
        </section>
      ))}
    </div>
  );
}
