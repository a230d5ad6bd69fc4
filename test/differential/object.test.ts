/**
 * OBJECT IDLETIME / FREQ and RESTORE … IDLETIME / FREQ against a real redis-server: the policy errors,
 * the LFU counter of new and accessed keys, idle times set by RESTORE, reinterpretation of the field
 * when the policy changes. Values are non-integers: Redis shares one object (and so one LRU/LFU field)
 * between all keys holding a small integer, which Ferrous does not imitate.
 */
import t from 'tap';
import { runDifferential, c, type Cmd, type DiffCase } from './harness.js';
import { stringDumpPayload } from '../rdb/helpers.js';

const hello = stringDumpPayload('hello');
const restore = (key: string, ...opts: string[]): Cmd => ['RESTORE', key, '0', hello, 'REPLACE', ...opts];
/**
 * LFU cases turn decay off: a minute boundary between two commands would otherwise take one from a
 * counter on one server and not the other. Every case that changes the policy puts it back.
 */
const LFU: Cmd[] = [c('CONFIG SET maxmemory-policy allkeys-lfu'), c('CONFIG SET lfu-decay-time 0')];
const BACK: Cmd[] = [c('CONFIG SET maxmemory-policy noeviction'), c('CONFIG SET lfu-decay-time 1')];

/**
 * The LRU clock has a resolution of one second: a second boundary may fall between a RESTORE and the
 * OBJECT IDLETIME after it, on either server. Accept one second more than expected.
 */
function idleWithin(expected: Record<string, number>) {
  return (reply: string, cmd: Cmd): string => {
    if (cmd.length !== 3 || String(cmd[0]).toUpperCase() !== 'OBJECT' || String(cmd[1]).toUpperCase() !== 'IDLETIME') return reply;
    const want = expected[String(cmd[2])];
    const m = /^:(\d+)\r\n$/.exec(reply);
    if (want === undefined || m === null) return reply;
    const got = Number(m[1]);
    return got === want || got === want + 1 ? `:${want}\r\n` : reply;
  };
}

const cases: DiffCase[] = [
  {
    name: 'OBJECT IDLETIME and FREQ under the default policy',
    cmds: [
      c('SET k hello'), c('OBJECT IDLETIME k'), c('OBJECT FREQ k'), c('OBJECT IDLETIME nokey'), c('OBJECT FREQ nokey'),
      c('OBJECT IDLETIME'), c('OBJECT FREQ k extra'), c('OBJECT HELP'), c('GET k'), c('OBJECT IDLETIME k'),
      c('TYPE k'), c('EXISTS k'), c('TTL k'), c('OBJECT IDLETIME k'),
    ],
    normalize: idleWithin({ k: 0 }),
  },
  {
    name: 'OBJECT FREQ under allkeys-lfu: new keys at 5, the first access counts for sure',
    cmds: [
      ...LFU, c('SET a hello'), c('OBJECT FREQ a'), c('GET a'), c('OBJECT FREQ a'), c('OBJECT IDLETIME a'), c('OBJECT IDLETIME nokey'),
      c('SET b world'), c('SET b again'), c('OBJECT FREQ b'), c('RPUSH l x y'), c('OBJECT FREQ l'), c('LRANGE l 0 -1'), c('OBJECT FREQ l'),
      c('TYPE a'), c('EXISTS a'), c('TTL a'), c('OBJECT ENCODING a'), c('OBJECT FREQ a'),
      c('HSET h f v'), c('HSET h g w'), c('OBJECT FREQ h'), c('CONFIG SET maxmemory-policy volatile-lfu'), c('OBJECT FREQ h'), ...BACK,
    ],
  },
  {
    name: 'RESTORE IDLETIME sets the idle time (LRU), FREQ is ignored then',
    cmds: [
      restore('k', 'IDLETIME', '1000'), c('OBJECT IDLETIME k'), restore('k2', 'IDLETIME', '0'), c('OBJECT IDLETIME k2'),
      restore('k3', 'FREQ', '100'), c('OBJECT IDLETIME k3'), restore('k4', 'IDLETIME', '1000000'), c('OBJECT IDLETIME k4'),
      restore('k5', 'IDLETIME', '-1'), restore('k6', 'IDLETIME', 'x'), restore('k7', 'IDLETIME'), restore('k8', 'IDLETIME', '5', 'FREQ', '5'),
      restore('k9', 'FREQ', '256'), restore('k9', 'FREQ', '-1'), restore('k9', 'FREQ', '5', 'IDLETIME', '5'),
    ],
    normalize: idleWithin({ k: 1000, k2: 0, k3: 0, k4: 1000000 }),
  },
  {
    name: 'RESTORE FREQ sets the counter (LFU), IDLETIME is ignored then',
    cmds: [
      ...LFU, restore('k', 'FREQ', '100'), c('OBJECT FREQ k'), restore('k', 'FREQ', '0'), c('OBJECT FREQ k'), restore('k', 'FREQ', '255'),
      c('OBJECT FREQ k'), c('GET k'), c('OBJECT FREQ k'), restore('k2', 'IDLETIME', '1000'), c('OBJECT FREQ k2'), restore('k3'), c('OBJECT FREQ k3'),
      c('OBJECT IDLETIME k'), ...BACK,
    ],
  },
  {
    name: 'switching policies reinterprets the field',
    cmds: [...LFU, restore('k', 'FREQ', '7'), ...BACK, c('OBJECT FREQ k'), ...LFU, c('OBJECT FREQ k'), ...BACK],
  },
];

await runDifferential(t, cases);
