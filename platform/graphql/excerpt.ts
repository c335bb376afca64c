/**
 * Messages that quote what a caller sent quote only an excerpt: a message
 * repeats the rule and enough of the value to recognize it, never a megabyte
 * a hostile caller chose to send (a 1 MB name once came back as a 1 MB error).
 */
export const EXCERPT_CHARACTERS = 60;
/** No error message leaves a server longer than this, whatever produced it (graphql-js's own messages quote values too). */
export const MAX_MESSAGE_CHARACTERS = 500;

/** The value as JSON, cut to `max` characters of a string (or of the JSON of anything else), saying how long it was. */
export function quoted(value: unknown, max = EXCERPT_CHARACTERS): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text.length <= max) return typeof value === 'string' ? JSON.stringify(value) : text;
  return `${JSON.stringify(text.slice(0, max))}... (${text.length} characters)`;
}

export function capMessage(message: string, max = MAX_MESSAGE_CHARACTERS): string {
  return message.length <= max ? message : `${message.slice(0, max)}... (message cut from ${message.length} characters)`;
}
