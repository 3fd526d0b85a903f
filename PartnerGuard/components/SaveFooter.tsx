/** @jsx h */
/** @jsxFrag Fragment */
import * as React from "react";
import { Fragment, h } from "./h";
import { DefaultButton, DialogFooter, PrimaryButton, Spinner, SpinnerSize } from "@fluentui/react";
import { Notice } from "./Notice";

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
      <Notice type="error" delayedRender={false}>
        {error}
      </Notice>
    ) : null}
    <DialogFooter>
      {saving ? <Spinner size={SpinnerSize.small} /> : null}
      <PrimaryButton onClick={onSubmit} disabled={saving} text={submitText} />
      <DefaultButton onClick={onCancel} disabled={saving} text={cancelText} />
    </DialogFooter>
  </>
);
