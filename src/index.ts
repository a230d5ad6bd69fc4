/**
 * Ferrous as a library: `startServer()` runs a complete server (acceptor and shard workers) inside the
 * calling process, e.g. for a test suite that wants a real Redis-compatible server without a binary.
 *
 *   const srv = await startServer({ port: 0, shards: 2 });
 *   // … connect any Redis client to srv.host:srv.port …
 *   await srv.close();
 */
import fs from 'node:fs';
import { Config, findConfigSpec, parseCommandLine, parseConfigFile, type Directive } from './shared/config.js';
import { Server } from './acceptor/server.js';
import { Logger } from './acceptor/log.js';
import { FERROUS_VERSION } from './acceptor/info.js';

export interface StartOptions {
  /** Any redis-server option by its config name, e.g. { port: 0, shards: 2, requirepass: 'x' }. */
  [name: string]: string | number | boolean | undefined;
}

export interface RunningServer {
  host: string;
  port: number;
  server: Server;
  /** Resolves after the server stopped by itself (SHUTDOWN) or through close(). */
  closed: Promise<void>;
  /** Stop at once, without saving (SHUTDOWN and the CLI's signals save when save points are set). */
  close(): Promise<void>;
}

export interface StartFromArgvOptions {
  /** redis-server style arguments: [config-file] [--name value ...] */
  argv: string[];
  /** Log to stdout (CLI) or stay quiet (library use). */
  quiet?: boolean;
  /** What to do when a shard worker dies: the CLI exits non-zero. */
  onFatal?: (err: Error) => void;
  /** Called with the server as soon as it exists, before it listens and loads (the CLI's signal handlers). */
  onServer?: (server: Server) => void;
}

function toDirectives(opts: StartOptions): Directive[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const value = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
    // Multi-word parameters ({ save: '900 1 300 10' }) take their words as separate arguments.
    const words = findConfigSpec(k)?.multiArg && value !== '' ? value.split(/\s+/) : [value];
    out.push(`--${k}`, ...words);
  }
  return parseCommandLine(out).directives;
}

/** Start a server inside this process. Defaults suit tests: port 0 (any free port), no persistence. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const merged: StartOptions = { port: 0, save: '', appendonly: 'no', ...opts };
  const directives = toDirectives(merged);
  const config = Config.fromSources(undefined, directives);
  defaultBind(config, undefined, directives);
  return launch(config, '', new Logger(config.getEnum('loglevel'), config.getString('logfile'), true));
}

/** Start from command-line style arguments (used by the ferrous-server CLI). */
export async function startFromArgv(o: StartFromArgvOptions): Promise<RunningServer> {
  const cl = parseCommandLine(o.argv);
  const fileText = cl.configFile !== undefined ? fs.readFileSync(cl.configFile, 'utf8') : undefined;
  const config = Config.fromSources(fileText, cl.directives);
  defaultBind(config, fileText, cl.directives);
  const log = new Logger(config.getEnum('loglevel'), config.getString('logfile'), o.quiet ?? false);
  return launch(config, cl.configFile ?? '', log, o.onFatal, o.onServer);
}

/** Like redis.conf (not redis-server's built-in default): listen on loopback unless told otherwise. */
function defaultBind(config: Config, fileText: string | undefined, directives: Directive[]): void {
  const inFile = fileText !== undefined && parseConfigFile(fileText).some((d) => d.name.toLowerCase() === 'bind');
  if (!inFile && !directives.some((d) => d.name.toLowerCase() === 'bind')) config.configSet([['bind', '127.0.0.1 -::1']]);
}

async function launch(
  config: Config,
  configFile: string,
  log: Logger,
  onFatal?: (err: Error) => void,
  onServer?: (server: Server) => void,
): Promise<RunningServer> {
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let server: Server | null = null;
  const fatal =
    onFatal ??
    ((err: Error) => {
      log.warning(`Fatal: ${err.message}`);
      void server?.close().then(resolveClosed);
    });
  server = new Server(config, log, fatal);
  server.configFile = configFile;
  onServer?.(server);
  log.notice('oO0OoO0OoO0Oo Ferrous is starting oO0OoO0OoO0Oo');
  log.notice(`Ferrous version=${FERROUS_VERSION}, redis compatibility=7.0, node=${process.versions.node}, pid=${process.pid}, shards=${config.getInt('shards')}, just started`);
  await server.start();
  log.notice(`Server initialized`);
  // maxmemory is accepted for compatibility but not enforced: say so where an operator looks.
  const warnMaxmemory = (value: string) => {
    if (value !== '0') log.warning('WARNING maxmemory is set, but Ferrous does not enforce it yet: no key is evicted and no command is refused for memory.');
  };
  warnMaxmemory(String(config.getInt('maxmemory')));
  config.onChange('maxmemory', warnMaxmemory);
  // Like Redis, the dataset loads after the sockets listen: clients connecting meanwhile get -LOADING.
  try {
    await server.persistence.loadAtStartup();
  } catch (err) {
    await server.close();
    log.close();
    throw err;
  }
  log.notice(`Ready to accept connections tcp`);
  const srv = server;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= srv.close().then(() => {
      log.close();
      resolveClosed();
    });
    return closing;
  };
  srv.on('shutdown', () => {
    log.warning('Ferrous is now ready to exit, bye bye...');
    void close();
  });
  const binds = config.getBind();
  const host = (binds[0] ?? '127.0.0.1').replace(/^-/, '');
  return { host: host === '*' || host === '0.0.0.0' ? '127.0.0.1' : host, port: srv.port, server: srv, closed, close };
}

export { Server } from './acceptor/server.js';
export { Config } from './shared/config.js';
