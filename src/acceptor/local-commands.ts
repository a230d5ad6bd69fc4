/**
 * Commands the acceptor answers itself: connection state (PING, SELECT, AUTH, HELLO, CLIENT …) and
 * server-wide commands (COMMAND, CONFIG, INFO, TIME, SHUTDOWN). A handler writes its reply into `w`;
 * returning true means it will deliver the reply itself later (it needs the shards first).
 */
import type { Args } from '../shared/frame.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { Err } from '../protocol/reply-writer.js';
import type { Client } from './client.js';
import type { ReplySink } from './shards.js';
import { ReplyMode } from './client.js';
import type { Server } from './server.js';
import {
  COMMANDS,
  Route,
  isClientVisible,
  keyIndices,
  lookupCommand,
  arityOk,
  type CommandSpec,
} from '../shared/command-table.js';
import {
  commandCountReply,
  commandDocsReply,
  commandInfoReply,
  commandListReplyFromArgs,
  commandReply,
} from '../shared/command-meta.js';
import { parseStrictIntString } from '../shared/numbers.js';
import { writeTime } from '../shared/clock.js';
import { buildInfo } from './info.js';
import { Kind, PubSub } from './pubsub.js';
import { execTransaction, unwatchAll, watchKeys } from './transaction.js';
import { REDIS_COMPAT_VERSION } from '../shared/config.js';
import { SCRIPT_HELP } from './scripting.js';

export interface LocalContext {
  server: Server;
  client: Client;
  args: Args;
  w: ReplyWriter;
  /** Where the reply goes (the client, or EXEC's collector) and its tag there. */
  sink: ReplySink;
  tag: number;
  spec: CommandSpec;
}

export type LocalHandler = (ctx: LocalContext) => boolean | void;

const handlers = new Map<string, LocalHandler>();

export function localHandler(name: string): LocalHandler | undefined {
  return handlers.get(name);
}

function def(name: string, h: LocalHandler): void {
  handlers.set(name, h);
}

/** Every client-visible command in the table counts as implemented for COMMAND's replies. */
const isImplemented = (name: string): boolean => isClientVisible(name);

