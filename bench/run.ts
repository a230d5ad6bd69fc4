/**
 * Throughput benchmark: real redis-server vs Ferrous (one column per --shards value), side by side.
 *
 *   npm run bench                          # build, then the defaults below
 *   node dist/bench/run.js --quick         # tiny smoke run
 *   node dist/bench/run.js --tests set,get,lpush --n 100000 --rounds 5 --pipelines 1,16 --shards 1,2
 *
 * All servers are started once (persistence off, each in its own temp dir) and stay up for the whole
 * run. For every round, case and pipeline depth the targets run back to back (redis, ferrous-1,
 * ferrous-2, redis, …) so that machine noise hits them alike; the table reports the median ops/s over
 * the rounds. Every child process has a deadline: a server that hangs or dies costs one timeout, is
 * restarted (at most twice) and the run goes on. Progress goes to stderr, the report to stdout and to
 * bench/last-run.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TESTS, caseByName, rowLabel, type BenchCase } from './cases.js';
import {
  BENCH_DIR,
  PERSISTENCE_OFF,
  RUNNER_OPTIONS,
  ServerProcess,
  cliValue,
  environmentLines,
  fmtInt,
  fmtRatio,
  installCleanup,
  markdownTable,
  median,
  progress,
  runMain,
  runState,
  runTool,
  runnerCommandLine,
  shellQuote,
  writeReport,
  type TargetSpec,
} from './lib.js';

const USAGE = `usage: node dist/bench/run.js [options]
  --tests a,b,c      cases (default ${DEFAULT_TESTS.join(',')}; any redis-benchmark -t name works)
  --n N              requests per redis-benchmark run (default 200000)
  --rounds R         rounds; the table shows the median (default 3)
  --pipelines 1,16   pipeline depths (-P)
  --shards 1,2       one Ferrous target per value
  --clients C        parallel connections (-c, default 50)
  --appendonly yes   run every server with appendonly yes (appendfsync everysec)
  --warmup N         untimed warm-up run of every case with N requests first (default n/10; 0 = none)
  --timeout S        deadline per redis-benchmark run in seconds (default max(20, n/2000))
  --out FILE         markdown report (default bench/last-run.md; '' to skip)
  --ferrous CLI      Ferrous entry point to run (default dist/src/cli.js)
  --quick            smoke run: n=10000, rounds=1 (explicit flags still win)`;

interface Options {
  tests: string[];
  n: number;
  rounds: number;
  pipelines: number[];
  shards: number[];
  clients: number;
  appendonly: boolean;
  timeoutMs: number;
  /** Requests per warm-up run (0: no warm-up). */
  warmup: number;
  out: string;
  /** Ferrous cli.js, or undefined for this checkout's dist/src/cli.js. */
  ferrous: string | undefined;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      ...RUNNER_OPTIONS,
      tests: { type: 'string' },
      rounds: { type: 'string' },
      pipelines: { type: 'string' },
      clients: { type: 'string' },
      appendonly: { type: 'string' },
      warmup: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const ints = (s: string | undefined, def: number[], what: string): number[] => {
    if (s === undefined) return def;
    const xs = s.split(',').map((x) => Number(x.trim()));
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`--${what}: expected positive integers, got '${s}'`);
    return xs;
  };
  const one = (s: string | undefined, def: number, what: string): number => ints(s, [def], what)[0] as number;
  const nonNegative = (s: string): number => (s.trim() === '0' ? 0 : one(s, 0, 'warmup'));
  const quick = values.quick;
  const n = one(values.n, quick ? 10_000 : 200_000, 'n');
  const appendonly = (values.appendonly ?? 'no').toLowerCase();
  if (appendonly !== 'yes' && appendonly !== 'no') throw new Error(`--appendonly: expected yes or no`);
  return {
    tests: (values.tests ?? DEFAULT_TESTS.join(',')).split(',').map((t) => t.trim()).filter((t) => t !== ''),
    n,
    rounds: one(values.rounds, quick ? 1 : 3, 'rounds'),
    pipelines: ints(values.pipelines, [1, 16], 'pipelines'),
    shards: ints(values.shards, [1, 2], 'shards'),
    clients: one(values.clients, 50, 'clients'),
    appendonly: appendonly === 'yes',
    timeoutMs: values.timeout !== undefined ? one(values.timeout, 0, 'timeout') * 1000 : Math.max(20, Math.ceil(n / 2000)) * 1000,
    warmup: values.warmup !== undefined ? nonNegative(values.warmup) : Math.max(1000, Math.round(n / 10)),
    out: values.out ?? path.join(BENCH_DIR, 'last-run.md'),
    ferrous: values.ferrous !== undefined ? path.resolve(values.ferrous) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------

interface Target {
  spec: TargetSpec;
  server: ServerProcess | null;
  restarts: number;
  /** Why the target is out of the run (start failure, too many restarts). */
  downReason: string | null;
}

interface Cell {
  values: number[];
  failures: string[];
}

const MAX_RESTARTS = 2;

/** Parse redis-benchmark --csv output (progress lines, warnings and errors may be interleaved). */
export function parseCsv(stdout: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of stdout.split(/[\r\n]+/)) {
    const m = /^"([^"]*)","([0-9.]+)"/.exec(line.trim());
    if (m && m[1] !== 'test') rows.set(m[1] as string, Number(m[2]));
  }
  return rows;
}

