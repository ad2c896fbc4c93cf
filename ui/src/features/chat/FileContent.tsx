import { useTranslation } from "react-i18next";
import { Icon } from "../../components/Icon";
import { useFileUrls } from "../../hooks/useFileUrls";
import { usePlatform } from "../../hooks/usePlatform";
import { formatBytes } from "../../lib/size";
import type { FileInfo } from "../../protocol/types";
import { useUi } from "../../state/ui";

const MAX = 280;

/** Display size of an image that fits in MAX×MAX, known before it loads (stable list layout). */
export function fitImage(w?: number, h?: number): { width: number; height: number } {
  if (!w || !h) return { width: 220, height: 160 };
  const scale = Math.min(1, MAX / w, MAX / h);
  return { width: Math.max(40, Math.round(w * scale)), height: Math.max(40, Math.round(h * scale)) };
}

export function ImageContent({ file, conversationId }: { file: FileInfo; conversationId: string }) {
  const { t } = useTranslation();
  const urls = useFileUrls(file.file_id);
  const size = fitImage(file.width, file.height);
  return (
    <button
      type="button"
      className="media"
      style={size}
      aria-label={t("chat.openImage", { name: file.name })}
      aria-haspopup="dialog"
      onClick={() => useUi.getState().set({ lightbox: { conversationId, fileId: file.file_id } })}
      data-testid="image"
    >
      {urls ? <img src={urls.thumbnail ?? urls.url} alt={file.name} width={size.width} height={size.height} loading="lazy" /> : <span className="media__placeholder" />}
    </button>
  );
}

export function FileCard({ file }: { file: FileInfo }) {
  const { t, i18n } = useTranslation();
  const urls = useFileUrls(file.file_id);
  const platform = usePlatform();
  return (
    <div className="filecard" data-testid="file">
      <span className="filecard__icon" aria-hidden="true">
        <Icon name="file" size={22} />
      </span>
      <span className="filecard__names">
        <span className="filecard__name">{file.name}</span>
        <span className="filecard__size">{formatBytes(file.size, i18n.language)}</span>
      </span>
      {urls && (
        <a
          className="button button--small"
          href={urls.url}
          download={file.name}
          rel="noopener"
          onClick={(e) => {
            // The platform saves it: a download link on the web, "Save as…" streamed by Rust on the desktop.
            e.preventDefault();
            platform.download(urls.url, file.name);
          }}
        >
          {t("chat.download")}
        </a>
      )}
    </div>
  );
}