function helpReply(w: ReplyWriter, parent: string, lines: string[]): void {
  const all = [`${parent} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'];
  w.array(all.length);
  for (const l of all) w.simple(l);
}

// ------------------------------------------------------------------ connection

def('ping', ({ client, args, w }) => {
  if (args.count > 2) w.error(Err.wrongArity('ping'));
  else if (client.resp === 2 && PubSub.isSubscribed(client)) {
    // A subscribed RESP2 connection can only take pushes: PING answers as a two-element array.
    w.array(2);
    w.bulk('pong');
    if (args.count === 2) w.bulkBytes(args.view(1));
    else w.bulk('');
  } else if (args.count === 2) w.bulkBytes(args.view(1));
  else w.simple('PONG');
});

def('echo', ({ args, w }) => w.bulkBytes(args.view(1)));

def('quit', ({ client, w, tag }) => {
  w.ok();
  client.closeAfterReply(tag);
});

def('select', ({ server, client, args, w }) => {
  const n = parseStrictIntString(args.str(1));
  if (n === null) w.error(Err.notInteger);
  else if (n < 0 || n >= server.config.getInt('databases')) w.error(Err.dbIndexOutOfRange);
  else {
    client.db = n;
    w.ok();
  }
});

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function checkAuth(server: Server, user: string, pass: string): boolean {
  const required = server.config.getString('requirepass');
  if (user !== 'default') return false;
  return required === '' || pass === required;
}

def('auth', ({ server, client, args, w }) => {
  if (args.count > 3) {
    w.error(Err.syntax);
    return;
  }
  const user = args.count === 3 ? args.str(1) : 'default';
  const pass = args.str(args.count - 1);
  if (args.count === 2 && server.config.getString('requirepass') === '') {
    w.error(
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
    return;
  }
  if (checkAuth(server, user, pass)) {
    client.authenticated = true;
    client.user = user;
    w.ok();
  } else w.error(WRONGPASS);
});

def('hello', ({ server, client, args, w }) => {
  let proto = client.resp;
  let i = 1;
  if (args.count >= 2) {
    const v = parseStrictIntString(args.str(1));
    if (v === null) {
      w.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      w.error('NOPROTO unsupported protocol version');
      return;
    }
    proto = v;
    i = 2;
  }
  let setName: string | null = null;
  for (; i < args.count; i++) {
    const more = args.count - i - 1;
    if (args.is(i, 'auth') && more >= 2) {
      if (!checkAuth(server, args.str(i + 1), args.str(i + 2))) {
        w.error(WRONGPASS);
        return;
      }
      client.authenticated = true;
      client.user = args.str(i + 1);
      i += 2;
    } else if (args.is(i, 'setname') && more >= 1) {
      setName = args.str(++i);
      const err = validateClientName(setName);
      if (err) {
        w.error(err);
        return;
      }
    } else {
      w.error(`ERR Syntax error in HELLO option '${args.str(i)}'`);
      return;
    }
  }
  if (!client.authenticated) {
    w.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
    return;
  }
  if (setName !== null) client.name = setName;
  client.resp = proto;
  w.reset(proto === 3);
  w.map(7);
  w.bulk('server');
  w.bulk('redis');
  w.bulk('version');
  w.bulk(REDIS_COMPAT_VERSION);
  w.bulk('proto');
  w.int(proto);
  w.bulk('id');
  w.int(client.id);
  w.bulk('mode');
  w.bulk('standalone');
  w.bulk('role');
  w.bulk('master');
  w.bulk('modules');
  w.array(0);
});

def('reset', ({ server, client, w }) => {
  server.pubsub.dropClient(client);
  unwatchAll(server, client);
  client.multi = null;
  client.multiFailed = false;
  client.db = 0;
  client.resp = 2;
  client.name = '';
  client.replyMode = ReplyMode.On;
  client.noEvict = false;
  client.noTouch = false;
  client.authenticated = server.config.getString('requirepass') === '';
  client.user = 'default';
  w.reset(false);
  w.simple('RESET');
});

function validateClientName(name: string): string | null {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126) return 'ERR Client names cannot contain spaces, newlines or special characters.';
  }
  return null;
}

function clientFlags(c: Client): string {
  let f = '';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}

/**
 * One CLIENT LIST / CLIENT INFO line: Redis 7.0's fields, then lib-name and lib-ver as Redis 7.2 ends
 * it (CLIENT SETINFO is 7.2's).
 */
export function clientInfoLine(c: Client, now = Date.now()): string {
  const qbuf = c.parser.buffered;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name} ` +
    `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} ` +
    `flags=${clientFlags(c)} db=${c.db} sub=0 psub=0 ssub=0 multi=-1 qbuf=${qbuf} qbuf-free=${Math.max(0, 20474 - qbuf)} ` +
    `argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=${22426 + qbuf} events=r cmd=${c.lastCommand} ` +
    `user=${c.user} redir=-1 resp=${c.resp} lib-name=${cString(c.libName)} lib-ver=${cString(c.libVer)}`
  );
}