function fill(template: string[], vars: Record<string, string>): string[] {
  return template.map((a) => a.replace(/\{(\w+)\}/g, (all, k: string) => vars[k] ?? all));
}

/** The redis-benchmark (or custom) command line for one run. */
function commandFor(c: BenchCase, port: number | string, n: number, clients: number, pipeline: number | string): string[] {
  const runN = Math.max(1, Math.round(n * (c.nScale ?? 1)));
  if (c.command !== undefined) {
    return fill(c.command, { port: String(port), n: String(runN), clients: String(clients), pipeline: String(pipeline) });
  }
  const common = ['-h', '127.0.0.1', '-p', String(port), '-n', String(runN), '-c', String(clients), '-P', String(pipeline), '--csv'];
  if (c.keyspace !== undefined) common.push('-r', String(c.keyspace));
  return ['redis-benchmark', ...common, ...(c.args ?? [])];
}

async function startTarget(t: Target, commonArgs: string[]): Promise<void> {
  try {
    t.server = await ServerProcess.start(t.spec, { commonArgs });
    progress(`  ${t.spec.name}: pid ${t.server.pid}, port ${t.server.port}  (${t.server.commandLine})`);
  } catch (err) {
    t.server = null;
    t.downReason = (err as Error).message.split('\n')[0] ?? 'failed to start';
    progress(`  ${t.spec.name}: ${(err as Error).message}`);
  }
}

/** After a failed run: is the target still usable (answers DBSIZE)? If not, restart it (bounded). Returns a note. */
async function checkHealth(t: Target, commonArgs: string[]): Promise<string | null> {
  const srv = t.server;
  if (srv === null || runState.shuttingDown) return null;
  if (srv.alive && (await srv.healthy(5_000))) return null;
  const why = srv.alive ? 'stopped answering (DBSIZE)' : `died (${srv.exitInfo})`;
  const tail = srv.logTail.slice(-8).join('\n    ');
  progress(`  !! ${t.spec.name} ${why}; last log lines:\n    ${tail}`);
  await srv.stop();
  t.server = null;
  if (t.restarts >= MAX_RESTARTS) {
    t.downReason = `${why}; gave up after ${MAX_RESTARTS} restarts`;
    return `${t.spec.name} ${why}; not restarted again`;
  }
  t.restarts++;
  progress(`  restarting ${t.spec.name} (restart ${t.restarts}/${MAX_RESTARTS})`);
  await startTarget(t, commonArgs);
  return `${t.spec.name} ${why}; restarted${t.server === null ? ' (failed)' : ''}`;
}

/** Stops every server this run started (set once the targets exist). */
let stopAll: () => Promise<void> = async () => undefined;

