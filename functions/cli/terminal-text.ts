/**
 * Text from subscribers and articles printed on the operator's terminal. A name like
 * `\x1b]0;pwned\x07` or `\x1b[2J` would otherwise retitle or clear the terminal, and bidi controls
 * reorder what is shown; each such character is shown as a visible escape instead.
 */
// C0 and C1 controls, DEL, and the bidi embedding/override/isolate characters.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** `value` with every control character shown as `\xNN` or `\uNNNN`: safe to print as one column. */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON for the terminal: `JSON.stringify` escapes C0 controls but leaves DEL, C1 controls and bidi
 * characters raw; those become `\uNNNN` escapes too, which JSON readers decode to the same text.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