/** What C's %s prints of a value that may hold a NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

def('client|id', ({ client, w }) => w.int(client.id));

def('client|setname', ({ client, args, w }) => {
  const name = args.str(2);
  const err = validateClientName(name);
  if (err) w.error(err);
  else {
    client.name = name;
    w.ok();
  }
});

def('client|getname', ({ client, w }) => {
  if (client.name === '') w.nullBulk();
  else w.bulk(client.name);
});

def('client|info', ({ client, w }) => w.verbatim(clientInfoLine(client) + '\n'));

def('client|list', ({ server, args, w }) => {
  let clients = [...server.clients.values()];
  if (args.count > 2) {
    if (args.is(2, 'type') && args.count === 4) {
      const t = args.lower(3);
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) {
        w.error(`ERR Unknown client type '${args.str(3)}'`);
        return;
      }
      if (t !== 'normal') clients = [];
    } else if (args.is(2, 'id') && args.count >= 4) {
      const ids = new Set<number>();
      for (let i = 3; i < args.count; i++) {
        const v = parseStrictIntString(args.str(i));
        if (v === null || v <= 0) {
          w.error('ERR Invalid client ID');
          return;
        }
        ids.add(v);
      }
      clients = clients.filter((c) => ids.has(c.id));
    } else {
      w.error(Err.syntax);
      return;
    }
  }
  const now = Date.now();
  w.verbatim(clients.map((c) => clientInfoLine(c, now) + '\n').join(''));
});

def('client|kill', ({ server, client, args, w, tag }) => {
  if (args.count === 3) {
    const addr = args.str(2);
    const target = [...server.clients.values()].find((c) => c.addr === addr);
    if (!target) {
      w.error('ERR No such client');
      return;
    }
    w.ok();
    if (target === client) client.closeAfterReply(tag);
    else target.kill();
    return;
  }
  let id: number | null = null;
  let addr: string | null = null;
  let laddr: string | null = null;
  let type: string | null = null;
  let user: string | null = null;
  let skipMe = true;
  for (let i = 2; i < args.count; i += 2) {
    if (i + 1 >= args.count) {
      w.error(Err.syntax);
      return;
    }
    const v = args.str(i + 1);
    if (args.is(i, 'id')) {
      const n = parseStrictIntString(v);
      if (n === null || n <= 0) {
        w.error('ERR client-id should be greater than 0');
        return;
      }
      id = n;
    } else if (args.is(i, 'addr')) addr = v;
    else if (args.is(i, 'laddr')) laddr = v;
    else if (args.is(i, 'type')) {
      const t = v.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) {
        w.error(`ERR Unknown client type '${v}'`);
        return;
      }
      type = t;
    } else if (args.is(i, 'user')) user = v;
    else if (args.is(i, 'skipme')) {
      const t = v.toLowerCase();
      if (t === 'yes') skipMe = true;
      else if (t === 'no') skipMe = false;
      else {
        w.error(Err.syntax);
        return;
      }
    } else {
      w.error(Err.syntax);
      return;
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const c of [...server.clients.values()]) {
    if (id !== null && c.id !== id) continue;
    if (addr !== null && c.addr !== addr) continue;
    if (laddr !== null && c.laddr !== laddr) continue;
    if (type !== null && type !== 'normal') continue;
    if (user !== null && c.user !== user) continue;
    if (c === client && skipMe) continue;
    killed++;
    if (c === client) killSelf = true;
    else c.kill();
  }
  w.int(killed);
  // Killing the calling connection: it still gets this reply, then closes.
  if (killSelf) client.closeAfterReply(tag);
});

def('client|unblock', ({ server, args, w }) => {
  const id = parseStrictIntString(args.str(2));
  if (id === null) {
    w.error(Err.notInteger);
    return;
  }
  let error = false;
  if (args.count === 4) {
    if (args.is(3, 'error')) error = true;
    else if (!args.is(3, 'timeout')) {
      w.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  } else if (args.count > 4) {
    w.error(Err.syntax);
    return;
  }
  const target = server.clients.get(id);
  w.int(target !== undefined && server.blocking.unblock(target, error) ? 1 : 0);
});

def('client|reply', ({ client, args, w }) => {
  if (args.is(2, 'on')) {
    client.replyMode = ReplyMode.On;
    w.ok();
  } else if (args.is(2, 'off')) client.replyMode = ReplyMode.Off;
  else if (args.is(2, 'skip')) client.replyMode = ReplyMode.Skip;
  else w.error(Err.syntax);
});

// CLIENT NO-TOUCH ON|OFF (Redis 7.2): carried to the shards as RequestFlag.NoTouch on every request.
def('client|no-touch', ({ client, args, w }) => {
  if (args.is(2, 'on')) client.noTouch = true;
  else if (args.is(2, 'off')) client.noTouch = false;
  else {
    w.error(Err.syntax);
    return;
  }
  w.ok();
});

/**
 * CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2's clientSetinfoCommand). The value is checked like
 * validateClientAttr, which walks a C string: bytes '!'..'~' only, up to the first NUL.
 */
def('client|setinfo', ({ client, args, w }) => {
  const attr = args.str(2);
  const isName = args.is(2, 'lib-name');
  if (!isName && !args.is(2, 'lib-ver')) {
    w.error(`ERR Unrecognized option '${errorText(attr)}'`);
    return;
  }
  const value = args.str(3);
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch === 0) break;
    if (ch < 33 || ch > 126) {
      w.error(`ERR ${errorText(attr)} cannot contain spaces, newlines or special characters.`);
      return;
    }
  }
  if (isName) client.libName = value;
  else client.libVer = value;
  w.ok();
});