async function main(): Promise<void> {
  const opts = parseOptions();
  const cases = opts.tests.map(caseByName);
  const commonArgs = opts.appendonly ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'] : PERSISTENCE_OFF;
  const targets: Target[] = [
    { spec: { name: 'redis', kind: 'redis' }, server: null, restarts: 0, downReason: null },
    ...opts.shards.map(
      (s): Target => ({
        spec: { name: `ferrous-${s}`, kind: 'ferrous', shards: s, ...(opts.ferrous !== undefined ? { cli: opts.ferrous } : {}) },
        server: null,
        restarts: 0,
        downReason: null,
      }),
    ),
  ];
  const cleanup = async () => {
    await Promise.all(targets.map((t) => t.server?.stop()));
  };
  stopAll = cleanup;
  installCleanup(cleanup);

  const env = await environmentLines(opts.ferrous);
  const cmdLine = runnerCommandLine();
  progress(`${cmdLine}\nstarting servers…`);
  for (const t of targets) await startTarget(t, commonArgs);
  const serverLines = targets.map((t) => `- ${t.spec.name}: \`${t.server?.commandLine ?? `(${t.downReason ?? 'not started'})`}\``);

  const cells = new Map<string, Cell>();
  const cell = (target: string, label: string, pipeline: number): Cell => {
    const key = `${target}\u0000${label}\u0000${pipeline}`;
    let c = cells.get(key);
    if (c === undefined) cells.set(key, (c = { values: [], failures: [] }));
    return c;
  };
  /** Table rows in first-seen order: label + pipeline. */
  const rowOrder: { label: string; pipeline: number }[] = [];
  const rowSeen = new Set<string>();
  const addRow = (label: string, pipeline: number) => {
    const k = `${label}\u0000${pipeline}`;
    if (!rowSeen.has(k)) {
      rowSeen.add(k);
      rowOrder.push({ label, pipeline });
    }
  };
  /** Labels a case produced so far (for recording failures of multi-row cases). */
  const caseLabels = new Map<string, string[]>();
  const events: string[] = [];
  const t0 = Date.now();

  /**
   * One redis-benchmark run of case `c` at depth `pipeline` against target `t`. Round 0 is the
   * warm-up: its numbers and failures are not recorded (but a dead server is still restarted).
   */
  const runOne = async (round: number, c: BenchCase, pipeline: number, t: Target, n: number): Promise<void> => {
    const record = round > 0;
    const tag = `[${record ? `round ${round}/${opts.rounds}` : 'warm-up'}] ${c.name} P=${pipeline} ${t.spec.name}`;
    const where = `${record ? `round ${round}` : 'warm-up'}, ${c.name} P=${pipeline}`;
    const fail = (why: string) => {
      if (runState.shuttingDown) return;
      progress(`${tag}: FAILED (${why})`);
      if (!record) return;
      const labels = caseLabels.get(c.name) ?? (c.multiRow === true ? [] : [c.name]);
      if (labels.length === 0) labels.push(c.name);
      for (const l of labels) {
        addRow(l, pipeline);
        cell(t.spec.name, l, pipeline).failures.push(`round ${round}: ${why}`);
      }
    };
    if (t.server !== null && !t.server.alive) {
      // Died between runs (crash, or killed from outside): note it and restart before this run.
      const note = await checkHealth(t, commonArgs);
      if (note !== null) events.push(`${where}: ${note}`);
    }
    const srv = t.server;
    if (srv === null || !srv.alive) {
      fail(t.downReason ?? 'server down');
      return;
    }
    // Per-case setup (e.g. SCRIPT LOAD).
    for (const cmd of c.setup ?? []) {
      try {
        await cliValue(srv.port, cmd, 10_000);
      } catch (err) {
        fail(`setup ${cmd[0] ?? ''} failed: ${(err as Error).message}`);
        const note = await checkHealth(t, commonArgs);
        if (note !== null) events.push(`${where}: ${note}`);
        return;
      }
    }
    const argv = commandFor(c, srv.port, n, opts.clients, pipeline);
    const r = await runTool(argv[0] as string, argv.slice(1), opts.timeoutMs);
    const rows = parseCsv(r.stdout);
    const kept = [...rows].filter(([name]) => c.rows === undefined || c.rows.test(name));
    const serverError = /Error from server: (.*)/.exec(`${r.stdout}\n${r.stderr}`)?.[1]?.trim();
    if (r.timedOut) {
      fail(`no result within ${opts.timeoutMs / 1000} s (killed)`);
    } else if (serverError !== undefined) {
      fail(`error reply: ${serverError.slice(0, 160)}`);
    } else if (r.code === 0 && kept.length === 0) {
      fail(rows.size === 0 ? 'redis-benchmark printed no results (unknown -t test name?)' : `no CSV row matches ${String(c.rows)}`);
    } else if (r.code !== 0 || kept.length === 0) {
      const msg = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-2).join(' / ');
      fail(`${argv[0] ?? ''} exit ${r.code ?? r.signal}${msg !== '' ? `: ${msg.slice(0, 200)}` : ''}`);
    } else {
      const labels: string[] = [];
      const parts: string[] = [];
      for (const [name, rps] of kept) {
        const label = rowLabel(c, name);
        labels.push(label);
        parts.push(`${kept.length > 1 ? `${label} ` : ''}${fmtInt(rps)}`);
        if (record) {
          addRow(label, pipeline);
          cell(t.spec.name, label, pipeline).values.push(rps);
        }
      }
      if (!caseLabels.has(c.name)) caseLabels.set(c.name, labels);
      progress(`${tag}: ${parts.join(', ')} ops/s (${(r.ms / 1000).toFixed(1)} s)`);
    }
    if (r.timedOut || r.code !== 0 || !srv.alive) {
      const note = await checkHealth(t, commonArgs);
      if (note !== null) events.push(`${where}: ${note}`);
    }
  };

  // Warm-up (round 0): every case once per target at a fraction of n, so that Ferrous's JIT and heap
  // are warm when round 1 starts (redis-server has nothing to warm up). Not recorded.
  for (let round = opts.warmup > 0 ? 0 : 1; round <= opts.rounds; round++) {
    for (const t of targets) {
      if (t.server === null || runState.shuttingDown) continue;
      try {
        await cliValue(t.server.port, ['FLUSHALL'], 30_000);
      } catch (err) {
        events.push(`round ${round}: FLUSHALL on ${t.spec.name} failed: ${(err as Error).message}`);
        const note = await checkHealth(t, commonArgs);
        if (note !== null) events.push(`round ${round}: ${note}`);
      }
    }
    for (const c of cases) {
      for (const pipeline of c.pipelines ?? opts.pipelines) {
        for (const t of targets) {
          if (runState.shuttingDown) return;
          await runOne(round, c, pipeline, t, round === 0 ? opts.warmup : opts.n);
        }
      }
    }
  }
  const elapsed = (Date.now() - t0) / 1000;

  // ---- report -------------------------------------------------------------------------------------
  const redis = targets[0] as Target;
  const ferrous = targets.slice(1);
  const med = (c: Cell | undefined): number | undefined => (c !== undefined && c.values.length > 0 ? median(c.values) : undefined);
  const show = (c: Cell | undefined): string => {
    if (c === undefined) return '—';
    if (c.values.length === 0) return 'FAIL';
    const m = fmtInt(median(c.values));
    return c.values.length < opts.rounds ? `${m} (${c.values.length}/${opts.rounds})` : m;
  };
  const header = ['test', 'pipeline', `${redis.spec.name} ops/s`];
  for (const f of ferrous) header.push(`${f.spec.name} ops/s`, 'ratio');
  const tableRows = rowOrder.map(({ label, pipeline }) => {
    const rc = cells.get(`${redis.spec.name}\u0000${label}\u0000${pipeline}`);
    const row = [label, String(pipeline), show(rc)];
    for (const f of ferrous) {
      const fc = cells.get(`${f.spec.name}\u0000${label}\u0000${pipeline}`);
      row.push(show(fc), fmtRatio(med(fc), med(rc)));
    }
    return row;
  });

  const notes: string[] = [];
  for (const { label, pipeline } of rowOrder) {
    for (const t of targets) {
      const c = cells.get(`${t.spec.name}\u0000${label}\u0000${pipeline}`);
      if (c === undefined || c.failures.length === 0) continue;
      const uniq = [...new Set(c.failures.map((f) => f.replace(/^round \d+: /, '')))];
      const why = uniq.map((u) => (u.length > 200 ? `${u.slice(0, 200)}…` : u)).join('; ');
      notes.push(`- ${t.spec.name}, ${label} P=${pipeline}: ${c.failures.length}/${opts.rounds} rounds failed: ${why}`);
    }
  }
  for (const e of events) notes.push(`- ${e}`);

  const rawRows: string[][] = [];
  for (const { label, pipeline } of rowOrder) {
    for (const t of targets) {
      const c = cells.get(`${t.spec.name}\u0000${label}\u0000${pipeline}`);
      if (c === undefined) continue;
      const vs = c.values;
      const spread = vs.length > 1 ? `${(((Math.max(...vs) - Math.min(...vs)) / median(vs)) * 100).toFixed(0)}%` : '';
      rawRows.push([label, String(pipeline), t.spec.name, vs.map(fmtInt).join(', ') || 'FAIL', spread]);
    }
  }

  const template = cases
    .map((c) => {
      const depths = `{${(c.pipelines ?? opts.pipelines).join(',')}}`;
      return `${c.name}: ${commandFor(c, 'PORT', opts.n, opts.clients, depths).map((a) => (a === depths || a === 'PORT' ? a : shellQuote(a))).join(' ')}`;
    })
    .join('\n');
  const md = [
    `## Throughput: Ferrous vs redis-server`,
    '',
    `\`${cmdLine}\``,
    '',
    ...env,
    `- ${opts.rounds} round(s) after ${opts.warmup > 0 ? `a warm-up of ${opts.warmup} requests per case` : 'no warm-up'}, median ops/s shown; ratio = ferrous ÷ redis; ${opts.clients} clients; persistence ${opts.appendonly ? 'appendonly yes (everysec)' : 'off'}; run took ${elapsed.toFixed(0)} s`,
    '',
    markdownTable(header, tableRows, 1),
    '',
    ...(notes.length > 0 ? ['Failures and incidents:', '', ...notes, ''] : []),
    '<details><summary>servers, commands and per-round numbers</summary>',
    '',
    ...serverLines,
    '',
    '```',
    template,
    '```',
    '',
    markdownTable(['test', 'pipeline', 'target', 'ops/s per round', 'spread'], rawRows, 3),
    '',
    '</details>',
    '',
  ].join('\n');

  writeReport(md, opts.out);
  progress('stopping servers…');
  await cleanup();
}

await runMain(main, () => stopAll());
