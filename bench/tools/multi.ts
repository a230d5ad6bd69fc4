/**
 * Load generator for transactions, printing redis-benchmark's --csv format so bench/run.ts can
 * compare targets: each of `--clients` connections runs MULTI, SET a, SET b, INCR c, GET d, EXEC with
 * the four keys on different hash slots (so on different Ferrous shards), writing each transaction in
 * one write and waiting for its six replies before the next.
 *
 *   node dist/bench/tools/multi.js --port 6379 -n 100000 --clients 50
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { valueEnd } from './resp.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    n: { type: 'string', short: 'n', default: '100000' },
    clients: { type: 'string', default: '50' },
  },
});
const port = Number(values.port);
const total = Number(values.n);
const clients = Number(values.clients);

// Keys chosen on four different slots ranges: a=15495, b=3300, c=7365, d=11298 (CRC16 slots).
const TX = Buffer.from(
  ['*1\r\n$5\r\nMULTI\r\n', '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n', '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n', '*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n', '*2\r\n$3\r\nGET\r\n$1\r\nd\r\n', '*1\r\n$4\r\nEXEC\r\n'].join(''),
);

let started = 0;
let done = 0;
const t0 = process.hrtime.bigint();
await new Promise<void>((resolve, reject) => {
  let open = clients;
  for (let c = 0; c < clients; c++) {
    const sock = net.connect(port, values.host, () => {
      if (started < total) {
        started++;
        sock.write(TX);
      }
    });
    let pending = Buffer.alloc(0);
    let replies = 0;
    sock.on('data', (d) => {
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      let p = 0;
      for (;;) {
        const e = valueEnd(pending, p);
        if (e < 0) break;
        p = e;
        if (++replies % 6 === 0) {
          done++;
          if (started < total) {
            started++;
            sock.write(TX);
          } else if (done >= total || started >= total) sock.end();
        }
      }
      pending = pending.subarray(p);
    });
    sock.on('close', () => {
      if (--open === 0) resolve();
    });
    sock.on('error', reject);
  }
});
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n');
process.stdout.write(`"MULTI_EXEC_4","${(done / secs).toFixed(2)}","0","0","0","0","0","0"\n`);
