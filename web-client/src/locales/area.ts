// A page area's strings live beside its pages (pages/<area>/locale.ts) rather than in one file every area edits:
// `area()` pairs the English with a Simplified Chinese that must have every key (its type says so).

/** The same keys as `T`, each a string. */
export type Shape<T> = { [Key in keyof T]: T[Key] extends string ? string : Shape<T[Key]> };

export interface Area {
  en: Record<string, unknown>;
  zhCN: Record<string, unknown>;
}

export function area<T extends Record<string, unknown>>(en: T, zhCN: Shape<T>): Area {
  return { en, zhCN };
}
