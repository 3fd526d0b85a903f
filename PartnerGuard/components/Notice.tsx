/** @jsx h */
import { IMessageBarProps, MessageBar, MessageBarType } from "@fluentui/react";
import { h } from "./h";

export type NoticeType = keyof typeof MessageBarType;

/**
 * Fluent's MessageBar as the card uses it: the type by name, and wrapped text unless
 * `isMultiline={false}` (the form's column is narrow; a truncated message hides what to do).
 */
export const Notice = ({ type, ...props }: Omit<IMessageBarProps, "messageBarType"> & { type: NoticeType }) => (
  <MessageBar messageBarType={MessageBarType[type]} isMultiline {...props} />
);
