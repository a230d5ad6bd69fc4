/**
 * GET latency while a BGSAVE runs, in redis-benchmark's --csv format so bench/run.ts can compare
 * targets. Fills the server with `--keys` string keys (pipelined MSETs), then `--clients` connections
 * each send GETs of random keys one at a time for `--ms` without a BGSAVE, then again while a BGSAVE
 * runs (until INFO says it is over). Rows (the "rps" column carries the figure named by the row):
 *
 *   GET_P50_US_NO_BGSAVE, GET_P99_US_NO_BGSAVE        GET latency percentiles (µs), no save running
 *   GET_P50_US_DURING_BGSAVE, GET_P99_US_DURING_BGSAVE  the same while the BGSAVE runs
 *   GET_RPS_DURING_BGSAVE                               GETs per second while it runs
 *   BGSAVE_MS                                           from BGSAVE to rdb_bgsave_in_progress:0
 *
 *   node dist/bench/tools/bgsave.js --port 6379 --keys 1000000 --clients 50
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { valueEnd } from './resp.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    keys: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '50' },
    ms: { type: 'string', default: '2000' },
    value: { type: 'string', default: '16' },
  },
});
const port = Number(values.port);
const host = values.host;
const keys = Number(values.keys);
const clients = Number(values.clients);
const baselineMs = Number(values.ms);
const VALUE = 'x'.repeat(Number(values.value));


function encode(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** A connection that sends commands and resolves their replies in order. */
class Conn {
  private pending: Buffer = Buffer.alloc(0);
  private readonly waiters: Array<(reply: Buffer) => void> = [];
  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      this.pending = this.pending.length === 0 ? d : Buffer.concat([this.pending, d]);
      let p = 0;
      for (;;) {
        const e = valueEnd(this.pending, p);
        if (e < 0) break;
        this.waiters.shift()?.(this.pending.subarray(p, e));
        p = e;
      }
      this.pending = this.pending.subarray(p);
    });
  }
  static open(): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  send(raw: string): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.sock.write(raw);
    });
  }
  call(...args: string[]): Promise<string> {
    return this.send(encode(args)).then((b) => b.toString('latin1'));
  }
  close(): void {
    this.sock.destroy();
  }
}

async function fill(c: Conn): Promise<void> {
  const perMset = 100;
  const inFlight: Array<Promise<Buffer>> = [];
  for (let i = 0; i < keys; i += perMset) {
    const args = ['MSET'];
    for (let k = i; k < Math.min(keys, i + perMset); k++) args.push(`key:${k}`, VALUE);
    inFlight.push(c.send(encode(args)));
    if (inFlight.length >= 64) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/** GET latencies (µs) of `clients` connections until `until()` says stop. */
async function measure(conns: Conn[], until: () => boolean): Promise<{ lat: number[]; secs: number }> {
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    conns.map(async (c) => {
      while (!until()) {
        const raw = encode(['GET', `key:${Math.floor(Math.random() * keys)}`]);
        const s = process.hrtime.bigint();
        await c.send(raw);
        lat.push(Number(process.hrtime.bigint() - s) / 1000);
      }
    }),
  );
  return { lat, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ctl = await Conn.open();
await fill(ctl);
const conns = await Promise.all(Array.from({ length: clients }, () => Conn.open()));

const deadline = Date.now() + baselineMs;
const base = await measure(conns, () => Date.now() >= deadline);

const inProgress = async (): Promise<boolean> => /rdb_bgsave_in_progress:1/.test(await ctl.call('INFO', 'persistence'));
const t0 = Date.now();
const started = await ctl.call('BGSAVE');
if (!started.startsWith('+')) throw new Error(`BGSAVE: ${started.trim()}`);
let saving = true;
const poll = (async () => {
  while (saving) {
    saving = await inProgress();
    if (saving) await new Promise((r) => setTimeout(r, 5));
  }
})();
const during = await measure(conns, () => !saving);
await poll;
const saveMs = Date.now() - t0;
for (const c of [...conns, ctl]) c.close();

base.lat.sort((a, b) => a - b);
during.lat.sort((a, b) => a - b);
const row = (name: string, v: number) => process.stdout.write(`"${name}","${v.toFixed(2)}","0","0","0","0","0","0"\n`);
process.stdout.write('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n');
row('GET_P50_US_NO_BGSAVE', pct(base.lat, 50));
row('GET_P99_US_NO_BGSAVE', pct(base.lat, 99));
row('GET_P50_US_DURING_BGSAVE', pct(during.lat, 50));
row('GET_P99_US_DURING_BGSAVE', pct(during.lat, 99));
row('GET_RPS_DURING_BGSAVE', during.lat.length / Math.max(during.secs, 1e-9));
row('BGSAVE_MS', saveMs);
