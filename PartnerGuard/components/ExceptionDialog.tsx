/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { Dialog, DialogType, Dropdown, SpinButton, TextField } from "@fluentui/react";
import { Notice } from "./Notice";
import { EXCEPTION_REASONS, ExceptionReason, RequestProblem } from "../../src/core/exceptions";
import { Translate } from "./Component.types";
import { SaveFooter } from "./SaveFooter";
import { ExceptionLimits } from "./IncludePartner.types";
import { writeFailureText } from "../../src/text/failureText";

interface ExceptionDialogProps {
  t: Translate;
  limits: ExceptionLimits;
  onSubmit: (request: {
    justification: string;
    reason: ExceptionReason | undefined;
    days: number;
  }) => Promise<RequestProblem[]>;
  onDismiss: () => void;
}

function problemText(t: Translate, p: RequestProblem | { code: string }): string {
  const params: Record<string, number> | undefined =
    "min" in p ? { min: p.min } : "max" in p ? { max: p.max } : undefined;
  return t(`Problem_${p.code}`, params);
}

/** "Request exception": justification (minimum length), reason code, duration bounded by policy. */
export const ExceptionDialog: React.FC<ExceptionDialogProps> = ({ t, limits, onSubmit, onDismiss }) => {
  const [justification, setJustification] = React.useState("");
  const [reason, setReason] = React.useState<ExceptionReason | undefined>(undefined);
  const [days, setDays] = React.useState(limits.defaultDays);
  const [problems, setProblems] = React.useState<RequestProblem[]>([]);
  const [error, setError] = React.useState<string | undefined>(undefined);
  const [saving, setSaving] = React.useState(false);
  // The card may refresh (and this dialog go) while a write is answered: no state updates then.
  const mounted = React.useRef(true);
  React.useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const problem = (code: RequestProblem["code"]) => problems.find((p) => p.code === code);
  const submit = () => {
    setSaving(true);
    setError(undefined);
    onSubmit({ justification, reason, days }).then(
      (found) => {
        if (!found.length) return onDismiss();
        if (!mounted.current) return;
        setSaving(false);
        setProblems(found);
      },
      (e: unknown) => {
        if (!mounted.current) return;
        setSaving(false);
        setError(writeFailureText(t, e));
      },
    );
  };
  const pending = problem("already-pending");
  const tooShort = problem("justification-too-short");
  const noReason = problem("reason-missing");
  const badDays = problem("days-out-of-range");
  return (
    <Dialog
      hidden={false}
      onDismiss={onDismiss}
      dialogContentProps={{ type: DialogType.normal, title: t("Exception_Title"), subText: t("Exception_Text") }}
      modalProps={{ isBlocking: true, className: "pg-exception-dialog" }}
      minWidth={320}
    >
      <TextField
        label={t("Exception_Justification")}
        required
        multiline
        rows={3}
        value={justification}
        onChange={(_, v) => setJustification(v ?? "")}
        description={t("Exception_JustificationHint", { min: limits.minJustificationLength })}
        errorMessage={tooShort ? problemText(t, tooShort) : undefined}
        disabled={saving}
      />
      <Dropdown
        label={t("Exception_Reason")}
        required
        selectedKey={reason ?? null}
        options={EXCEPTION_REASONS.map((r) => ({ key: r, text: t(`ExceptionReason_${r}`) }))}
        onChange={(_, o) => o && setReason(EXCEPTION_REASONS.find((r) => r === o.key))}
        errorMessage={noReason ? problemText(t, noReason) : undefined}
        disabled={saving}
      />
      <SpinButton
        label={t("Exception_Days", { max: limits.maxDays })}
        min={1}
        max={limits.maxDays}
        step={1}
        incrementButtonAriaLabel={t("Exception_DaysMore")}
        decrementButtonAriaLabel={t("Exception_DaysLess")}
        value={String(days)}
        onChange={(_, v) => setDays(Number(v ?? limits.defaultDays))}
        disabled={saving}
        styles={{ root: { marginTop: 8 } }}
      />
      {badDays ? (
        <Notice type="error" delayedRender={false}>
          {problemText(t, badDays)}
        </Notice>
      ) : null}
      {pending ? (
        <Notice type="warning" delayedRender={false}>
          {problemText(t, pending)}
        </Notice>
      ) : null}
      <SaveFooter
        saving={saving}
        error={error}
        submitText={t("Exception_Submit")}
        cancelText={t("Action_Cancel")}
        onSubmit={submit}
        onCancel={onDismiss}
      />
    </Dialog>
  );
};
