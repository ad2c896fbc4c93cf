import { useTranslation } from "react-i18next";
import type { JoinPolicy } from "../../protocol/types";
import type { GroupSettingsValues } from "./actions";

const POLICIES: readonly JoinPolicy[] = ["open", "approval", "invite_only"];

interface Props {
  value: GroupSettingsValues;
  /** Called with the one field that changed. */
  onChange(patch: Partial<GroupSettingsValues>): void;
  /** Focus the name when the form opens (the creation dialog). */
  autoFocus?: boolean;
  /** Test ids of the name and join policy fields (the creation dialog has them, for the E2E run). */
  testIds?: { name: string; policy: string };
}

/**
 * The five fields of a group's settings: name, description, join policy, searchable and temporary
 * chats. The creation dialog and the group panel's settings form both show them; each form owns
 * the values and decides what submitting sends.
 */
export function GroupSettingsFields({ value, onChange, autoFocus, testIds }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span>{t("groups.name")}</span>
        <input
          className="input"
          required
          maxLength={64}
          value={value.name}
          onChange={(e) => onChange({ name: e.target.value })}
          autoFocus={autoFocus}
          data-testid={testIds?.name}
        />
      </label>
      <label className="field">
        <span>{t("groups.description")}</span>
        <textarea className="textarea" maxLength={500} value={value.description} onChange={(e) => onChange({ description: e.target.value })} />
      </label>
      <label className="field">
        <span>{t("groups.joinPolicy")}</span>
        <select className="select" value={value.join_policy} onChange={(e) => onChange({ join_policy: e.target.value as JoinPolicy })} data-testid={testIds?.policy}>
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {t(`groups.policy.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={value.searchable} onChange={(e) => onChange({ searchable: e.target.checked })} />
        {t("groups.searchable")}
      </label>
      <label className="check">
        <input type="checkbox" checked={value.allow_temp_sessions} onChange={(e) => onChange({ allow_temp_sessions: e.target.checked })} />
        {t("groups.allowTemp")}
      </label>
    </>
  );
}