/** addReplyErrorFormat's treatment of client text in an error: %s stops at NUL, line breaks become spaces. */
function errorText(s: string): string {
  return cString(s).replace(/[\r\n]/g, ' ');
}

def('client|no-evict', ({ client, args, w }) => {
  if (args.is(2, 'on')) client.noEvict = true;
  else if (args.is(2, 'off')) client.noEvict = false;
  else {
    w.error(Err.syntax);
    return;
  }
  w.ok();
});

def('client|help', ({ w }) =>
  helpReply(w, 'CLIENT', [
    'CACHING (YES|NO)',
    '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
    'GETREDIR',
    '    Return the client ID we are redirecting to when tracking is enabled.',
    'GETNAME',
    '    Return the name of the current connection.',
    'ID',
    '    Return the ID of the current connection.',
    'INFO',
    '    Return information about the current client connection.',
    'KILL <ip:port>',
    '    Kill connection made from <ip:port>.',
    'KILL <option> <value> [<option> <value> [...]]',
    '    Kill connections. Options are:',
    '    * ADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made from the specified address',
    '    * LADDR (<ip:port>|<unixsocket>:0)',
    '      Kill connections made to specified local address',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Kill connections by type.',
    '    * USER <username>',
    '      Kill connections authenticated by <username>.',
    '    * SKIPME (YES|NO)',
    '      Skip killing current connection (default: yes).',
    'LIST [options ...]',
    '    Return information about client connections. Options:',
    '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
    '      Return clients of specified type.',
    'UNPAUSE',
    '    Stop the current client pause, resuming traffic.',
    'PAUSE <timeout> [WRITE|ALL]',
    '    Suspend all, or just write, clients for <timeout> milliseconds.',
    'REPLY (ON|OFF|SKIP)',
    '    Control the replies sent to the current connection.',
    'SETNAME <name>',
    '    Assign the name <name> to the current connection.',
    'UNBLOCK <clientid> [TIMEOUT|ERROR]',
    '    Unblock the specified blocked client.',
    'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
    '         [OPTIN] [OPTOUT] [NOLOOP]',
    '    Control server assisted client side caching.',
    'TRACKINGINFO',
    '    Report tracking status for the current connection.',
    'NO-EVICT (ON|OFF)',
    '    Protect current client connection from eviction.',
  ]),
);

// ------------------------------------------------------------------ transactions

def('multi', ({ client, w }) => {
  if (client.multi !== null) {
    w.error('ERR MULTI calls can not be nested');
    return;
  }
  client.multi = [];
  client.multiFailed = false;
  w.ok();
});

def('discard', ({ server, client, w }) => {
  if (client.multi === null) {
    w.error('ERR DISCARD without MULTI');
    return;
  }
  unwatchAll(server, client);
  client.multi = null;
  client.multiFailed = false;
  w.ok();
});

def('watch', ({ server, client, args, w, sink, tag }) => {
  if (client.multi !== null) {
    w.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  const keys: string[] = [];
  for (let i = 1; i < args.count; i++) keys.push(args.str(i));
  watchKeys(server, client, keys, () => {
    const ok = Buffer.from('+OK\r\n');
    sink.deliver(ok, 0, ok.length, tag);
    server.flushOutput();
  });
  return true;
});

def('unwatch', ({ server, client, w }) => {
  unwatchAll(server, client);
  w.ok();
});

def('exec', ({ server, client, w, sink, tag }) => {
  if (client.multi === null) {
    w.error('ERR EXEC without MULTI');
    return;
  }
  execTransaction(server, client, sink, tag);
  return true;
});

// ------------------------------------------------------------------ pub/sub

function names(args: Args, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < args.count; i++) out.push(args.str(i));
  return out;
}

