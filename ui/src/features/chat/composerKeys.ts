/** The parts of a keyboard event the composer looks at (React's KeyboardEvent satisfies it). */
export interface ComposerKeyEvent {
  key: string;
  shiftKey: boolean;
  altKey?: boolean;
  keyCode?: number;
  nativeEvent?: { isComposing?: boolean; keyCode?: number };
}

/**
 * Whether this keydown should send the message: Enter without Shift, and never while an input
 * method is composing (the Enter that confirms a 拼音 candidate must not send). `composing` is
 * the composer's own compositionstart/compositionend tracking.
 */
export function isSendKey(e: ComposerKeyEvent, composing = false): boolean {
  if (e.key !== "Enter" || e.shiftKey || e.altKey) return false;
  // Between compositionstart and compositionend (some browsers clear isComposing early).
  if (composing) return false;
  if (e.nativeEvent?.isComposing) return false;
  if (e.keyCode === 229 || e.nativeEvent?.keyCode === 229) return false;
  return true;
}
