/**
 * ferrous-lua -i: a read-eval-print loop. Each line is a script run with EVAL and the current KEYS and
 * ARGV; a line ending with a backslash continues on the next one. Dot commands change KEYS/ARGV.
 * History (up to 1000 lines) lives in ~/.ferrous_lua_history, or $FERROUS_LUA_HISTFILE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { RespClient } from './resp-client.js';
import { formatReply, toBytes } from './format.js';
import { evalScript, splitList } from './script.js';

export const HISTORY_SIZE = 1000;

export interface ReplOptions {
  keys: string[];
  args: string[];
  /** Shown once at the start on a terminal. */
  banner: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function historyFile(): string | null {
  const env = process.env.FERROUS_LUA_HISTFILE;
  if (env !== undefined) return env === '' ? null : env;
  return path.join(os.homedir(), '.ferrous_lua_history');
}

function loadHistory(file: string | null): string[] {
  if (file === null) return [];
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').slice(-HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(file: string | null, lines: string[]): void {
  if (file === null) return;
  try {
    fs.writeFileSync(file, lines.slice(-HISTORY_SIZE).map((l) => `${l}\n`).join(''), { mode: 0o600 });
  } catch {
    // History is a convenience: a read-only home must not break the session.
  }
}

const HELP = `Each line is a Lua script, run with EVAL and the current KEYS and ARGV.
End a line with \\ to continue the script on the next line.
  .keys a,b    set KEYS (.keys alone: no keys)
  .args x,y    set ARGV (.args alone: no arguments)
  .show        print KEYS and ARGV
  .help        this text
  .exit        quit (or Ctrl-D)
`;

/** Runs until .exit or end of input. Rejects only when the connection to the server fails. */
export async function runRepl(client: RespClient, o: ReplOptions): Promise<void> {
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stdout;
  const tty = input.isTTY === true && output.isTTY === true;
  const file = historyFile();
  const history = loadHistory(file);
  const rl = readline.createInterface({
    input,
    output,
    terminal: tty,
    // readline wants the most recent entry first.
    history: [...history].reverse(),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: false,
  });
  let keys = o.keys;
  let args = o.args;
  let pending: string[] = [];
  const say = (s: string) => output.write(s);
  const prompt = () => {
    if (!tty) return;
    rl.setPrompt(pending.length > 0 ? '...> ' : 'lua> ');
    rl.prompt();
  };
  const show = () => say(`KEYS: ${JSON.stringify(keys)}\nARGV: ${JSON.stringify(args)}\n`);

  rl.on('SIGINT', () => {
    // Ctrl-C drops a half-typed script; on an empty prompt it quits, like Ctrl-D.
    if (pending.length === 0 && rl.line === '') {
      say('\n');
      rl.close();
      return;
    }
    pending = [];
    say('^C\n');
    // Clear what was typed on the current line.
    (rl as unknown as { line: string }).line = '';
    prompt();
  });

  if (tty) say(o.banner);
  prompt();
  try {
    for await (const line of rl) {
      if (line.trim() !== '' && history[history.length - 1] !== line) history.push(line);
      if (pending.length === 0) {
        const t = line.trim();
        if (t === '') {
          prompt();
          continue;
        }
        if (t.startsWith('.')) {
          const [cmd, ...rest] = t.split(/\s+/);
          const value = rest.join(' ');
          if (cmd === '.exit' || cmd === '.quit') break;
          if (cmd === '.keys') {
            keys = splitList(value);
            show();
          } else if (cmd === '.args') {
            args = splitList(value);
            show();
          } else if (cmd === '.show') show();
          else if (cmd === '.help') say(HELP);
          else say(`unknown command ${cmd}; .help lists them\n`);
          prompt();
          continue;
        }
      }
      if (line.endsWith('\\')) {
        pending.push(line.slice(0, -1));
        prompt();
        continue;
      }
      pending.push(line);
      const script = pending.join('\n');
      pending = [];
      const reply = await evalScript(client, script, keys, args);
      output.write(toBytes(formatReply(reply)));
      prompt();
    }
  } finally {
    rl.close();
    saveHistory(file, history);
  }
}
