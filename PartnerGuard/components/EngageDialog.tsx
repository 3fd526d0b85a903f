/** @jsx h */
import * as React from "react";
import { h } from "./h";
import { Dialog, DialogType, Text, TextField } from "@fluentui/react";
import { Translate } from "./Component.types";
import { SaveFooter } from "./SaveFooter";
import { writeFailureText } from "../../src/text/failureText";

interface EngageDialogProps {
  partner: string;
  contact?: string;
  t: Translate;
  onSubmit: (note: string) => Promise<void>;
  onDismiss: () => void;
}

/** "Engage partner": prefilled with the partner of record and its contact; the seller adds a note. */
export const EngageDialog: React.FC<EngageDialogProps> = ({ partner, contact, t, onSubmit, onDismiss }) => {
  const [note, setNote] = React.useState("");
  const [saving, setSaving] = React.useState(false);
  // The card may refresh (and this dialog go) while a write is answered: no state updates then.
  const mounted = React.useRef(true);
  React.useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const [error, setError] = React.useState<string | undefined>(undefined);
  const submit = () => {
    setSaving(true);
    setError(undefined);
    onSubmit(note).then(onDismiss, (e: unknown) => {
      if (!mounted.current) return;
      setSaving(false);
      setError(writeFailureText(t, e));
    });
  };
  return (
    <Dialog
      hidden={false}
      onDismiss={onDismiss}
      dialogContentProps={{
        type: DialogType.normal,
        title: t("Engage_Title", { partner }),
        subText: t("Engage_Text", { partner }),
      }}
      modalProps={{ isBlocking: true, className: "pg-engage-dialog" }}
    >
      <Text block variant="medium" styles={{ root: { marginBottom: 8 } }}>
        {contact ? t("Engage_Contact", { contact }) : t("Engage_NoContact")}
      </Text>
      <TextField
        label={t("Engage_Note")}
        multiline
        rows={3}
        value={note}
        onChange={(_, v) => setNote(v ?? "")}
        disabled={saving}
      />
      <SaveFooter
        saving={saving}
        error={error}
        submitText={t("Engage_Submit")}
        cancelText={t("Action_Cancel")}
        onSubmit={submit}
        onCancel={onDismiss}
      />
    </Dialog>
  );
};
