import * as React from "react";
import {
  DefaultButton,
  DialogFooter,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Spinner,
  SpinnerSize,
} from "@fluentui/react";

interface SaveFooterProps {
  saving: boolean;
  /** A failed write, in words; shown above the buttons, the dialog stays open. */
  error?: string;
  submitText: string;
  cancelText: string;
  onSubmit: () => void;
  onCancel: () => void;
}

/** The end of a dialog that writes: the write's error, a spinner while saving, submit and cancel. */
export const SaveFooter: React.FC<SaveFooterProps> = ({
  saving,
  error,
  submitText,
  cancelText,
  onSubmit,
  onCancel,
}) => (
  <>
    {error ? (
      <MessageBar messageBarType={MessageBarType.error} isMultiline delayedRender={false}>
        {error}
      </MessageBar>
    ) : null}
    <DialogFooter>
      {saving ? <Spinner size={SpinnerSize.small} /> : null}
      <PrimaryButton onClick={onSubmit} disabled={saving} text={submitText} />
      <DefaultButton onClick={onCancel} disabled={saving} text={cancelText} />
    </DialogFooter>
  </>
);
