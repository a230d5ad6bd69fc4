import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CONFIG_SPECS,
  Config,
  ConfigError,
  type Directive,
  findConfigSpec,
  keyspaceEventsFlagsToString,
  keyspaceEventsStringToFlags,
  memtoull,
  NOTIFY_ALL,
  NOTIFY_KEYEVENT,
  NOTIFY_KEYSPACE,
  parseCommandLine,
  parseConfigFile,
  reprArg,
  splitArgs,
} from '../../src/shared/config.js';

// Every expected string in this file was captured from a real redis-server 7.0.15.

const OPTS = { cwd: '/tmp', chdir: false, cpuCount: 8, checkLogfile: false } as const;
const fresh = (): Config => new Config(OPTS);
const load = (file: string | undefined, argv: string[] = []): Config =>
  Config.fromSources(file, parseCommandLine(argv).directives, OPTS);
const loadError = (file: string | undefined, argv: string[] = []): string => {
  try {
    load(file, argv);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return '(no error)';
};
const fatal = (line: number, text: string, reason: string): string =>
  `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${text}'\n${reason}\n`;
const set = (cfg: Config, ...kv: string[]): string => {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < kv.length; i += 2) pairs.push([kv[i], kv[i + 1]]);
  const r = cfg.configSet(pairs);
  return r.ok ? 'OK' : r.error;
};
const failed = (arg: string, reason: string): string => `ERR CONFIG SET failed (possibly related to argument '${arg}') - ${reason}`;

