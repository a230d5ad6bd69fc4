/**
 * Shared plumbing for the benchmark scripts: starting/stopping servers (real redis-server and Ferrous),
 * running redis-benchmark / redis-cli with hard timeouts, reading RSS from /proc, formatting.
 *
 * Nothing in here may hang: every child process gets a deadline and is SIGKILLed when it passes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/bench/<script>.js → repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = path.join(REPO_ROOT, 'bench');
export const FERROUS_CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli.js');

export interface TargetSpec {
  /** Column label: "redis", "ferrous-1", "ferrous-2" … */
  name: string;
  kind: 'redis' | 'ferrous';
  /** Ferrous only. */
  shards?: number;
  /** Extra redis-server style flags for this target (e.g. ['--appendonly', 'yes']). */
  extraArgs?: string[];
  /** Ferrous only: the cli.js to run (default dist/src/cli.js of this checkout). */
  cli?: string;
}

/** Set when Ctrl-C / SIGTERM / a fatal error starts the cleanup: no new servers, no new runs. */
export const runState = { shuttingDown: false };

// ---------------------------------------------------------------------------------------------------
// child process bookkeeping (so Ctrl-C / errors can kill everything we started, and nothing else)

const liveChildren = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/** Last resort (process 'exit' handler): SIGKILL every child we started that is still running. */
export function killAllChildrenSync(): void {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Kill only the short-lived tool processes (redis-benchmark, redis-cli), e.g. on Ctrl-C. */
export function killToolChildren(): void {
  for (const c of liveChildren) {
    if (!serverChildren.has(c)) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
const serverChildren = new WeakSet<ChildProcess>();

// ---------------------------------------------------------------------------------------------------
// small utilities

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1' }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function shellQuote(s: string): string {
  if (s === '') return "''";
  return /^[A-Za-z0-9_\-.,:/=@%+]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRatio(num: number | undefined, den: number | undefined): string {
  if (num === undefined || den === undefined || den <= 0) return 'n/a';
  return (num / den).toFixed(2);
}

/** A padded markdown table; the first `leftCols` columns are left-aligned, the rest right-aligned. */
export function markdownTable(header: string[], rows: string[][], leftCols = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i < leftCols ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// running tools with deadlines

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Run a program to completion or until `timeoutMs`, then SIGKILL it. Never rejects for exit codes. */
export function runTool(cmd: string, args: string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (err) {
      resolve({ code: -1, signal: null, stdout: '', stderr: (err as Error).message, timedOut: false, ms: 0 });
      return;
    }
    const cap = 4 * 1024 * 1024;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < cap) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < cap) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - t0 });
    });
  });
}

