/**
 * Plain-text helpers for the terminal table: make input safe to print, and fit it to a width.
 *
 * Every value that came from a manifest, an API server or a file name may hold escape codes
 * (ESC [2J clears the screen, ESC ]8 makes hyperlinks, a lone CR overwrites the line and
 * forges another finding, BEL rings, U+202E reverses the text that follows). They are shown
 * as visible escapes (`\x1b`, `\r`, `\u202e`), never sent to the terminal.
 */

/** C0 controls, DEL, C1 controls, line/paragraph separators and the bidirectional overrides/isolates. */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character replaced by a visible escape (`\x1b`, `\r`, `\u202e`...). */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Columns a string takes: one per code point (the scanner's own text is ASCII; input is escaped first). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

/** Cuts `text` to at most `width` columns, ending with '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const chars = [...text];
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Word-wraps `text` into lines of at most `width` columns: the first line starts with
 * `firstIndent`, the others with `indent`. A word longer than a line is cut hard, so nothing
 * (a 253-character hostname, a long file path) ever runs past the width.
 */
export function wrap(text: string, width: number, indent: string, firstIndent: string = indent): string[] {
  const lines: string[] = [];
  let current = firstIndent;
  let currentWidth = displayWidth(firstIndent);
  let empty = true;
  const room = () => Math.max(10, width - currentWidth);
  const flush = () => {
    lines.push(current.trimEnd());
    current = indent;
    currentWidth = displayWidth(indent);
    empty = true;
  };
  // Words keep the blanks before them (two spaces separate columns), dropped at a line break.
  for (const [, gap = '', word = ''] of text.matchAll(/( *)([^ ]+)/g)) {
    const wordWidth = displayWidth(word);
    if (!empty && currentWidth + gap.length + wordWidth > width) flush();
    if (empty && wordWidth > room()) {
      // Cut an overlong word into pieces that fill whole lines.
      let chars = [...word];
      while (chars.length > room()) {
        const take = room();
        current += chars.slice(0, take).join('');
        chars = chars.slice(take);
        flush();
      }
      current += chars.join('');
      currentWidth += chars.length;
      empty = chars.length === 0;
      continue;
    }
    current += empty ? word : gap + word;
    currentWidth += empty ? wordWidth : gap.length + wordWidth;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(current.trimEnd());
  return lines;
}

/**
 * The first sentence of a remediation text, for a one-line hint. A sentence ends at '.', '!'
 * or '?' followed by a space and a capital letter or the end: dots inside hostnames and file
 * names do not end it.
 */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?= [A-Z(`"]|$)/.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}
