/**
 * The badge in a grid cell: an icon and the status in words (never colour alone), the detail
 * beside it, the whole sentence as tooltip and accessible name. Fluent UI 8 (the platform library).
 */
import * as React from "react";
import { Icon, Stack, Text, getTheme } from "@fluentui/react";
import type { BadgeModel } from "./badgeModel";
import type { BadgeText } from "./badgeText";

export interface StatusBadgeProps {
  model: BadgeModel;
  text: BadgeText;
}

/** Icon and colours per kind: the words carry the meaning, these only help the eye. */
function lookOf(model: BadgeModel): { icon: string; background: string; foreground: string } {
  const { semanticColors: c, palette: p } = getTheme();
  if (model.ended) return { icon: "Clock", background: p.neutralLighter, foreground: c.bodyText };
  switch (model.status) {
    case "allowed":
      return { icon: "CheckMark", background: c.successBackground, foreground: c.bodyText };
    case "allowed-by-exception":
      return { icon: "Unlock", background: c.infoBackground, foreground: c.bodyText };
    case "blocked":
      return { icon: "Blocked2", background: c.errorBackground, foreground: c.bodyText };
    default:
      return { icon: "Warning", background: c.warningBackground, foreground: c.bodyText };
  }
}

export function StatusBadge({ model, text }: StatusBadgeProps): React.ReactElement {
  const look = lookOf(model);
  return React.createElement(
    Stack,
    {
      horizontal: true,
      verticalAlign: "center",
      tokens: { childrenGap: 6 },
      title: text.full,
      "aria-label": text.full,
      role: "img",
      styles: { root: { minWidth: 0, overflow: "hidden" } },
    },
    React.createElement(
      Stack,
      {
        horizontal: true,
        verticalAlign: "center",
        tokens: { childrenGap: 4 },
        styles: {
          root: {
            background: look.background,
            color: look.foreground,
            borderRadius: 10,
            padding: "1px 8px",
            whiteSpace: "nowrap",
            overflow: "hidden",
            textOverflow: "ellipsis",
          },
        },
      },
      React.createElement(Icon, { iconName: look.icon, "aria-hidden": true }),
      React.createElement(Text, { variant: "small", nowrap: true }, text.label),
    ),
    text.detail ? React.createElement(Text, { variant: "small", nowrap: true }, text.detail) : null,
  );
}