/** redis-cli -p PORT args… (raw output), with a deadline. */
export async function redisCli(port: number, args: string[], timeoutMs = 10_000): Promise<ToolResult> {
  return runTool('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], timeoutMs);
}

/** One CLI reply as trimmed text, or throws with a useful message. */
export async function cliValue(port: number, args: string[], timeoutMs = 10_000): Promise<string> {
  const r = await redisCli(port, args, timeoutMs);
  if (r.timedOut) throw new Error(`redis-cli ${args.join(' ')}: no reply within ${timeoutMs} ms`);
  const out = r.stdout.trim();
  if (r.code !== 0 || /^(ERR|WRONGTYPE|NOSCRIPT|Could not connect|\(error\))/.test(out) || r.stderr.includes('Could not connect')) {
    throw new Error(`redis-cli ${args.join(' ')}: ${(out || r.stderr).trim().slice(0, 300)}`);
  }
  return out;
}

export async function versionOf(cmd: string, args: string[]): Promise<string> {
  const r = await runTool(cmd, args, 10_000);
  return (r.stdout || r.stderr).trim().split('\n')[0] ?? '?';
}

// ---------------------------------------------------------------------------------------------------
// servers

export interface StartOptions {
  /** Flags given to every server, after --port (default: persistence off). */
  commonArgs: string[];
  startTimeoutMs?: number;
}

export class ServerProcess {
  readonly logTail: string[] = [];
  exitInfo: string | null = null;
  /** Set once stop() runs: an exit before that was not the runner's doing. */
  stopping = false;
  private exitPromise: Promise<void>;
  private constructor(
    readonly spec: TargetSpec,
    readonly port: number,
    readonly child: ChildProcess,
    readonly dir: string,
    readonly argv: string[],
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
        // Both servers log a line on SIGTERM/SIGINT; if we did not send it, someone else did.
        const sig = /Received (SIG\w+)/.exec(this.logTail.join('\n'))?.[1];
        if (!this.stopping && sig !== undefined) this.exitInfo += `, after an outside ${sig} (not sent by the benchmark)`;
        resolve();
      });
    });
    const onData = (d: string) => {
      for (const l of d.split('\n')) {
        if (l.trim() === '') continue;
        this.logTail.push(l);
        if (this.logTail.length > 60) this.logTail.shift();
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  /** The command line that started this server (for the report). */
  get commandLine(): string {
    return this.argv.map(shellQuote).join(' ');
  }

  static async start(spec: TargetSpec, opts: StartOptions): Promise<ServerProcess> {
    if (runState.shuttingDown) throw new Error('shutting down');
    let lastErr: Error | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await ServerProcess.startOn(spec, port, opts);
      } catch (err) {
        lastErr = err as Error;
        if (!/address already in use|EADDRINUSE/i.test(lastErr.message)) break;
      }
    }
    throw lastErr ?? new Error(`could not start`);
  }

  private static async startOn(spec: TargetSpec, port: number, opts: StartOptions): Promise<ServerProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ferrous-bench-${spec.name}-`));
    const flags = ['--port', String(port), ...opts.commonArgs, '--dir', dir, ...(spec.extraArgs ?? [])];
    let argv: string[];
    if (spec.kind === 'redis') {
      argv = ['redis-server', ...flags];
    } else {
      const cli = spec.cli ?? FERROUS_CLI;
      if (!fs.existsSync(cli)) throw new Error(`${cli} not found: run npm run build`);
      argv = [process.execPath, cli, ...flags, '--shards', String(spec.shards ?? 1)];
    }
    const child = track(spawn(argv[0] as string, argv.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    serverChildren.add(child);
    const srv = new ServerProcess(spec, port, child, dir, argv);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    // Wait for the "Ready to accept connections" line (both servers log it), then confirm with DBSIZE:
    // Ferrous logs Ready once its shard threads are online, and answers PING without them, while
    // DBSIZE needs every shard.
    while (Date.now() < deadline) {
      if (!srv.alive) break;
      if (srv.logTail.some((l) => l.includes('Ready to accept connections')) && (await srv.healthy(5_000))) return srv;
      await sleep(50);
    }
    const fatal = [...srv.logTail].reverse().find((l) => /fatal|error|exception|in use/i.test(l));
    const why = (srv.alive ? `not ready within ${opts.startTimeoutMs ?? 30_000} ms` : srv.exitInfo) + (fatal !== undefined ? `: ${fatal.trim()}` : '');
    await srv.stop();
    throw new Error(`failed to start: ${why}\n  command: ${srv.commandLine}\n  log: ${srv.logTail.slice(-10).join('\n  ')}`);
  }

  async waitExit(ms: number): Promise<boolean> {
    if (!this.alive) return true;
    await Promise.race([this.exitPromise, sleep(ms)]);
    return !this.alive;
  }

  /** Health check with a short deadline: DBSIZE, which (unlike PING) has to reach every Ferrous shard. */
  async healthy(timeoutMs = 5_000): Promise<boolean> {
    if (!this.alive) return false;
    const r = await redisCli(this.port, ['DBSIZE'], timeoutMs);
    return r.code === 0 && /^\d+$/.test(r.stdout.trim());
  }

  /** SHUTDOWN NOSAVE, then SIGTERM, then SIGKILL. Never throws; removes the temp dir. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.alive) {
      await redisCli(this.port, ['SHUTDOWN', 'NOSAVE'], 5_000);
      if (!(await this.waitExit(5_000))) {
        this.child.kill('SIGTERM');
        if (!(await this.waitExit(3_000))) {
          this.child.kill('SIGKILL');
          await this.waitExit(3_000);
        }
      }
    }
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}

/** Default flags for every server: persistence off. */
export const PERSISTENCE_OFF = ['--save', '', '--appendonly', 'no'];

// ---------------------------------------------------------------------------------------------------
// /proc

function readRssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const txt = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (txt !== '') out.push(...txt.split(/\s+/).map(Number));
      } catch {
        /* thread went away */
      }
    }
  } catch {
    /* process went away */
  }
  return out;
}

/**
 * RSS of a process and all its descendant processes, in kB. Threads (Ferrous's shard workers are
 * worker_threads) share their process's address space, so they are counted once via the process.
 */
export function treeRssKb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  let total = 0;
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    total += readRssKb(p, field);
    stack.push(...childPids(p));
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------
// environment description for reports

export async function environmentLines(ferrousCli?: string): Promise<string[]> {
  const cpus = os.cpus();
  const git = await runTool('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], 5_000);
  const dirty = await runTool('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--untracked-files=no'], 5_000);
  const rev = git.code === 0 ? git.stdout.trim() + (dirty.stdout.trim() !== '' ? ' (+ uncommitted changes)' : '') : 'unknown';
  const [load1, load5] = os.loadavg();
  return [
    `- date: ${new Date().toISOString()}`,
    `- host: ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average ${load1?.toFixed(2)} / ${load5?.toFixed(2)} (1 / 5 min) at start`,
    `- ${await versionOf('redis-server', ['--version'])}`,
    `- ${await versionOf('redis-benchmark', ['--version'])}`,
    ferrousCli !== undefined ? `- node ${process.version}, Ferrous from ${ferrousCli}` : `- node ${process.version}, Ferrous git ${rev}`,
  ];
}

/** Print to stdout and return, so the same text can be written to a markdown file. */
export function runnerCommandLine(): string {
  const script = path.relative(process.cwd(), process.argv[1] ?? '') || (process.argv[1] ?? '');
  return ['node', script, ...process.argv.slice(2)].map(shellQuote).join(' ');
}

/** parseArgs options every runner takes (its USAGE says what --n and --timeout count there). */
export const RUNNER_OPTIONS = {
  n: { type: 'string' },
  shards: { type: 'string' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  ferrous: { type: 'string' },
  quick: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A progress line: stderr, as stdout carries the report. */
export function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Print the markdown report to stdout and write it to `out` ('' skips the file). */
export function writeReport(md: string, out: string): void {
  process.stdout.write(`\n${md}`);
  if (out !== '') {
    fs.writeFileSync(out, md);
    progress(`(written to ${path.relative(process.cwd(), out) || out})`);
  }
}

/**
 * A runner's top level: run `main`, then exit 0 (after Ctrl-C / SIGTERM the cleanup handler owns the
 * exit: it stops the servers first), or on an error print it, stop the servers and every child, exit 1.
 */
export async function runMain(main: () => Promise<void>, stopServers: () => Promise<void>): Promise<void> {
  try {
    await main();
    if (!runState.shuttingDown) process.exit(0);
  } catch (err) {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\nstopping servers…\n`);
    await stopServers().catch(() => undefined);
    killAllChildrenSync();
    process.exit(1);
  }
}

/** Install Ctrl-C / SIGTERM / uncaught-error handlers that run `cleanup` once, then exit. */
export function installCleanup(cleanup: () => Promise<void>): void {
  let running = false;
  const run = (code: number, why: string) => {
    if (running) return;
    running = true;
    runState.shuttingDown = true;
    process.stderr.write(`\n${why}: stopping servers…\n`);
    killToolChildren();
    const hard = setTimeout(() => {
      killAllChildrenSync();
      process.exit(code);
    }, 20_000);
    hard.unref();
    void cleanup()
      .catch(() => undefined)
      .finally(() => {
        killAllChildrenSync();
        process.exit(code);
      });
  };
  process.on('SIGINT', () => run(130, 'interrupted'));
  process.on('SIGTERM', () => run(143, 'terminated'));
  process.on('uncaughtException', (err) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    run(1, 'uncaught exception');
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    run(1, 'unhandled rejection');
  });
  process.on('exit', killAllChildrenSync);
}
