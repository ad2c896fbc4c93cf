import { useTranslation } from "react-i18next";
import { Modal } from "./Modal";

interface Props {
  text: string;
  danger?: boolean;
  onConfirm(): void;
  onClose(): void;
}

export function Confirm({ text, danger, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal title={t("common.confirm")} onClose={onClose}>
      <p className="confirm__text">{text}</p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button
          type="button"
          className={`button ${danger ? "button--danger" : "button--primary"}`}
          autoFocus
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {t("common.confirm")}
        </button>
      </div>
    </Modal>
  );
}
