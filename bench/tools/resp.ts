/** RESP scanning shared by the bench tools. */

/** End offset of the RESP value at `p`, or -1 if incomplete. */
export function valueEnd(b: Buffer, p: number): number {
  if (p >= b.length) return -1;
  const nl = b.indexOf('\r\n', p);
  if (nl < 0) return -1;
  const t = b[p];
  const n = Number(b.latin1Slice(p + 1, nl));
  let q = nl + 2;
  if (t === 36) return n < 0 ? q : q + n + 2 <= b.length ? q + n + 2 : -1; // $
  if (t === 42) {
    for (let i = 0; i < n; i++) {
      q = valueEnd(b, q);
      if (q < 0) return -1;
    }
    return q;
  }
  return q;
}
