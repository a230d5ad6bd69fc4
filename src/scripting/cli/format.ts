/**
 * Replies printed the way redis-cli prints them on a terminal (cliFormatReplyTTY in redis-cli.c,
 * Redis 7.0), whatever stdout is: ferrous-lua's output is for people reading it.
 *
 * formatReply returns a "byte string" (one char per byte, latin1) so that bytes the server sent in
 * status and error lines reach stdout unchanged; use toBytes() before writing it.
 */
import type { Reply } from './resp-client.js';

/** The reply as redis-cli prints it, ending with a newline. */
export function formatReply(r: Reply, prefix = ''): string {
  switch (r.type) {
    case 'error':
      return `(error) ${r.value}\n`;
    case 'status':
      return `${r.value}\n`;
    case 'integer':
      return `(integer) ${r.value}\n`;
    case 'bulk':
      return `${repr(r.value)}\n`;
    case 'nil':
      return '(nil)\n';
    case 'array': {
      const items = r.value;
      if (items.length === 0) return '(empty array)\n';
      const idxlen = String(items.length).length;
      // Nested replies are indented by the width of this level's "N) " label.
      const inner = prefix + ' '.repeat(idxlen + 2);
      let out = '';
      for (let i = 0; i < items.length; i++) {
        // The first element sits on the line its parent already labelled.
        out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(idxlen)}) `;
        out += formatReply(items[i], inner);
      }
      return out;
    }
  }
}

/** sdscatrepr: a quoted string with C escapes; bytes outside printable ASCII become \xNN. */
export function repr(b: Buffer): string {
  let s = '"';
  for (const c of b) {
    switch (c) {
      case 0x5c:
        s += '\\\\';
        break;
      case 0x22:
        s += '\\"';
        break;
      case 0x0a:
        s += '\\n';
        break;
      case 0x0d:
        s += '\\r';
        break;
      case 0x09:
        s += '\\t';
        break;
      case 0x07:
        s += '\\a';
        break;
      case 0x08:
        s += '\\b';
        break;
      default:
        s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return s + '"';
}

export function toBytes(formatted: string): Buffer {
  return Buffer.from(formatted, 'latin1');
}
