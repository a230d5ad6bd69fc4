/**
 * INFO: Redis's sections and field names, with figures gathered from the acceptor and every shard.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Server } from './server.js';
import { REDIS_COMPAT_VERSION } from '../shared/config.js';
import { COMMANDS } from '../shared/command-table.js';

export const FERROUS_VERSION = '0.1.0';
const RUN_ID = randomBytes(20).toString('hex');
const REPL_ID = randomBytes(20).toString('hex');

interface ShardStats {
  dirty: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  dbs: Array<[number, number]>;
  commands: Record<string, { calls: number; usec: number; failed: number }>;
  errors: Record<string, number>;
  heapUsed: number;
}

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 8), 'commandstats', 'errorstats', 'cluster', 'keyspace'];

export async function gatherShardStats(server: Server): Promise<ShardStats[]> {
  const replies = await server.askAllShards('__stats', []);
  return replies.map((r) => {
    const nl = r.indexOf(13);
    return JSON.parse(r.latin1Slice(nl + 2, r.length - 2)) as ShardStats;
  });
}

function human(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${units[i]}`;
}

export async function buildInfo(server: Server, requested: string[]): Promise<string> {
  let sections: string[];
  if (requested.length === 0 || requested.includes('default')) sections = DEFAULT_SECTIONS;
  else if (requested.includes('all') || requested.includes('everything')) sections = ALL_SECTIONS;
  else sections = requested;
  const stats = await gatherShardStats(server);
  const cfg = server.config;
  const now = Date.now();
  const uptime = Math.floor((now - server.stats.startedAt) / 1000);
  const mem = process.memoryUsage();
  const shardHeap = stats.reduce((n, s) => n + s.heapUsed, 0);
  const usedMemory = mem.heapUsed + shardHeap + mem.arrayBuffers;
  const dirty = stats.reduce((n, s) => n + s.dirty, 0);
  const cpu = process.cpuUsage();
  const out: string[] = [];
  const section = (name: string, lines: string[]) => {
    out.push(`# ${name}`, ...lines, '');
  };
  for (const s of sections) {
    switch (s) {
      case 'server':
        section('Server', [
          `redis_version:${REDIS_COMPAT_VERSION}`,
          `ferrous_version:${FERROUS_VERSION}`,
          'redis_git_sha1:00000000',
          'redis_git_dirty:0',
          'redis_build_id:0',
          'redis_mode:standalone',
          `os:${os.type()} ${os.release()} ${os.arch()}`,
          'arch_bits:64',
          'monotonic_clock:POSIX clock_gettime',
          'multiplexing_api:epoll',
          'atomicvar_api:c11-builtin',
          `node_version:${process.versions.node}`,
          `process_id:${process.pid}`,
          'process_supervised:no',
          `run_id:${RUN_ID}`,
          `tcp_port:${server.port}`,
          `server_time_usec:${now * 1000}`,
          `uptime_in_seconds:${uptime}`,
          `uptime_in_days:${Math.floor(uptime / 86400)}`,
          `hz:${cfg.getInt('hz')}`,
          `configured_hz:${cfg.getInt('hz')}`,
          `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
          `executable:${process.argv[1] ?? ''}`,
          `config_file:${server.configFile}`,
          'io_threads_active:0',
          `shards:${server.shards.count}`,
        ]);
        break;
      case 'clients':
        section('Clients', [
          `connected_clients:${server.clients.size}`,
          'cluster_connections:0',
          `maxclients:${cfg.getInt('maxclients')}`,
          'client_recent_max_input_buffer:0',
          'client_recent_max_output_buffer:0',
          `blocked_clients:${server.blocking.blockedClients}`,
          'tracking_clients:0',
          'clients_in_timeout_table:0',
        ]);
        break;
      case 'memory':
        section('Memory', [
          `used_memory:${usedMemory}`,
          `used_memory_human:${human(usedMemory)}`,
          `used_memory_rss:${mem.rss}`,
          `used_memory_rss_human:${human(mem.rss)}`,
          `total_system_memory:${os.totalmem()}`,
          `total_system_memory_human:${human(os.totalmem())}`,
          `maxmemory:${cfg.getInt('maxmemory')}`,
          `maxmemory_human:${human(cfg.getInt('maxmemory'))}`,
          `maxmemory_policy:${cfg.getEnum('maxmemory-policy')}`,
          `mem_fragmentation_ratio:${(mem.rss / Math.max(1, usedMemory)).toFixed(2)}`,
          'mem_allocator:v8',
        ]);
        break;
      case 'persistence':
        section('Persistence', server.persistence.infoLines(dirty));
        break;
      case 'stats': {
        const shardCalls = stats.reduce((n, st) => n + Object.values(st.commands).reduce((m, c) => m + c.calls, 0), 0);
        const errTotal =
          [...server.stats.errors.values()].reduce((a, b) => a + b, 0) +
          stats.reduce((n, st) => n + Object.values(st.errors).reduce((a, b) => a + b, 0), 0);
        section('Stats', [
          `total_connections_received:${server.stats.connectionsReceived}`,
          `total_commands_processed:${server.stats.commandsProcessed}`,
          `total_net_input_bytes:${server.stats.netInputBytes}`,
          `rejected_connections:${server.stats.rejectedConnections}`,
          `expired_keys:${stats.reduce((n, st) => n + st.expiredKeys, 0)}`,
          'evicted_keys:0',
          `keyspace_hits:${stats.reduce((n, st) => n + st.keyspaceHits, 0)}`,
          `keyspace_misses:${stats.reduce((n, st) => n + st.keyspaceMisses, 0)}`,
          'pubsub_channels:0',
          'pubsub_patterns:0',
          'total_forks:0',
          `total_error_replies:${errTotal}`,
          `shard_commands_processed:${shardCalls}`,
        ]);
        break;
      }
      case 'replication':
        section('Replication', [
          'role:master',
          'connected_slaves:0',
          'master_failover_state:no-failover',
          `master_replid:${REPL_ID}`,
          'master_replid2:0000000000000000000000000000000000000000',
          'master_repl_offset:0',
          'second_repl_offset:-1',
          'repl_backlog_active:0',
          `repl_backlog_size:${cfg.getInt('repl-backlog-size')}`,
          'repl_backlog_first_byte_offset:0',
          'repl_backlog_histlen:0',
        ]);
        break;
      case 'cpu':
        section('CPU', [
          `used_cpu_sys:${(cpu.system / 1e6).toFixed(6)}`,
          `used_cpu_user:${(cpu.user / 1e6).toFixed(6)}`,
          'used_cpu_sys_children:0.000000',
          'used_cpu_user_children:0.000000',
        ]);
        break;
      case 'modules':
        section('Modules', []);
        break;
      case 'commandstats': {
        const merged = new Map<string, { calls: number; usec: number; failed: number; rejected: number }>();
        const add = (name: string, c: { calls: number; usec: number; failed: number }, rejected = 0) => {
          const m = merged.get(name) ?? { calls: 0, usec: 0, failed: 0, rejected: 0 };
          m.calls += c.calls;
          m.usec += c.usec;
          m.failed += c.failed;
          m.rejected += rejected;
          merged.set(name, m);
        };
        for (const st of stats) for (const [name, c] of Object.entries(st.commands)) if (!name.startsWith('__')) add(name, c);
        server.localStats.forEach((c, i) => {
          if (c.calls > 0 || c.failed > 0) add(COMMANDS[i].name, c);
        });
        for (const [name, r] of server.stats.rejectedCalls) add(name, { calls: 0, usec: 0, failed: 0 }, r);
        section(
          'Commandstats',
          [...merged].map(([name, m]) => {
            const usec = Math.round(m.usec);
            const per = m.calls > 0 ? (m.usec / m.calls).toFixed(2) : '0.00';
            return `cmdstat_${name}:calls=${m.calls},usec=${usec},usec_per_call=${per},rejected_calls=${m.rejected},failed_calls=${m.failed}`;
          }),
        );
        break;
      }
      case 'errorstats': {
        const merged = new Map<string, number>(server.stats.errors);
        for (const st of stats) for (const [k, v] of Object.entries(st.errors)) merged.set(k, (merged.get(k) ?? 0) + v);
        section(
          'Errorstats',
          [...merged].map(([k, v]) => `errorstat_${k}:count=${v}`),
        );
        break;
      }
      case 'cluster':
        section('Cluster', ['cluster_enabled:0']);
        break;
      case 'keyspace': {
        const lines: string[] = [];
        const dbCount = stats[0]?.dbs.length ?? 0;
        for (let d = 0; d < dbCount; d++) {
          let keys = 0;
          let expires = 0;
          for (const st of stats) {
            keys += st.dbs[d][0];
            expires += st.dbs[d][1];
          }
          if (keys > 0) lines.push(`db${d}:keys=${keys},expires=${expires},avg_ttl=0`);
        }
        section('Keyspace', lines);
        break;
      }
      default:
        break;
    }
  }
  // Redis ends the text with the last section's lines followed by CRLF; sections are CRLF-separated.
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : out.join('\r\n') + '\r\n';
}