def('subscribe', ({ server, client, args, w }) => server.pubsub.subscribe(client, Kind.Channel, names(args, 1), w));
def('psubscribe', ({ server, client, args, w }) => server.pubsub.subscribe(client, Kind.Pattern, names(args, 1), w));
def('ssubscribe', ({ server, client, args, w }) => server.pubsub.subscribe(client, Kind.Shard, names(args, 1), w));
def('unsubscribe', ({ server, client, args, w }) => server.pubsub.unsubscribe(client, Kind.Channel, names(args, 1), w));
def('punsubscribe', ({ server, client, args, w }) => server.pubsub.unsubscribe(client, Kind.Pattern, names(args, 1), w));
def('sunsubscribe', ({ server, client, args, w }) => server.pubsub.unsubscribe(client, Kind.Shard, names(args, 1), w));
def('publish', ({ server, client, args, w }) => w.int(server.pubsub.publish(args.str(1), args.view(2), false, client, w)));
def('spublish', ({ server, client, args, w }) => w.int(server.pubsub.publish(args.str(1), args.view(2), true, client, w)));

function pubsubSyntaxError(w: ReplyWriter, args: Args): void {
  w.error(`ERR unknown subcommand or wrong number of arguments for '${args.str(1)}'. Try PUBSUB HELP.`);
}

for (const [name, kind] of [
  ['pubsub|channels', Kind.Channel],
  ['pubsub|shardchannels', Kind.Shard],
] as const) {
  def(name, ({ server, args, w }) => {
    if (args.count > 3) pubsubSyntaxError(w, args);
    else w.bulkArray(server.pubsub.channels(kind, args.count === 3 ? args.str(2) : null));
  });
}

for (const [name, kind] of [
  ['pubsub|numsub', Kind.Channel],
  ['pubsub|shardnumsub', Kind.Shard],
] as const) {
  // A flat array in RESP3 too (Redis 7.0 replies with addReplyArrayLen here).
  def(name, ({ server, args, w }) => {
    w.array((args.count - 2) * 2);
    for (let i = 2; i < args.count; i++) {
      w.bulk(args.str(i));
      w.int(server.pubsub.numSub(kind, args.str(i)));
    }
  });
}
def('pubsub|numpat', ({ server, w }) => w.int(server.pubsub.numPat()));
def('pubsub|help', ({ w }) =>
  helpReply(w, 'PUBSUB', [
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    '    Return the currently active shard level channels matching a <pattern> (default: \'*\').',
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)',
  ]),
);

// ------------------------------------------------------------------ server

def('command', ({ client, args, w }) => {
  if (args.count === 1) w.raw(commandReply(isImplemented, client.resp === 3 ? 3 : 2));
});

def('command|count', ({ client, w }) => w.raw(commandCountReply(isImplemented, client.resp === 3 ? 3 : 2)));

def('command|info', ({ client, args, w }) => {
  const names: string[] = [];
  for (let i = 2; i < args.count; i++) names.push(args.str(i));
  w.raw(commandInfoReply(isImplemented, client.resp === 3 ? 3 : 2, names));
});

def('command|docs', ({ client, args, w }) => {
  const names: string[] = [];
  for (let i = 2; i < args.count; i++) names.push(args.str(i));
  w.raw(commandDocsReply(isImplemented, client.resp === 3 ? 3 : 2, names));
});

def('command|list', ({ client, args, w }) => {
  const rest: string[] = [];
  for (let i = 2; i < args.count; i++) rest.push(args.str(i));
  w.raw(commandListReplyFromArgs(isImplemented, client.resp === 3 ? 3 : 2, rest));
});

def('command|getkeys', ({ args, w }) => {
  let spec = lookupCommand(args.lower(2));
  const argc = args.count - 2;
  if (spec && spec.subcommands.size > 0 && argc >= 2) spec = spec.subcommands.get(args.lower(3));
  if (!spec) {
    w.error('ERR Invalid command specified');
    return;
  }
  if (!arityOk(spec, argc)) {
    w.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const idx = keyIndices(spec, argc, (i) => args.str(i + 2));
  if (idx.length === 0) {
    w.error('ERR The command has no key arguments');
    return;
  }
  w.array(idx.length);
  for (const i of idx) w.bulkBytes(args.view(i + 2));
});

def('command|help', ({ w }) =>
  helpReply(w, 'COMMAND', [
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.',
  ]),
);

def('config|get', ({ server, args, w }) => {
  const patterns: string[] = [];
  for (let i = 2; i < args.count; i++) patterns.push(args.str(i));
  const pairs = server.config.configGet(patterns);
  w.map(pairs.length);
  for (const [k, v] of pairs) {
    w.bulk(k);
    w.bulk(v);
  }
});

def('config|set', ({ server, args, w }) => {
  if ((args.count - 2) % 2 !== 0) {
    w.error(Err.wrongArity('config|set'));
    return;
  }
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < args.count; i += 2) pairs.push([args.str(i), args.str(i + 1)]);
  const r = server.config.configSet(pairs, { loading: server.persistence.loading });
  if (r.ok) w.ok();
  else w.error(r.error);
});

