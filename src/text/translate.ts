/** Looks up a localized string by key and fills `{name}` placeholders. Output is plain text. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;