/** CONFIG GET * of redis-server 7.0.15 started without arguments (tls-* and dir omitted). */
const REDIS_DEFAULTS: Array<[string, string]> = [
  ["acl-pubsub-default", "resetchannels"],
  ["aclfile", ""],
  ["acllog-max-len", "128"],
  ["active-defrag-cycle-max", "25"],
  ["active-defrag-cycle-min", "1"],
  ["active-defrag-ignore-bytes", "104857600"],
  ["active-defrag-max-scan-fields", "1000"],
  ["active-defrag-threshold-lower", "10"],
  ["active-defrag-threshold-upper", "100"],
  ["active-expire-effort", "1"],
  ["activedefrag", "no"],
  ["activerehashing", "yes"],
  ["always-show-logo", "no"],
  ["aof-disable-auto-gc", "no"],
  ["aof-load-truncated", "yes"],
  ["aof-rewrite-incremental-fsync", "yes"],
  ["aof-timestamp-enabled", "no"],
  ["aof-use-rdb-preamble", "yes"],
  ["aof_rewrite_cpulist", ""],
  ["appenddirname", "appendonlydir"],
  ["appendfilename", "appendonly.aof"],
  ["appendfsync", "everysec"],
  ["appendonly", "no"],
  ["auto-aof-rewrite-min-size", "67108864"],
  ["auto-aof-rewrite-percentage", "100"],
  ["bgsave_cpulist", ""],
  ["bind", "* -::*"],
  ["bind-source-addr", ""],
  ["bio_cpulist", ""],
  ["busy-reply-threshold", "5000"],
  ["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
  ["client-query-buffer-limit", "1073741824"],
  ["cluster-allow-pubsubshard-when-down", "yes"],
  ["cluster-allow-reads-when-down", "no"],
  ["cluster-allow-replica-migration", "yes"],
  ["cluster-announce-bus-port", "0"],
  ["cluster-announce-hostname", ""],
  ["cluster-announce-ip", ""],
  ["cluster-announce-port", "0"],
  ["cluster-announce-tls-port", "0"],
  ["cluster-config-file", "nodes.conf"],
  ["cluster-enabled", "no"],
  ["cluster-link-sendbuf-limit", "0"],
  ["cluster-migration-barrier", "1"],
  ["cluster-node-timeout", "15000"],
  ["cluster-port", "0"],
  ["cluster-preferred-endpoint-type", "ip"],
  ["cluster-replica-no-failover", "no"],
  ["cluster-replica-validity-factor", "10"],
  ["cluster-require-full-coverage", "yes"],
  ["cluster-slave-no-failover", "no"],
  ["cluster-slave-validity-factor", "10"],
  ["crash-log-enabled", "yes"],
  ["crash-memcheck-enabled", "yes"],
  ["daemonize", "no"],
  ["databases", "16"],
  ["dbfilename", "dump.rdb"],
  ["disable-thp", "yes"],
  ["dynamic-hz", "yes"],
  ["enable-debug-command", "no"],
  ["enable-module-command", "no"],
  ["enable-protected-configs", "no"],
  ["hash-max-listpack-entries", "512"],
  ["hash-max-listpack-value", "64"],
  ["hash-max-ziplist-entries", "512"],
  ["hash-max-ziplist-value", "64"],
  ["hll-sparse-max-bytes", "3000"],
  ["hz", "10"],
  ["ignore-warnings", ""],
  ["io-threads", "1"],
  ["io-threads-do-reads", "no"],
  ["jemalloc-bg-thread", "yes"],
  ["latency-monitor-threshold", "0"],
  ["latency-tracking", "yes"],
  ["latency-tracking-info-percentiles", "50 99 99.9"],
  ["lazyfree-lazy-eviction", "no"],
  ["lazyfree-lazy-expire", "no"],
  ["lazyfree-lazy-server-del", "no"],
  ["lazyfree-lazy-user-del", "no"],
  ["lazyfree-lazy-user-flush", "no"],
  ["lfu-decay-time", "1"],
  ["lfu-log-factor", "10"],
  ["list-compress-depth", "0"],
  ["list-max-listpack-size", "-2"],
  ["list-max-ziplist-size", "-2"],
  ["logfile", ""],
  ["loglevel", "notice"],
  ["lua-time-limit", "5000"],
  ["masterauth", ""],
  ["masteruser", ""],
  ["maxclients", "10000"],
  ["maxmemory", "0"],
  ["maxmemory-clients", "0"],
  ["maxmemory-eviction-tenacity", "10"],
  ["maxmemory-policy", "noeviction"],
  ["maxmemory-samples", "5"],
  ["min-replicas-max-lag", "10"],
  ["min-replicas-to-write", "0"],
  ["min-slaves-max-lag", "10"],
  ["min-slaves-to-write", "0"],
  ["no-appendfsync-on-rewrite", "no"],
  ["notify-keyspace-events", ""],
  ["oom-score-adj", "no"],
  ["oom-score-adj-values", "0 200 800"],
  ["pidfile", ""],
  ["port", "6379"],
  ["proc-title-template", "{title} {listen-addr} {server-mode}"],
  ["propagation-error-behavior", "ignore"],
  ["protected-mode", "yes"],
  ["proto-max-bulk-len", "536870912"],
  ["rdb-del-sync-files", "no"],
  ["rdb-save-incremental-fsync", "yes"],
  ["rdbchecksum", "yes"],
  ["rdbcompression", "yes"],
  ["repl-backlog-size", "1048576"],
  ["repl-backlog-ttl", "3600"],
  ["repl-disable-tcp-nodelay", "no"],
  ["repl-diskless-load", "disabled"],
  ["repl-diskless-sync", "yes"],
  ["repl-diskless-sync-delay", "5"],
  ["repl-diskless-sync-max-replicas", "0"],
  ["repl-ping-replica-period", "10"],
  ["repl-ping-slave-period", "10"],
  ["repl-timeout", "60"],
  ["replica-announce-ip", ""],
  ["replica-announce-port", "0"],
  ["replica-announced", "yes"],
  ["replica-ignore-disk-write-errors", "no"],
  ["replica-ignore-maxmemory", "yes"],
  ["replica-lazy-flush", "no"],
  ["replica-priority", "100"],
  ["replica-read-only", "yes"],
  ["replica-serve-stale-data", "yes"],
  ["replicaof", ""],
  ["requirepass", ""],
  ["sanitize-dump-payload", "no"],
  ["save", "3600 1 300 100 60 10000"],
  ["server_cpulist", ""],
  ["set-max-intset-entries", "512"],
  ["set-proc-title", "yes"],
  ["shutdown-on-sigint", "default"],
  ["shutdown-on-sigterm", "default"],
  ["shutdown-timeout", "10"],
  ["slave-announce-ip", ""],
  ["slave-announce-port", "0"],
  ["slave-ignore-maxmemory", "yes"],
  ["slave-lazy-flush", "no"],
  ["slave-priority", "100"],
  ["slave-read-only", "yes"],
  ["slave-serve-stale-data", "yes"],
  ["slaveof", ""],
  ["slowlog-log-slower-than", "10000"],
  ["slowlog-max-len", "128"],
  ["socket-mark-id", "0"],
  ["stop-writes-on-bgsave-error", "yes"],
  ["stream-node-max-bytes", "4096"],
  ["stream-node-max-entries", "100"],
  ["supervised", "no"],
  ["syslog-enabled", "no"],
  ["syslog-facility", "local0"],
  ["syslog-ident", "redis"],
  ["tcp-backlog", "511"],
  ["tcp-keepalive", "300"],
  ["timeout", "0"],
  ["tracking-table-max-keys", "1000000"],
  ["unixsocket", ""],
  ["unixsocketperm", "0"],
  ["zset-max-listpack-entries", "128"],
  ["zset-max-listpack-value", "64"],
  ["zset-max-ziplist-entries", "128"],
  ["zset-max-ziplist-value", "64"],
];

t.test('defaults match redis-server 7.0.15 CONFIG GET *', async (t) => {
  const cfg = fresh();
  const got = new Map(cfg.configGet(['*']));
  for (const [k, v] of REDIS_DEFAULTS) t.equal(got.get(k), v, k);
  t.equal(got.get('dir'), '/tmp');
  t.equal(got.get('shards'), '7', 'shards = cpus - 1');
  t.equal(got.get('lua-memory-limit'), '52428800');
  t.equal(got.size, REDIS_DEFAULTS.length + 3, 'no other parameters');
  t.equal(new Config({ ...OPTS, cpuCount: 1 }).get('shards'), '1', 'at least one shard');
  t.equal(cfg.getInt('port'), 6379);
  t.equal(cfg.getBool('appendonly'), false);
  t.equal(cfg.getEnum('maxmemory-policy'), 'noeviction');
  t.equal(cfg.getString('dbfilename'), 'dump.rdb');
  t.strictSame(cfg.getSaveParams(), [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ]);
  t.strictSame(cfg.getBind(), ['*', '-::*']);
  t.equal(cfg.getReplicaOf(), null);
  t.strictSame(cfg.getClientOutputBufferLimits().replica, { hardLimitBytes: 268435456, softLimitBytes: 67108864, softLimitSeconds: 60 });
  t.equal(cfg.getBigInt('maxmemory'), 0n);
  t.strictSame(cfg.getLatencyTrackingPercentiles(), [50, 99, 99.9]);
});

t.test('registry metadata', async (t) => {
  t.equal(findConfigSpec('SLAVEOF')?.name, 'replicaof');
  t.equal(findConfigSpec('lua-time-limit')?.name, 'busy-reply-threshold');
  t.equal(findConfigSpec('hash-max-ziplist-entries')?.name, 'hash-max-listpack-entries');
  t.equal(findConfigSpec('list-max-ziplist-size')?.name, 'list-max-listpack-size');
  t.equal(findConfigSpec('set-max-listpack-entries'), undefined, 'Redis 7.2 only');
  t.equal(findConfigSpec('port')?.immutable, false);
  t.equal(findConfigSpec('daemonize')?.immutable, true);
  t.equal(findConfigSpec('shards')?.immutable, true);
  t.equal(findConfigSpec('dir')?.protected, true);
  t.ok(Config.isSensitive('requirepass') && Config.isSensitive('masterauth') && !Config.isSensitive('port'));
  t.strictSame(findConfigSpec('appendfsync')?.enumValues, ['everysec', 'always', 'no']);
  const names = new Set<string>();
  for (const s of CONFIG_SPECS) {
    t.notOk(names.has(s.name), `unique ${s.name}`);
    names.add(s.name);
    if (s.alias) names.add(s.alias);
  }
});

t.test('memory units (memtoull)', async (t) => {
  const cases: Array<[string, bigint | null]> = [
    ['0', 0n], ['', 0n], ['kb', 0n], ['1', 1n], ['1b', 1n], ['1B', 1n], ['1k', 1000n], ['1K', 1000n], ['1kb', 1024n],
    ['1kB', 1024n], ['1m', 1000000n], ['1mb', 1048576n], ['100mb', 104857600n], ['1g', 1000000000n], ['1G', 1000000000n],
    ['1gb', 1073741824n], ['01', 1n], ['18446744073709551615', 18446744073709551615n],
    ['99999999999999999999', 18446744073709551615n], ['20000000000gb', 3028092406290448384n],
    ['17179869183gb', 18446744072635809792n], ['17179869184gb', 0n],
    ['-1', null], [' 1', null], ['+1', null], ['1 ', null], ['1.5', null], ['1xb', null], ['1tb', null], ['abc', null],
  ];
  for (const [s, v] of cases) t.equal(memtoull(s), v, JSON.stringify(s));
  t.equal(memtoull('1'.repeat(127)), 18446744073709551615n);
  t.equal(memtoull('1'.repeat(128)), null);

  const cfg = fresh();
  const viaSet: Array<[string, string]> = [['1gb', '1073741824'], ['1G', '1000000000'], ['99999999999999999999', '18446744073709551615'], ['1mb', '1048576']];
  for (const [v, want] of viaSet) {
    t.equal(set(cfg, 'maxmemory', v), 'OK');
    t.equal(cfg.get('maxmemory'), want);
  }
  t.equal(cfg.getInt('maxmemory'), 1048576);
  t.equal(set(cfg, 'maxmemory', '-1'), failed('maxmemory', 'argument must be a memory value'));
  t.equal(load('maxmemory 100mb\nclient-query-buffer-limit 2GB\n').get('client-query-buffer-limit'), '2147483648');
  t.equal(load(undefined, ['--maxmemory', '100mb']).getInt('maxmemory'), 104857600);
});

t.test('save parsing', async (t) => {
  const saveOf = (file: string | undefined, argv: string[] = []): string => load(file, argv).get('save');
  t.equal(saveOf('save 900 1\n'), '900 1', 'first save line replaces the default');
  t.equal(saveOf('save 900 1\nsave 300 10\n'), '900 1 300 10', 'later lines add up');
  t.equal(saveOf('save 900 1 300 10 60 10000\n'), '900 1 300 10 60 10000');
  t.equal(saveOf('save ""\n'), '');
  t.equal(saveOf("save ''\n"), '');
  t.equal(saveOf('save 900 1\nsave ""\n'), '');
  t.equal(saveOf('save ""\nsave 900 1\n'), '900 1');
  t.equal(saveOf('save 900 1\nsave ""\nsave 300 10\n'), '300 10');
  t.equal(saveOf(undefined, ['--save', '900', '1', '--save', '300', '10']), '900 1 300 10');
  t.equal(saveOf(undefined, ['--save', '']), '');
  t.equal(saveOf(undefined, ['--save']), '', 'bare --save at the end means --save ""');
  t.equal(saveOf(undefined, ['--save', '--port', '5']), '', 'bare --save before another option');
  t.equal(saveOf('save 900 1\n', ['--save', '']), '', 'command line after the file');
  t.equal(saveOf(undefined, ['--save', ' 7', '+3']), '7 3', 'strtoll accepts blanks and +');
  t.equal(saveOf(undefined, ['--save', '5', '4294967297']), '5 1', 'changes is a C int');
  t.equal(saveOf(undefined, ['--save', '5', '']), '5 0');
  t.equal(saveOf(undefined, []), '3600 1 300 100 60 10000');
  t.strictSame(load('save 900 1 300 10\n').getSaveParams(), [{ seconds: 900, changes: 1 }, { seconds: 300, changes: 10 }]);

  const cfg = fresh();
  const invalid = failed('save', 'Invalid save parameters');
  t.equal(set(cfg, 'save', '900 1'), 'OK');
  t.equal(cfg.get('save'), '900 1');
  t.equal(set(cfg, 'save', '10 5 20 6'), 'OK', 'CONFIG SET replaces');
  t.equal(cfg.get('save'), '10 5 20 6');
  for (const bad of ['900  1', '0 1', '1', ' 1 1', '1 1 ', '5 x']) t.equal(set(cfg, 'save', bad), invalid, bad);
  t.equal(cfg.get('save'), '10 5 20 6', 'unchanged after errors');
  t.equal(set(cfg, 'save', '5 +4'), 'OK');
  t.equal(cfg.get('save'), '5 4');
  t.equal(set(cfg, 'save', ''), 'OK');
  t.equal(cfg.get('save'), '');
  t.strictSame(cfg.getSaveParams(), []);
  t.equal(loadError(undefined, ['--save', '0', '1']), fatal(2, 'save "0" "1"', 'Invalid save parameters'));
  t.equal(loadError(undefined, ['--save', '1', '-1']), fatal(2, 'save "1" "-1"', 'Invalid save parameters'));
  t.equal(loadError(undefined, ['--save', '', '5']), fatal(2, 'save "" "5"', 'Invalid save parameters'));
});

t.test('config file syntax', async (t) => {
  t.strictSame(splitArgs('set "a b" \'c d\' e'), ['set', 'a b', 'c d', 'e']);
  t.strictSame(splitArgs('"\\x41\\n\\t\\q" \'it\\\'s\''), ['A\n\tq', "it's"]);
  t.strictSame(splitArgs('a"b c"d'), null, 'closing quote must be followed by a space');
  t.strictSame(splitArgs('x"b c" d'), ['xb c', 'd'], 'a quote may open mid-token');
  t.strictSame(splitArgs('"abc'), null);
  t.strictSame(splitArgs('   '), []);
  const d = parseConfigFile('# comment\n\n  PORT   "5"  \r\nMaxMemory 1gb\r\n\'hz\' 5 # x\nfoo "bar\n');
  t.strictSame(d.map((x: Directive) => [x.name, x.args, x.line, x.raw, x.error ?? '']), [
    ['port', ['5'], 3, 'PORT   "5"', ''],
    ['maxmemory', ['1gb'], 4, 'MaxMemory 1gb', ''],
    ['hz', ['5', '#', 'x'], 5, "'hz' 5 # x", ''],
    ['', [], 6, 'foo "bar', 'Unbalanced quotes in configuration line'],
  ]);
  const cfg = load('  PORT   "5"  \r\nMaxMemory 1gb\r\n# hz 20\nlist-max-ziplist-entries 5\nlua-replicate-commands yes\n');
  t.equal(cfg.get('port'), '5');
  t.equal(cfg.get('maxmemory'), '1073741824');
  t.equal(cfg.get('hz'), '10');
  t.equal(load('requirepass "a\\x41\\n\\q"\n').getString('requirepass'), 'aA\nq');
});

t.test('command line', async (t) => {
  const cl = parseCommandLine(['/etc/ferrous.conf', '--port', '7000', '--save', '900', '1', '300', '10', '--bind', '127.0.0.1', '::1']);
  t.equal(cl.configFile, '/etc/ferrous.conf');
  t.strictSame(cl.directives.map((d) => [d.name, d.args, d.line, d.raw]), [
    ['port', ['7000'], 1, 'port "7000"'],
    ['save', ['900', '1', '300', '10'], 2, 'save "900" "1" "300" "10"'],
    ['bind', ['127.0.0.1', '::1'], 3, 'bind "127.0.0.1" "::1"'],
  ]);
  t.equal(parseCommandLine(['--port', '1']).configFile, undefined);
  t.strictSame(parseCommandLine(['--save', '--port', '1']).directives.map((d) => [d.name, d.args]), [['save', ['']], ['port', ['1']]]);
  t.strictSame(parseCommandLine(['--port', '--save']).directives.map((d) => [d.name, d.args]), [['port', ['--save']]], 'a value may start with --');
  t.strictSame(parseCommandLine(['--save 900 1', '--port', '5']).directives.map((d) => [d.name, d.args]), [['save', ['900', '1']], ['port', ['5']]]);
  t.equal(parseCommandLine(['-v']).special, 'version');
  t.equal(parseCommandLine(['--help']).special, 'help');
  t.equal(parseCommandLine(['--port', '1', '-']).configFromStdin, true);
  t.equal(reprArg('a\tb"c\\é\x01'), '"a\\tb\\"c\\\\\\xc3\\xa9\\x01"');

  const cfg = load('port 1000\nmaxmemory 1mb\n', ['--port', '2000', '--port', '3000', '--timeout', '5']);
  t.equal(cfg.get('port'), '3000', 'later occurrences override earlier ones');
  t.equal(cfg.get('maxmemory'), '1048576');
  t.equal(cfg.get('timeout'), '5');
  t.equal(load(undefined, ['--requirepass', 'sp ace "q"']).getString('requirepass'), 'sp ace "q"');
  t.equal(load(undefined, ['--SLAVEOF', '10.0.0.1', '6380']).get('replicaof'), '10.0.0.1 6380');
});

t.test('fatal config errors are byte-exact', async (t) => {
  t.equal(loadError(undefined, ['--port', 'abc']), fatal(2, 'port "abc"', "argument couldn't be parsed into an integer"));
  t.equal(loadError(undefined, ['--port', '1', '2']), fatal(2, 'port "1" "2"', 'wrong number of arguments'));
  t.equal(loadError(undefined, ['--foo', 'bar']), fatal(2, 'foo "bar"', 'Bad directive or wrong number of arguments'));
  t.equal(loadError(undefined, ['--port']), fatal(2, 'port', 'wrong number of arguments'));
  t.equal(loadError('port 1\n\n# c\n   maxmemory 1xb   \n'), fatal(4, 'maxmemory 1xb', 'argument must be a memory value'));
  t.equal(loadError('port 1\nfoo "bar\n', ['--port', 'abc']), fatal(2, 'foo "bar', 'Unbalanced quotes in configuration line'));
  t.equal(loadError('port 1\nport abc\n', ['--port', '5']), fatal(2, 'port abc', "argument couldn't be parsed into an integer"));
  t.equal(loadError('port 1\n', ['--port', 'abc']), fatal(3, 'port "abc"', "argument couldn't be parsed into an integer"));
  t.equal(loadError('port 1', ['--port', '5', '--maxmemory', 'abc']), fatal(3, 'maxmemory "abc"', 'argument must be a memory value'));
  t.equal(loadError(undefined, ['--port', '5', '--maxmemory 1 2']), fatal(3, 'maxmemory 1 2', 'wrong number of arguments'));
  t.equal(loadError(undefined, ['--save', '900', '1', '--save', '300', '--port', 'x']), fatal(3, 'save "300"', 'Invalid save parameters'));
  t.equal(loadError(undefined, ['--port', '--save']), fatal(2, 'port "--save"', "argument couldn't be parsed into an integer"));
  t.equal(loadError(undefined, ['-x']), fatal(2, '"-x"', 'Bad directive or wrong number of arguments'));
  t.equal(loadError(undefined, ['--requirepass', 'a\tb"c\\é\x01', 'x']), fatal(2, 'requirepass "a\\tb\\"c\\\\\\xc3\\xa9\\x01" "x"', 'wrong number of arguments'));
  t.equal(loadError(undefined, ['--port 1 "2']), fatal(2, 'port 1 "2', 'Unbalanced quotes in configuration line'));
  t.equal(loadError(undefined, ['--port', '1', '--', '--port', 'x']), fatal(3, '"--port" "x"', 'Bad directive or wrong number of arguments'));
  t.equal(loadError(undefined, ['--maxmemory-policy', 'foo']), fatal(2, 'maxmemory-policy "foo"', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction'));
  t.equal(loadError(undefined, ['--enable-debug-command', 'maybe']), fatal(2, 'enable-debug-command "maybe"', 'argument(s) must be one of the following: no, yes, local'));
  t.equal(loadError(undefined, ['--daemonize', 'maybe']), fatal(2, 'daemonize "maybe"', "argument must be 'yes' or 'no'"));
  t.equal(loadError(undefined, ['--databases', '0']), fatal(2, 'databases "0"', 'argument must be between 1 and 2147483647 inclusive'));
  t.equal(loadError(undefined, ['--notify-keyspace-events', 'zq']), fatal(2, 'notify-keyspace-events "zq"', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  t.equal(loadError(undefined, ['--bind', ...'1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17'.split(' ')]), fatal(2, 'bind "1" "2" "3" "4" "5" "6" "7" "8" "9" "10" "11" "12" "13" "14" "15" "16" "17"', 'Too many bind addresses specified.'));
  t.equal(loadError(undefined, ['--client-output-buffer-limit', 'normal', '1', '2']), fatal(2, 'client-output-buffer-limit "normal" "1" "2"', 'Wrong number of arguments in buffer limit configuration.'));
  t.equal(loadError(undefined, ['--client-output-buffer-limit', 'master', '1', '2', '3']), fatal(2, 'client-output-buffer-limit "master" "1" "2" "3"', 'Invalid client class specified in buffer limit configuration.'));
  t.equal(loadError(undefined, ['--client-output-buffer-limit', 'normal', '1x', '2', '3']), fatal(2, 'client-output-buffer-limit "normal" "1x" "2" "3"', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'));
  t.equal(loadError(undefined, ['--replicaof', 'a']), fatal(2, 'replicaof "a"', 'wrong number of arguments'));
  t.equal(loadError(undefined, ['--replicaof', 'a', '70000']), fatal(2, 'replicaof "a" "70000"', 'Invalid master port'));
  t.equal(loadError(undefined, ['--dir', '/nonexistent-ferrous-dir']), fatal(2, 'dir "/nonexistent-ferrous-dir"', 'No such file or directory'));
  t.equal(loadError(undefined, ['--dbfilename', 'a/b']), fatal(2, 'dbfilename "a/b"', "dbfilename can't be a path, just a filename"));
  t.equal(loadError(undefined, ['--appendfilename', '']), fatal(2, 'appendfilename ""', "appendfilename can't be empty"));
  t.equal(loadError(undefined, ['--appenddirname', 'x/y']), fatal(2, 'appenddirname "x/y"', "appenddirname can't be a path, just a dirname"));
  t.equal(loadError(undefined, ['--io-threads', '129']), fatal(2, 'io-threads "129"', 'argument must be between 1 and 128 inclusive'));
  t.equal(loadError(undefined, ['--unixsocketperm', '1000']), fatal(2, 'unixsocketperm "1000"', 'argument must be between 0 and 777 inclusive'));
  t.equal(loadError(undefined, ['--unixsocketperm', '8']), fatal(2, 'unixsocketperm "8"', "argument couldn't be parsed as an octal number"));
  t.equal(loadError(undefined, ['--socket-mark-id', '-1']), fatal(2, 'socket-mark-id "-1"', 'argument must be between 0 and 4294967295 inclusive'));
  t.equal(loadError(undefined, ['--oom-score-adj-values', '1', '2']), fatal(2, 'oom-score-adj-values "1" "2"', 'wrong number of arguments'));
  t.equal(loadError(undefined, ['--latency-tracking-info-percentiles', '101']), fatal(2, 'latency-tracking-info-percentiles "101"', 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]'));
  t.equal(loadError(undefined, ['--proc-title-template', '{x}']), fatal(2, 'proc-title-template "{x}"', 'template format is invalid or contains unknown variables'));
  t.equal(loadError('a\nb\nc', ['--port', '1']), fatal(1, 'a', 'Bad directive or wrong number of arguments'));
  t.equal(loadError('\n\nport 1\n', ['--port', '1', '--hz', 'x']), fatal(6, 'hz "x"', "argument couldn't be parsed into an integer"));
  // Ferrous-specific refusals keep the same banner.
  t.equal(loadError(undefined, ['--daemonize', 'yes']), fatal(2, 'daemonize "yes"', 'Ferrous does not support daemonize yes, run it in the foreground (e.g. under a process supervisor)'));
  t.equal(loadError('include /etc/other.conf\n'), fatal(1, 'include /etc/other.conf', "The 'include' directive is not supported by Ferrous"));
  t.equal(loadError(undefined, ['--shards', '0']), fatal(2, 'shards "0"', 'argument must be between 1 and 1024 inclusive'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-cfg-'));
  try {
    const e = loadError(undefined, ['--logfile', path.join(dir, 'missing', 'x.log')]);
    t.equal(e, '(no error)', 'checkLogfile: false skips the log file check');
    let msg = '';
    try {
      Config.fromSources(undefined, parseCommandLine(['--logfile', path.join(dir, 'missing', 'x.log')]).directives, { ...OPTS, checkLogfile: true });
    } catch (err) {
      msg = err instanceof Error ? err.message : '';
    }
    t.equal(msg, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t.test('CONFIG SET errors are byte-exact', async (t) => {
  const cfg = fresh();
  const cases: Array<[string[], string]> = [
    [['foo', 'bar'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['FOO', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'FOO'"],
    [['maxmemory', 'abc'], failed('maxmemory', 'argument must be a memory value')],
    [['MAXMEMORY', 'abc'], failed('maxmemory', 'argument must be a memory value')],
    [['maxmemory', '1', 'maxmemory', '2'], failed('maxmemory', 'duplicate parameter')],
    [['maxmemory', '1', 'MAXMEMORY', '2'], failed('MAXMEMORY', 'duplicate parameter')],
    [['daemonize', 'no'], failed('daemonize', "can't set immutable config")],
    [['DAEMONIZE', 'no'], failed('DAEMONIZE', "can't set immutable config")],
    [['shards', '4'], failed('shards', "can't set immutable config")],
    [['replicaof', 'no one'], failed('replicaof', "can't set immutable config")],
    [['slaveof', 'no one'], failed('slaveof', "can't set immutable config")],
    [['dir', '/tmp'], failed('dir', "can't set protected config")],
    [['dbfilename', 'x.rdb'], failed('dbfilename', "can't set protected config")],
    [['port', 'abc'], failed('port', "argument couldn't be parsed into an integer")],
    [['timeout', '2147483648'], failed('timeout', 'argument must be between 0 and 2147483647 inclusive')],
    [['timeout', '-0'], failed('timeout', "argument couldn't be parsed into an integer")],
    [['timeout', '01'], failed('timeout', "argument couldn't be parsed into an integer")],
    [['timeout', ' 1'], failed('timeout', "argument couldn't be parsed into an integer")],
    [['timeout', '9223372036854775808'], failed('timeout', "argument couldn't be parsed into an integer")],
    [['maxclients', '0'], failed('maxclients', 'argument must be between 1 and 4294967295 inclusive')],
    [['slowlog-log-slower-than', '-2'], failed('slowlog-log-slower-than', 'argument must be between -1 and 9223372036854775807 inclusive')],
    [['proto-max-bulk-len', '1k'], failed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive')],
    [['proto-max-bulk-len', '18446744073709551615'], failed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive')],
    [['hash-max-ziplist-entries', 'abc'], failed('hash-max-ziplist-entries', "argument couldn't be parsed into an integer")],
    [['hash-max-ziplist-entries', '-1'], failed('hash-max-ziplist-entries', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [['hash-max-listpack-value', '-5'], failed('hash-max-listpack-value', 'argument must be a memory value')],
    [['hash-max-listpack-value', '18446744073709551615'], failed('hash-max-listpack-value', 'argument must be between 0 and 9223372036854775807 inclusive')],
    [['list-max-listpack-size', '1k'], failed('list-max-listpack-size', "argument couldn't be parsed into an integer")],
    [['maxmemory-clients', '200%'], failed('maxmemory-clients', 'percentage argument must be less or equal to 100')],
    [['maxmemory-clients', 'abc'], failed('maxmemory-clients', 'argument must be a memory or percent value')],
    [['hz', '-1'], failed('hz', 'argument must be between 0 and 2147483647 inclusive')],
    [['active-expire-effort', '11'], failed('active-expire-effort', 'argument must be between 1 and 10 inclusive')],
    [['maxmemory-policy', 'foo'], failed('maxmemory-policy', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction')],
    [['appendonly', 'maybe'], failed('appendonly', "argument must be 'yes' or 'no'")],
    [['slave-read-only', 'maybe'], failed('slave-read-only', "argument must be 'yes' or 'no'")],
    [['notify-keyspace-events', 'q'], failed('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")],
    [['client-output-buffer-limit', 'normal 1 2'], failed('client-output-buffer-limit', 'Wrong number of arguments in buffer limit configuration.')],
    [['client-output-buffer-limit', 'master 1 1 1'], failed('client-output-buffer-limit', 'Invalid client class specified in buffer limit configuration.')],
    [['client-output-buffer-limit', 'pubsub 1 2 -1'], failed('client-output-buffer-limit', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.')],
    [['bind', '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17'], failed('bind', 'Too many bind addresses specified.')],
    [['bind', '127.0.0.1  -::1'], failed('bind', 'Failed to bind to specified addresses.')],
    [['shutdown-on-sigint', 'save nosave'], failed('shutdown-on-sigint', "shutdown options SAVE and NOSAVE can't be used simultaneously")],
    [['shutdown-on-sigterm', ''], failed('shutdown-on-sigterm', 'argument(s) must be one of the following: default, save, nosave, now, force')],
    [['oom-score-adj-values', '0 200 3000'], failed('oom-score-adj-values', 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.')],
    [['oom-score-adj-values', '0 200'], failed('oom-score-adj-values', 'wrong number of arguments')],
    [['latency-tracking-info-percentiles', 'x'], failed('latency-tracking-info-percentiles', 'Invalid latency-tracking-info-percentiles parameters')],
    [['cluster-announce-hostname', 'a_b'], failed('cluster-announce-hostname', 'Hostnames may only contain alphanumeric characters, hyphens or dots')],
    // First error wins: an unknown name before an immutable one, and vice versa.
    [['maxmemory', '1', 'foo', '2', 'daemonize', 'no'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['daemonize', 'no', 'foo', '2'], failed('daemonize', "can't set immutable config")],
    [['maxmemory', '1', 'maxmemory-policy', 'bad'], failed('maxmemory-policy', 'argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction')],
    [['save', '1 1', 'save', ''], failed('save', 'duplicate parameter')],
  ];
  for (const [args, want] of cases) t.equal(set(cfg, ...args), want, args.join(' '));
  t.equal(cfg.get('maxmemory'), '0', 'failed multi-parameter SET changed nothing');
  t.equal(cfg.get('save'), '3600 1 300 100 60 10000');
  t.equal(cfg.configGet(['*']).length, fresh().configGet(['*']).length);
  t.strictSame(new Map(cfg.configGet(['*'])), new Map(fresh().configGet(['*'])), 'no error left a trace');

  t.strictSame(cfg.configSet([['appendonly', 'yes']], { loading: true }), { ok: false, error: 'LOADING Redis is loading the dataset in memory' });
  t.strictSame(cfg.configSet([['foo', 'x'], ['appendonly', 'yes']], { loading: true }), { ok: false, error: "ERR Unknown option or number of arguments for CONFIG SET - 'foo'" });
});

t.test('CONFIG SET values and atomicity', async (t) => {
  const cfg = fresh();
  t.strictSame(cfg.configSet([['maxmemory', '1gb'], ['maxmemory-policy', 'ALLKEYS-LRU'], ['hz', '20']]), { ok: true, changed: ['maxmemory', 'maxmemory-policy', 'hz'] });
  t.equal(cfg.get('maxmemory-policy'), 'allkeys-lru');
  t.equal(set(cfg, 'maxmemory', '2', 'maxmemory-policy', 'allkeys-lfu', 'timeout', 'x'), failed('timeout', "argument couldn't be parsed into an integer"));
  t.equal(cfg.get('maxmemory'), '1073741824', 'rolled back');
  t.equal(cfg.get('maxmemory-policy'), 'allkeys-lru', 'rolled back');
  t.equal(set(cfg, 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'), 'OK', 'name + alias is not a duplicate');
  t.equal(cfg.get('hash-max-ziplist-entries'), '2');
  t.equal(set(cfg, 'lua-time-limit', '100'), 'OK');
  t.equal(cfg.get('busy-reply-threshold'), '100');
  t.equal(set(cfg, 'hz', '1000'), 'OK');
  t.equal(cfg.get('hz'), '500', 'hz is clamped');
  t.equal(set(cfg, 'hz', '0'), 'OK');
  t.equal(cfg.get('hz'), '1');
  t.equal(load(undefined, ['--hz', '1000']).get('hz'), '500');
  t.equal(set(cfg, 'repl-backlog-size', '1'), 'OK');
  t.equal(cfg.get('repl-backlog-size'), '16384');
  t.equal(set(cfg, 'maxmemory-clients', '50%'), 'OK');
  t.equal(cfg.get('maxmemory-clients'), '50%');
  t.equal(cfg.getInt('maxmemory-clients'), -50);
  t.equal(set(cfg, 'client-output-buffer-limit', 'Replica 1mb 2kb 60 pubsub 1 2 +5'), 'OK');
  t.equal(cfg.get('client-output-buffer-limit'), 'normal 0 0 0 slave 1048576 2048 60 pubsub 1 2 5');
  t.equal(set(cfg, 'client-output-buffer-limit', ''), 'OK');
  t.equal(cfg.get('client-output-buffer-limit'), 'normal 0 0 0 slave 1048576 2048 60 pubsub 1 2 5');
  t.equal(set(cfg, 'shutdown-on-sigterm', 'force now nosave'), 'OK');
  t.equal(cfg.get('shutdown-on-sigterm'), 'nosave now force');
  t.equal(set(cfg, 'latency-tracking-info-percentiles', '50 99.99 1e1 0.0001 3.14159265358979'), 'OK');
  t.equal(cfg.get('latency-tracking-info-percentiles'), '50 99.99 10 0.0001 3.141593');
  t.equal(set(cfg, 'oom-score-adj-values', '-0 +200 0800'), 'OK');
  t.equal(cfg.get('oom-score-adj-values'), '0 200 800');
  t.equal(set(cfg, 'bind', '127.0.0.1 -::1'), 'OK');
  t.strictSame(cfg.getBind(), ['127.0.0.1', '-::1']);
  t.equal(set(cfg, 'requirepass', 'secret'), 'OK');
  t.equal(cfg.getString('requirepass'), 'secret');

  const local = load(undefined, ['--enable-protected-configs', 'local']);
  t.strictSame(local.configSet([['dbfilename', 'x.rdb']]), { ok: false, error: failed('dbfilename', "can't set protected config") });
  t.strictSame(local.configSet([['dbfilename', 'x.rdb']], { isLocalClient: true }), { ok: true, changed: ['dbfilename'] });
  t.strictSame(local.configSet([['dbfilename', 'a/b']], { isLocalClient: true }), { ok: false, error: failed('dbfilename', "dbfilename can't be a path, just a filename") });
  t.equal(local.allowProtectedAction('enable-debug-command', true), false);
  t.equal(load(undefined, ['--enable-debug-command', 'local']).allowProtectedAction('enable-debug-command', true), true);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-cfg-'));
  try {
    const y = load(undefined, ['--enable-protected-configs', 'yes']);
    t.strictSame(y.configSet([['dir', dir]]), { ok: true, changed: ['dir'] });
    t.equal(y.getDir(), fs.realpathSync(dir));
    t.strictSame(y.configSet([['dir', path.join(dir, 'nope')]]), { ok: false, error: failed('dir', 'No such file or directory') });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t.test('change listeners and apply hooks', async (t) => {
  const cfg = fresh();
  const seen: string[] = [];
  const off = cfg.onChange('maxmemory', (v, name) => seen.push(`${name}=${v}`));
  cfg.onChange('slave-read-only', (v, name) => seen.push(`${name}=${v}`));
  cfg.onChange('*', (v, name) => seen.push(`*${name}=${v}`));
  t.equal(set(cfg, 'maxmemory', '1mb', 'slave-read-only', 'no'), 'OK');
  t.strictSame(seen, ['maxmemory=1048576', '*maxmemory=1048576', 'replica-read-only=no', '*replica-read-only=no']);
  seen.length = 0;
  t.strictSame(cfg.configSet([['maxmemory', '1048576']]), { ok: true, changed: [] }, 'same value: no change');
  t.strictSame(seen, []);
  off();
  t.equal(set(cfg, 'maxmemory', '2mb'), 'OK');
  t.strictSame(seen, ['*maxmemory=2097152']);

  seen.length = 0;
  cfg.addApplyHook('port', (c) => (c.getInt('port') === 1 ? 'Unable to listen on this port. Check server logs.' : undefined));
  t.equal(set(cfg, 'maxmemory', '3mb', 'port', '1'), failed('port', 'Unable to listen on this port. Check server logs.'));
  t.equal(cfg.get('maxmemory'), '2097152', 'apply failure rolls everything back');
  t.equal(cfg.get('port'), '6379');
  t.strictSame(seen, [], 'no listener on failure');
  t.equal(set(cfg, 'port', '7000'), 'OK');
  t.equal(cfg.get('port'), '7000');
});

t.test('CONFIG GET globs and aliases', async (t) => {
  const cfg = fresh();
  const keys = (pats: string[]): string[] => cfg.configGet(pats).map(([k]) => k).sort();
  t.strictSame(cfg.configGet(['slaveof']), [['slaveof', '']]);
  t.strictSame(cfg.configGet(['PORT']), [['PORT', '6379']], 'exact names echo the request');
  t.strictSame(cfg.configGet(['PORT', 'port']), [['PORT', '6379']], 'case-insensitive de-duplication');
  t.strictSame(cfg.configGet(['port', 'port']), [['port', '6379']]);
  t.strictSame(cfg.configGet(['P*rt']), [['port', '6379']]);
  t.strictSame(cfg.configGet(['PO*', 'port']), [['port', '6379']]);
  t.strictSame(cfg.configGet(['nonexistent']), []);
  t.strictSame(keys(['hash-max-ziplist-entries', 'hash-max-listpack-entries']), ['hash-max-listpack-entries', 'hash-max-ziplist-entries']);
  t.strictSame(keys(['hash-max-*-entries']), ['hash-max-listpack-entries', 'hash-max-ziplist-entries']);
  t.strictSame(keys(['maxmemory', 'maxmemory*']), ['maxmemory', 'maxmemory-clients', 'maxmemory-eviction-tenacity', 'maxmemory-policy', 'maxmemory-samples']);
  t.strictSame(keys(['slave*']), ['slave-announce-ip', 'slave-announce-port', 'slave-ignore-maxmemory', 'slave-lazy-flush', 'slave-priority', 'slave-read-only', 'slave-serve-stale-data', 'slaveof']);
  t.strictSame(keys(['*-ziplist-*']), ['hash-max-ziplist-entries', 'hash-max-ziplist-value', 'list-max-ziplist-size', 'zset-max-ziplist-entries', 'zset-max-ziplist-value']);
  t.strictSame(keys(['Lua-Time-Limit', 'busy*']), ['Lua-Time-Limit', 'busy-reply-threshold']);
  t.strictSame(keys(['*cpulist']), ['aof_rewrite_cpulist', 'bgsave_cpulist', 'bio_cpulist', 'server_cpulist']);
  t.strictSame(keys(['?ort']), ['port']);
  t.strictSame(keys(['tls-*']), []);
  t.equal(cfg.configGet(['*', '*']).length, 174);
  t.equal(cfg.get('SLAVE-READ-ONLY'), 'yes');
});

t.test('notify-keyspace-events normalisation', async (t) => {
  const cases: Array<[string, string]> = [
    ['KEA', 'AKE'], ['Ex', 'xE'], ['g$lshzxetd', 'A'], ['g$lshzxetdn', 'A'], ['', ''], ['nmKEd', 'dnKEm'],
    ['AK', 'AK'], ['zzE', 'zE'], ['Ag$', 'A'], ['n', 'n'], ['ml', 'lm'],
  ];
  const cfg = fresh();
  for (const [v, want] of cases) {
    t.equal(set(cfg, 'notify-keyspace-events', v), 'OK', v);
    t.equal(cfg.get('notify-keyspace-events'), want, v);
  }
  t.equal(set(cfg, 'notify-keyspace-events', 'E K'), failed('notify-keyspace-events', "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  t.equal(keyspaceEventsStringToFlags('KEA'), NOTIFY_ALL | NOTIFY_KEYSPACE | NOTIFY_KEYEVENT);
  t.equal(keyspaceEventsStringToFlags('?'), -1);
  t.equal(keyspaceEventsFlagsToString(NOTIFY_KEYEVENT), 'E');
  t.equal(load(undefined, ['--notify-keyspace-events', 'Kx']).getNotifyKeyspaceEvents(), keyspaceEventsStringToFlags('xK'));
});

t.test('startup-only value forms', async (t) => {
  const cfg = load(undefined, ['--bind', '', '--replicaof', '127.0.0.1', '', '--unixsocketperm', ' +07', '--client-output-buffer-limit', 'pubsub', '1', '2', '']);
  t.equal(cfg.get('bind'), '');
  t.equal(cfg.get('replicaof'), '127.0.0.1 0');
  t.strictSame(cfg.getReplicaOf(), { host: '127.0.0.1', port: 0 });
  t.equal(cfg.get('unixsocketperm'), '7');
  t.equal(cfg.get('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 1 2 0');
  t.equal(load(undefined, ['--unixsocketperm', '0700']).get('unixsocketperm'), '700');
  t.equal(load(undefined, ['--replicaof', 'no', 'one']).get('replicaof'), '');
  t.equal(load(undefined, ['--shards', '3']).getInt('shards'), 3);
  t.equal(load(undefined, ['--lua-memory-limit', '64mb']).get('lua-memory-limit'), '67108864');
});

t.test('configs/ferrous.conf documents every directive and loads to the defaults', async (t) => {
  const text = fs.readFileSync(new URL('../../../configs/ferrous.conf', import.meta.url), 'utf8');
  for (const s of CONFIG_SPECS) {
    t.match(text, new RegExp(`^(# )?${s.name.replace(/[$]/g, '\\$&')} `, 'm'), `${s.name} documented`);
  }
  const cfg = Config.fromSources(text, [], OPTS);
  t.strictSame(cfg.configGet(['*']), fresh().configGet(['*']));
  t.ok(parseConfigFile(text).length > 100, 'most directives are active lines');
});
