/**
 * Memory benchmark: load ~1M keys into redis-server and into Ferrous (one --shards value at a time),
 * then compare the servers' resident set size.
 *
 *   node dist/bench/memory.js                 # 1,000,000-key keyspace, 2,000,000 SETs, shards 1,2
 *   node dist/bench/memory.js --quick         # 20,000 keys, smoke run
 *
 * Load: `redis-benchmark -t set -r KEYS -n N -c 50 -P 16 -q` (random keys key:000000xxxxxx with 3-byte
 * values; with N = 2 × KEYS about 86% of the keyspace gets written, DBSIZE reports the exact count).
 * RSS is VmRSS from /proc/<pid>/status summed over the server's process tree (Ferrous's shard workers
 * are threads of the one node process, so this is that process's RSS). Targets run one at a time so
 * they do not compete for CPU or memory.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
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
  progress,
  runMain,
  runState,
  runTool,
  runnerCommandLine,
  sleep,
  treeRssKb,
  writeReport,
  type TargetSpec,
} from './lib.js';

const USAGE = `usage: node dist/bench/memory.js [options]
  --keys K       keyspace size, redis-benchmark -r (default 1000000)
  --n N          number of SETs (default 2 × keys)
  --shards 1,2   one Ferrous target per value
  --timeout S    deadline for the load in seconds (default 900)
  --out FILE     markdown report (default bench/last-memory.md; '' to skip)
  --ferrous CLI  Ferrous entry point to run (default dist/src/cli.js)
  --quick        smoke run: 20000 keys`;

interface Result {
  spec: TargetSpec;
  commandLine: string;
  dbsize?: number;
  rssEmptyKb?: number;
  rssKb?: number;
  hwmKb?: number;
  usedMemory?: number;
  loadRps?: number;
  loadSeconds?: number;
  error?: string;
}

/** The server being measured (for cleanup on Ctrl-C / errors). */
const live: { current: ServerProcess | null } = { current: null };
const stopLive = async (): Promise<void> => {
  await live.current?.stop();
};
const mb = (kb: number | undefined) => (kb === undefined ? '—' : (kb / 1024).toFixed(1));

