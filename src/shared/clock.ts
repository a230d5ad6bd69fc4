import type { ReplyWriter } from '../protocol/reply-writer.js';

/**
 * The wall clock in microseconds, as TIME reports it (Redis's ustime). The process's start time
 * plus the monotonic clock: microsecond resolution, and it never steps back between two calls,
 * which stitching Date.now()'s milliseconds to a sub-millisecond counter could.
 */
export function unixTimeMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** TIME's reply: seconds and microseconds, as two bulk strings (the acceptor's and the shards'). */
export function writeTime(w: ReplyWriter): void {
  const us = unixTimeMicros();
  const sec = Math.floor(us / 1e6);
  w.array(2);
  w.bulk(String(sec));
  w.bulk(String(us - sec * 1e6));
}
