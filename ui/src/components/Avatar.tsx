import { hue, initials } from "../lib/format";
import "./Avatar.css";

interface Props {
  id: string;
  name: string;
  size?: number;
  group?: boolean;
  online?: boolean;
}

/** Initials on a stable colour. TODO(files): show uploaded avatars via platform.mediaUrl once the server has them. */
export function Avatar({ id, name, size = 40, group = false, online }: Props) {
  const h = hue(id);
  return (
    <span
      className={`avatar${group ? " avatar--group" : ""}`}
      style={{ width: size, height: size, fontSize: size * 0.4, ["--avatar-hue" as string]: String(h) }}
      aria-hidden="true"
    >
      {initials(name)}
      {online !== undefined && <span className={`avatar__dot${online ? " avatar__dot--on" : ""}`} />}
    </span>
  );
}
