/**
 * The benchmark cases. A case is one redis-benchmark invocation (or any command line that prints
 * redis-benchmark's --csv format) run against every target for every pipeline depth.
 *
 * To add a test, add an entry to CASES (or pass any redis-benchmark `-t` name to --tests: unknown names
 * fall back to `-t <name>`). Examples of the shapes later tests need:
 *
 *   lpush:       { args: ['-t', 'lpush'] }
 *   lrange_100:  { args: ['-t', 'lrange_100'], rows: /^LRANGE_100/ }   (redis-benchmark runs LPUSH first)
 *   evalsha:     { setup: [['SCRIPT', 'LOAD', src]], args: ['EVALSHA', sha1(src), '1', 'k:__rand_int__'] }
 *   multi/exec:  { command: ['node', 'dist/bench/tools/multi.js', '--port', '{port}', '-n', '{n}', …] }
 *   bgsave:      bench/tools/bgsave.ts prints latency rows (µs) in the CSV's number column
 */
import { createHash } from 'node:crypto';

export interface BenchCase {
  /** Row label in the table (and the name --tests selects). */
  name: string;
  /**
   * redis-benchmark arguments after the common ones, which the runner always supplies:
   * `-h 127.0.0.1 -p PORT -n N -c CLIENTS -P PIPELINE --csv -e` (-e prints server error replies, which
   * the runner counts). Either `-t test[,test]` or a custom command (`SET k:__rand_int__ v`).
   */
  args?: string[];
  /**
   * Instead of `args`: a complete command line whose stdout is redis-benchmark --csv output. The
   * placeholders {port}, {n}, {clients} and {pipeline} are substituted.
   */
  command?: string[];
  /** Keep only the CSV rows whose test name matches (default: every row). */
  rows?: RegExp;
  /** redis-cli commands sent to each target right before each run of this case (e.g. SCRIPT LOAD). */
  setup?: string[][];
  /** Multiply the run's -n by this (slow commands, e.g. LRANGE_600). Default 1. */
  nScale?: number;
  /** Override the pipeline depths for this case (e.g. [1] for something that cannot be pipelined). */
  pipelines?: number[];
  /** The case reports several CSV rows (kept after `rows`); label each by its own test name. */
  multiRow?: boolean;
  /** Add `-r <keyspace>` (random keys via __rand_int__), as redis-benchmark's docs suggest for GET/SET. */
  keyspace?: number;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

const INCR_SCRIPT = "return redis.call('INCR', KEYS[1])";
const RETURN1_SCRIPT = 'return 1';
const GETSET_SCRIPT = "local v = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1]) return v";
const INCR10_SCRIPT = "for i = 1, 10 do redis.call('INCR', KEYS[1]) end return redis.call('GET', KEYS[1])";

/** An EVALSHA case (issue 5's targets are without pipelining). */
function evalsha(name: string, script: string, args: string[]): BenchCase {
  return { name, setup: [['SCRIPT', 'LOAD', script]], args: ['EVALSHA', sha1(script), ...args], keyspace: 100_000, pipelines: [1] };
}

/** Built-in cases, by name. */
export const CASES: Record<string, BenchCase> = {
  // 4-command MULTI/EXEC over keys on different shards (transactions per second).
  multi_exec: {
    name: 'multi_exec',
    command: ['node', 'dist/bench/tools/multi.js', '--port', '{port}', '-n', '{n}', '--clients', '{clients}'],
    pipelines: [1],
    nScale: 0.25,
  },
  // GET latency while a BGSAVE of n × 5 keys runs (1M with the default n): the rows carry the figure
  // their name says (µs or ms, not ops/s); ratio = ferrous ÷ redis, so above 1 is slower.
  bgsave_get_latency: {
    name: 'bgsave_get_latency',
    command: ['node', 'dist/bench/tools/bgsave.js', '--port', '{port}', '--keys', '{n}', '--clients', '{clients}'],
    nScale: 5,
    pipelines: [1],
    multiRow: true,
  },
  ping: { name: 'ping', args: ['-t', 'ping'], multiRow: true }, // two rows: PING_INLINE and PING_MBULK
  set: { name: 'set', args: ['-t', 'set'] },
  get: { name: 'get', args: ['-t', 'get'] },
  incr: { name: 'incr', args: ['-t', 'incr'] },
  mset: { name: 'mset', args: ['-t', 'mset'] }, // MSET of 10 keys
  lpush: { name: 'lpush', args: ['-t', 'lpush'] },
  rpush: { name: 'rpush', args: ['-t', 'rpush'] },
  lpop: { name: 'lpop', args: ['-t', 'lpop'] },
  rpop: { name: 'rpop', args: ['-t', 'rpop'] },
  sadd: { name: 'sadd', args: ['-t', 'sadd'] },
  hset: { name: 'hset', args: ['-t', 'hset'] },
  spop: { name: 'spop', args: ['-t', 'spop'] },
  zadd: { name: 'zadd', args: ['-t', 'zadd'] },
  zpopmin: { name: 'zpopmin', args: ['-t', 'zpopmin'] },
  lrange_100: { name: 'lrange_100', args: ['-t', 'lrange_100'], rows: /^LRANGE_100/ },
  lrange_300: { name: 'lrange_300', args: ['-t', 'lrange_300'], rows: /^LRANGE_300/, nScale: 0.5 },
  lrange_600: { name: 'lrange_600', args: ['-t', 'lrange_600'], rows: /^LRANGE_600/, nScale: 0.25 },
  set_random: { name: 'set_random', args: ['-t', 'set'], keyspace: 100_000 },
  get_random: { name: 'get_random', args: ['-t', 'get'], keyspace: 100_000 },
  evalsha_incr: {
    name: 'evalsha_incr',
    setup: [['SCRIPT', 'LOAD', INCR_SCRIPT]],
    args: ['EVALSHA', sha1(INCR_SCRIPT), '1', 'counter:__rand_int__'],
    keyspace: 100_000,
  },
  evalsha_return1: evalsha('evalsha_return1', RETURN1_SCRIPT, ['0']),
  evalsha_getset: evalsha('evalsha_getset', GETSET_SCRIPT, ['1', 'gs:__rand_int__', 'value']),
  evalsha_incr10: evalsha('evalsha_incr10', INCR10_SCRIPT, ['1', 'i10:__rand_int__']),
};

export const DEFAULT_TESTS = ['ping', 'set', 'get', 'incr', 'mset', 'bgsave_get_latency'];

/** Resolve a --tests name: a built-in case, or any redis-benchmark -t test name. */
export function caseByName(name: string): BenchCase {
  return CASES[name] ?? { name, args: ['-t', name] };
}

/**
 * Table label of one CSV row of a case: the case name, or for multiRow cases the row's own test name
 * in lower case (`-t ping` gives ping_inline and ping_mbulk).
 */
export function rowLabel(c: BenchCase, csvTest: string): string {
  if (c.multiRow !== true) return c.name;
  return csvTest.toLowerCase().replace(/\s*\(.*\)\s*$/, '').replace(/\s+/g, '_');
}