def('config|resetstat', ({ server, w }) => {
  server.resetStats();
  w.ok();
});

def('config|help', ({ w }) =>
  helpReply(w, 'CONFIG', [
    'GET <pattern>',
    '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>',
    '    Set the configuration <directive> to <value>.',
    'RESETSTAT',
    '    Reset statistics reported by the INFO command.',
    'REWRITE',
    '    Rewrite the configuration file.',
  ]),
);

def('time', ({ w }) => writeTime(w));

/**
 * ROLE: always a master with no replicas (Ferrous has no replication). The offset is
 * master_repl_offset, 0 as in INFO replication, which is what Redis says until a replica has connected.
 */
def('role', ({ w }) => {
  w.array(3);
  w.bulk('master');
  w.int(0);
  w.array(0);
});

def('info', (ctx) => {
  const { server, client, args, tag, sink } = ctx;
  const sections: string[] = [];
  for (let i = 1; i < args.count; i++) sections.push(args.lower(i));
  void buildInfo(server, sections).then((text) => {
    const w = ctx.w;
    w.reset(client.resp === 3);
    w.verbatim(text);
    sink.deliver(w.buf, 0, w.pos, tag);
    server.flushOutput();
  });
  return true;
});

def('shutdown', ({ server, args, w, sink, tag }) => {
  let nosave = false;
  let save = false;
  let force = false;
  for (let i = 1; i < args.count; i++) {
    if (args.is(i, 'nosave')) nosave = true;
    else if (args.is(i, 'save')) save = true;
    else if (args.is(i, 'force')) force = true;
    else if (args.is(i, 'now')) continue;
    else if (args.is(i, 'abort')) {
      w.error('ERR No shutdown in progress.');
      return;
    } else {
      w.error(Err.syntax);
      return;
    }
  }
  if (save && nosave) {
    w.error(Err.syntax);
    return;
  }
  // A busy script holds every shard: only SHUTDOWN NOSAVE can go ahead (a save would wait for it).
  const busy = nosave || !server.scripting.inFlightAny() ? null : server.scripting.busyError(Date.now());
  if (busy !== null) {
    w.error(busy);
    return;
  }
  void server.persistence.shutdown({ save, nosave, force }).then((ok) => {
    if (ok) {
      server.emit('shutdown');
      return;
    }
    const err = Buffer.from('-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    sink.deliver(err, 0, err.length, tag);
    server.countError('ERR');
    server.flushOutput();
  });
  return true;
});

// ------------------------------------------------------------------ persistence (see persistence.ts)

def('save', ({ server, sink, tag }) => {
  void server.persistence.save().then((reply) => deliverLine(server, sink, tag, reply));
  return true;
});

def('bgsave', ({ server, client, args, w, sink, tag }) => {
  let schedule = false;
  if (args.count > 1) {
    if (args.count === 2 && args.is(1, 'schedule')) schedule = true;
    else {
      w.error(Err.syntax);
      return;
    }
  }
  // Inside EXEC (the reply goes to the transaction's collector) Redis schedules it.
  const inExec = sink !== client;
  void server.persistence.bgsave(schedule, inExec).then((reply) => deliverLine(server, sink, tag, reply));
  return true;
});

def('bgrewriteaof', ({ server, client, sink, w }) => {
  const aof = server.persistence.aof;
  if (aof.rewriteInProgress) {
    w.error('ERR Background append only file rewriting already in progress');
    return;
  }
  // Inside EXEC, or while a save runs, Redis schedules it (see Aof.cron).
  if (sink !== client || aof.startRewrite() === 'busy') {
    aof.rewriteScheduled = true;
    w.simple('Background append only file rewriting scheduled');
    return;
  }
  w.simple('Background append only file rewriting started');
});

def('lastsave', ({ server, w }) => w.int(server.persistence.lastSave));

/** Deliver a finished reply line (a status or an error) later, counting errors like runLocal does. */
function deliverLine(server: Server, sink: ReplySink, tag: number, line: string): void {
  const b = Buffer.from(line, 'latin1');
  if (line.startsWith('-')) server.countError(line.slice(1, line.search(/[ \r]/)));
  sink.deliver(b, 0, b.length, tag);
  server.flushOutput();
}

const DEBUG_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

/** C's atof: the longest leading decimal number, 0 when there is none. */
function atof(s: string): number {
  const m = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m === null ? 0 : Number(m[0]);
}

/**
 * DEBUG, with the sub-commands Ferrous really has: SLEEP blocks every shard (keyed commands wait, as
 * they would behind Redis's blocked main thread). Others answer as unknown sub-commands.
 */
def('debug', ({ server, client, args, w, tag, sink }) => {
  const ra = client.socket.remoteAddress ?? '';
  const local = ra === '::1' || ra.startsWith('127.') || ra.startsWith('::ffff:127.');
  if (!server.config.allowProtectedAction('enable-debug-command', local)) {
    w.error(DEBUG_NOT_ALLOWED);
    return;
  }
  if (args.is(1, 'sleep') && args.count === 3) {
    const ms = atof(args.str(2)) * 1000;
    server.blockAllShards(ms, () => {
      const out = Buffer.from('+OK\r\n');
      sink.deliver(out, 0, out.length, tag);
      server.flushOutput();
    });
    return true;
  }
  w.error(`ERR unknown subcommand or wrong number of arguments for '${args.str(1)}'. Try DEBUG HELP.`);
});

def('object|help', ({ w }) =>
  helpReply(w, 'OBJECT', [
    'ENCODING <key>',
    '    Return the kind of internal representation used in order to store the value',
    '    associated with a <key>.',
    'FREQ <key>',
    '    Return the access frequency index of the <key>. The returned integer is',
    '    proportional to the logarithm of the recent access frequency of the key.',
    'IDLETIME <key>',
    '    Return the idle time of the <key>, that is the approximated number of',
    '    seconds elapsed since the last access to the key.',
    'REFCOUNT <key>',
    '    Return the number of references of the value associated with the specified',
    '    <key>.',
  ]),
);

/** Commands routed to the acceptor that have no handler here (checked by tests). */
export function missingLocalHandlers(): string[] {
  return COMMANDS.filter((s) => s.route === Route.Local && s.subcommands.size === 0 && !handlers.has(s.name)).map((s) => s.name);
}

// ------------------------------------------------------------------ scripting (see scripting.ts)

// SCRIPT LOAD, FUNCTION LOAD and FUNCTION RESTORE wait for a shard: the client's next commands wait
// for them (the scripting gate), so a pipelined EVALSHA or FCALL finds what they loaded.
def('script|load', ({ server, client, args, sink, tag }) => {
  client.inputGate++;
  server.scripting.load(Buffer.from(args.view(2)), (reply) => {
    sink.deliver(reply, 0, reply.length, tag);
    server.scripting.ungate(client);
  });
  return true;
});

def('script|exists', ({ server, args, w }) => {
  w.array(args.count - 2);
  for (let i = 2; i < args.count; i++) w.int(server.scripting.cache.has(args.str(i).toLowerCase()) ? 1 : 0);
});

def('script|flush', ({ server, args, w }) => {
  if (args.count > 3 || (args.count === 3 && !args.is(2, 'sync') && !args.is(2, 'async'))) {
    w.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  server.scripting.flush();
  w.ok();
});

def('script|kill', ({ server, w }) => {
  const reply = server.scripting.kill(true);
  if (reply.startsWith('-')) w.error(reply.slice(1, -2));
  else w.ok();
});

def('script|help', ({ w }) => helpReply(w, 'SCRIPT', SCRIPT_HELP));

def('function|load', ({ server, client, args, w, sink, tag }) => {
  let replace = false;
  let i = 2;
  for (; i < args.count - 1; i++) {
    if (args.is(i, 'replace')) replace = true;
    else {
      w.error(`ERR Unknown option given: ${args.str(i)}`);
      return;
    }
  }
  if (i !== args.count - 1) {
    w.error('ERR Function code was not given');
    return;
  }
  client.inputGate++;
  void server.scripting.libraries.load(args.str(i), replace).then((res) => {
    const reply = 'error' in res ? `-${res.error}\r\n` : `$${res.name.length}\r\n${res.name}\r\n`;
    if ('error' in res) server.countError(res.error.slice(0, res.error.indexOf(' ') >>> 0));
    const b = Buffer.from(reply, 'latin1');
    sink.deliver(b, 0, b.length, tag);
    server.scripting.ungate(client);
  });
  return true;
});

def('function|delete', ({ server, args, w }) => {
  if (server.scripting.libraries.delete(args.str(2))) w.ok();
  else w.error('ERR Library not found');
});

def('function|flush', ({ server, args, w }) => {
  if (args.count > 3 || (args.count === 3 && !args.is(2, 'sync') && !args.is(2, 'async'))) {
    w.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  server.scripting.libraries.flush();
  w.ok();
});

def('function|list', ({ server, args, w }) => {
  let withCode = false;
  let pattern: string | null = null;
  // functionListCommand: each option once; a repeated one is an unknown argument.
  for (let i = 2; i < args.count; i++) {
    if (args.is(i, 'withcode') && !withCode) withCode = true;
    else if (args.is(i, 'libraryname') && pattern === null) {
      if (i + 1 >= args.count) {
        w.error('ERR library name argument was not given');
        return;
      }
      pattern = args.str(++i);
    } else {
      w.error(`ERR Unknown argument ${args.str(i)}`);
      return;
    }
  }
  server.scripting.libraries.list(w, withCode, pattern);
});

def('function|stats', ({ server, w }) => server.scripting.stats(w));

def('function|kill', ({ server, w }) => {
  const reply = server.scripting.kill(false);
  if (reply.startsWith('-')) w.error(reply.slice(1, -2));
  else w.ok();
});

def('function|dump', ({ server, w }) => w.bulkBytes(server.scripting.libraries.dump()));

def('function|restore', ({ server, client, args, w, sink, tag }) => {
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (args.count > 4) {
    // addReplySubcommandSyntaxError: the subcommand as the client wrote it.
    w.error(`ERR unknown subcommand or wrong number of arguments for '${args.str(1)}'. Try FUNCTION HELP.`);
    return;
  }
  if (args.count === 4) {
    if (args.is(3, 'flush')) policy = 'flush';
    else if (args.is(3, 'append')) policy = 'append';
    else if (args.is(3, 'replace')) policy = 'replace';
    else {
      w.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
  }
  client.inputGate++;
  void server.scripting.libraries.restore(Buffer.from(args.view(2)), policy).then((err) => {
    const b = Buffer.from(err === null ? '+OK\r\n' : `-${err}\r\n`, 'latin1');
    if (err !== null) server.countError(err.slice(0, err.indexOf(' ') >>> 0));
    sink.deliver(b, 0, b.length, tag);
    server.scripting.ungate(client);
  });
  return true;
});

def('function|help', ({ w }) =>
  helpReply(w, 'FUNCTION', [
    'LOAD [REPLACE] <FUNCTION CODE>',
    '    Create a new library with the given library name and code.',
    'DELETE <LIBRARY NAME>',
    '    Delete the given library.',
    'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
    '    Return general information on all the libraries:',
    '    * Library name',
    '    * The engine used to run the Library',
    '    * Library description',
    '    * Functions list',
    '    * Library code (if WITHCODE is given)',
    '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
    'STATS',
    '    Return information about the current function running:',
    '    * Function name',
    '    * Command used to run the function',
    '    * Duration in MS that the function is running',
    '    If no function is running, return nil',
    '    In addition, returns a list of available engines.',
    'KILL',
    '    Kill the current running function.',
    'FLUSH [ASYNC|SYNC]',
    '    Delete all the libraries.',
    '    When called without the optional mode argument, the behavior is determined by the',
    '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
    '    * ASYNC: Asynchronously flush the libraries.',
    '    * SYNC: Synchronously flush the libraries.',
    'DUMP',
    '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
    'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
    '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
    '    control how to handle existing libraries (default APPEND):',
    '    * FLUSH: delete all existing libraries.',
    '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
    '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
    '      libraries with the new libraries (notice that even on this option there is a chance of failure',
    '      in case of functions name collision with another library).',
  ]),
);
