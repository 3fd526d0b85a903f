/** Label lists in the shapes the customization schema uses. */
import { el, XmlElement } from "../xml";
import { Labels } from "../model/types";

export function languages(labels: Labels): [number, string][] {
  return Object.entries(labels)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([code, text]): [number, string] => [Number(code), text])
    .sort((a, b) => a[0] - b[0]);
}

/** `<wrapper><item description=".." languagecode=".." /></wrapper>` */
export function labelList(wrapper: string, item: string, labels: Labels): XmlElement {
  return el(
    wrapper,
    {},
    ...languages(labels).map(([code, text]) => el(item, { description: text, languagecode: code })),
  );
}

export const english = (text: string): Labels => ({ 1033: text });
