/**
 * Redis-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message`, filtered by
 * `loglevel` and written to stdout or the `logfile`.
 */
import fs from 'node:fs';

const LEVELS = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 } as const;
const MARKS = ['.', '-', '*', '#'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type LogLevel = keyof typeof LEVELS;

export class Logger {
  private fd: number | null = null;
  private level: number;

  constructor(level: string, file = '', private readonly silent = false) {
    this.level = LEVELS[level as LogLevel] ?? LEVELS.notice;
    if (file !== '') this.fd = fs.openSync(file, 'a');
  }

  setLevel(level: string): void {
    this.level = LEVELS[level as LogLevel] ?? this.level;
  }

  private write(level: number, msg: string): void {
    if (this.silent || level < this.level) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${ts} ${MARKS[level]} ${msg}\n`;
    if (this.fd !== null) fs.writeSync(this.fd, line);
    else process.stdout.write(line);
  }

  debug(msg: string): void {
    this.write(0, msg);
  }
  verbose(msg: string): void {
    this.write(1, msg);
  }
  notice(msg: string): void {
    this.write(2, msg);
  }
  warning(msg: string): void {
    this.write(3, msg);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
