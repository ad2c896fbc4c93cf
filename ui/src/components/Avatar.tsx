import { useFileUrls } from "../hooks/useFileUrls";
import { hue, initials } from "../lib/format";
import "./Avatar.css";

interface Props {
  id: string;
  name: string;
  size?: number;
  group?: boolean;
  online?: boolean;
  /** Uploaded avatar image; initials on a stable colour otherwise. */
  fileId?: string;
}

export function Avatar({ id, name, size = 40, group = false, online, fileId }: Props) {
  const h = hue(id);
  return (
    <span
      className={`avatar${group ? " avatar--group" : ""}`}
      style={{ width: size, height: size, fontSize: size * 0.4, ["--avatar-hue" as string]: String(h) }}
      aria-hidden="true"
      data-avatar={fileId ? "image" : "initials"}
    >
      {initials(name)}
      {fileId && <AvatarImage fileId={fileId} />}
      {online !== undefined && <span className={`avatar__dot${online ? " avatar__dot--on" : ""}`} />}
    </span>
  );
}

function AvatarImage({ fileId }: { fileId: string }) {
  const urls = useFileUrls(fileId);
  if (!urls) return null;
  return <img className="avatar__img" src={urls.thumbnail ?? urls.url} alt="" />;
}