async function measure(spec: TargetSpec, keys: number, n: number, timeoutMs: number): Promise<Result> {
  progress(`${spec.name}: starting`);
  const srv = await ServerProcess.start(spec, { commonArgs: PERSISTENCE_OFF });
  live.current = srv;
  const res: Result = { spec, commandLine: srv.commandLine };
  try {
    await sleep(1000);
    res.rssEmptyKb = treeRssKb(srv.pid);
    const args = ['-h', '127.0.0.1', '-p', String(srv.port), '-t', 'set', '-r', String(keys), '-n', String(n), '-c', '50', '-P', '16', '-q'];
    progress(`${spec.name}: pid ${srv.pid}, RSS empty ${mb(res.rssEmptyKb)} MB; loading: redis-benchmark ${args.join(' ')}`);
    const r = await runTool('redis-benchmark', args, timeoutMs);
    res.loadSeconds = r.ms / 1000;
    const rps = [...r.stdout.matchAll(/SET: ([0-9.]+) requests per second/g)].pop()?.[1];
    if (rps !== undefined) res.loadRps = Number(rps);
    if (r.timedOut) throw new Error(`load did not finish within ${timeoutMs / 1000} s`);
    if (r.code !== 0 || rps === undefined) {
      const msg = `${r.stdout}\n${r.stderr}`.split(/[\r\n]+/).filter((l) => l.trim() !== '').slice(-2).join(' / ');
      throw new Error(`load failed (exit ${r.code ?? r.signal}): ${msg.slice(0, 300)}`);
    }
    await sleep(2000); // let the server settle (deferred frees, GC)
    res.dbsize = Number(await cliValue(srv.port, ['DBSIZE'], 30_000));
    res.rssKb = treeRssKb(srv.pid, 'VmRSS');
    res.hwmKb = treeRssKb(srv.pid, 'VmHWM');
    try {
      const info = await cliValue(srv.port, ['INFO', 'memory'], 10_000);
      const m = /^used_memory:(\d+)/m.exec(info);
      if (m) res.usedMemory = Number(m[1]);
    } catch {
      /* optional */
    }
    progress(
      `${spec.name}: dbsize ${fmtInt(res.dbsize)}, RSS ${mb(res.rssKb)} MB (peak ${mb(res.hwmKb)} MB), load ${fmtInt(res.loadRps ?? 0)} SET/s in ${res.loadSeconds.toFixed(1)} s`,
    );
  } catch (err) {
    res.error = (err as Error).message;
    if (!srv.alive) res.error += ` (server ${srv.exitInfo}; log: ${srv.logTail.slice(-3).join(' / ')})`;
    progress(`${spec.name}: FAILED: ${res.error}`);
  } finally {
    await srv.stop();
    live.current = null;
  }
  return res;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...RUNNER_OPTIONS, keys: { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const posInt = (s: string, what: string): number => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${what}: expected a positive integer, got '${s}'`);
    return v;
  };
  const keys = values.keys !== undefined ? posInt(values.keys, 'keys') : values.quick ? 20_000 : 1_000_000;
  const n = values.n !== undefined ? posInt(values.n, 'n') : 2 * keys;
  const shards = (values.shards ?? '1,2').split(',').map((s) => posInt(s.trim(), 'shards'));
  const timeoutMs = (values.timeout !== undefined ? posInt(values.timeout, 'timeout') : 900) * 1000;
  const out = values.out ?? path.join(BENCH_DIR, 'last-memory.md');

  installCleanup(stopLive);
  const env = await environmentLines(values.ferrous !== undefined ? path.resolve(values.ferrous) : undefined);
  const cmdLine = runnerCommandLine();
  progress(cmdLine);

  const cli = values.ferrous !== undefined ? { cli: path.resolve(values.ferrous) } : {};
  const specs: TargetSpec[] = [
    { name: 'redis', kind: 'redis' },
    ...shards.map((s): TargetSpec => ({ name: `ferrous-${s}`, kind: 'ferrous', shards: s, ...cli })),
  ];
  const results: Result[] = [];
  for (const spec of specs) {
    if (runState.shuttingDown) return;
    try {
      results.push(await measure(spec, keys, n, timeoutMs));
    } catch (err) {
      const msg = (err as Error).message;
      progress(`${spec.name}: ${msg}`);
      results.push({ spec, commandLine: '(not started)', error: msg.split('\n')[0] ?? msg });
    }
  }

  const redis = results[0];
  const perKey = (r: Result): string =>
    r.rssKb !== undefined && r.rssEmptyKb !== undefined && r.dbsize !== undefined && r.dbsize > 0
      ? fmtInt(((r.rssKb - r.rssEmptyKb) * 1024) / r.dbsize)
      : '—';
  const rows = results.map((r) => [
    r.spec.name,
    r.dbsize !== undefined ? fmtInt(r.dbsize) : 'FAIL',
    mb(r.rssKb),
    r === redis ? '1.00' : fmtRatio(r.rssKb, redis?.rssKb),
    mb(r.rssEmptyKb),
    mb(r.hwmKb),
    perKey(r),
    r.usedMemory !== undefined ? (r.usedMemory / 2 ** 20).toFixed(1) : '—',
    r.loadRps !== undefined ? fmtInt(r.loadRps) : '—',
  ]);
  const header = ['target', 'dbsize', 'RSS MB', 'ratio', 'RSS empty MB', 'peak RSS MB', 'bytes/key', 'used_memory MB', 'load SET/s'];
  const failures = results.filter((r) => r.error !== undefined).map((r) => `- ${r.spec.name}: ${r.error ?? ''}`);
  const md = [
    '## Memory: Ferrous vs redis-server',
    '',
    `\`${cmdLine}\``,
    '',
    ...env,
    `- load: \`redis-benchmark -p PORT -t set -r ${keys} -n ${n} -c 50 -P 16 -q\` (3-byte values), persistence off, one server at a time`,
    '- RSS = VmRSS of the server process tree after the load and a 2 s pause; ratio = ferrous ÷ redis RSS; bytes/key = (RSS − RSS empty) ÷ dbsize; peak = VmHWM',
    '',
    markdownTable(header, rows, 1),
    '',
    ...(failures.length > 0 ? ['Failures:', '', ...failures, ''] : []),
    ...results.map((r) => `- ${r.spec.name}: \`${r.commandLine}\``),
    '',
  ].join('\n');
  writeReport(md, out);
}

await runMain(main, stopLive);
