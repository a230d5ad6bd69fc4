/**
 * Redis's sdssplitargs, the one splitter for inline commands (request-parser.ts) and config lines
 * (config.ts). It works on JS strings; byte input is passed as latin1 (one char per byte).
 */

function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/**
 * sdssplitargs(): split a line into arguments honouring "double quotes" (with \n \r \t \b \a \xHH
 * and \<any> escapes) and 'single quotes' (with \' only). Returns null on unbalanced quotes or when
 * a closing quote is not followed by a space / end of line.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isCSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = i < n ? line[i] : '';
      if (inq) {
        if (c === '\\' && line[i + 1] === 'x' && isHexDigit(line[i + 2]) && isHexDigit(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          switch (e) {
            case 'n': cur += '\n'; break;
            case 'r': cur += '\r'; break;
            case 't': cur += '\t'; break;
            case 'b': cur += '\b'; break;
            case 'a': cur += '\x07'; break;
            default: cur += e; break;
          }
        } else if (c === '"') {
          if (i + 1 < n && !isCSpace(line[i + 1])) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isCSpace(line[i + 1])) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          cur += c;
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '':
            done = true;
            break;
          case '"':
            inq = true;
            break;
          case "'":
            insq = true;
            break;
          default:
            cur += c;
            break;
        }
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}
