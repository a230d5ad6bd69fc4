/** Scripting commands (eval.c, function.c): EVAL/EVALSHA/FCALL and the SCRIPT / FUNCTION containers. */
import { Route, def, type KeyFinder } from './registry.js';

/** `cmd script numkeys key… arg…`: Redis's evalGetKeys (no keys when numkeys is not a valid count). */
const scriptKeys: KeyFinder = (argc, arg) => {
  const s = arg(2);
  if (!/^\d{1,18}$/.test(s)) return [];
  const n = Number(s);
  if (n > argc - 3) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(3 + i);
  return out;
};

const S = { group: 'scripting' };
const RUN = { ...S, route: Route.Script, keys: scriptKeys };
def('eval', -3, 'noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);
def('evalsha', -3, 'noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);
def('eval_ro', -3, 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);
def('evalsha_ro', -3, 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);
def('fcall', -3, 'noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);
def('fcall_ro', -3, 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', 0, 0, 0, 'slow scripting', RUN);

def('script', -2, '', 0, 0, 0, 'slow', S);
def('script|help', 2, 'loading stale', 0, 0, 0, 'slow scripting', S);
def('script|flush', -2, 'noscript', 0, 0, 0, 'slow scripting', S);
def('script|exists', -3, 'noscript', 0, 0, 0, 'slow scripting', S);
def('script|kill', 2, 'noscript allow_busy', 0, 0, 0, 'slow scripting', S);
def('script|load', 3, 'noscript stale', 0, 0, 0, 'slow scripting', S);

def('function', -2, '', 0, 0, 0, 'slow', S);
def('function|dump', 2, 'noscript', 0, 0, 0, 'slow scripting', S);
def('function|restore', -3, 'write denyoom noscript', 0, 0, 0, 'write slow scripting', S);
def('function|list', -2, 'noscript', 0, 0, 0, 'slow scripting', S);
def('function|kill', 2, 'noscript allow_busy', 0, 0, 0, 'slow scripting', S);
def('function|flush', -2, 'write noscript', 0, 0, 0, 'write slow scripting', S);
def('function|help', 2, 'loading stale', 0, 0, 0, 'slow scripting', S);
def('function|delete', 3, 'write noscript', 0, 0, 0, 'write slow scripting', S);
def('function|load', -3, 'write denyoom noscript', 0, 0, 0, 'write slow scripting', S);
def('function|stats', 2, 'noscript allow_busy', 0, 0, 0, 'slow scripting', S);

// Acceptor → shard steps of a script run (src/shard-worker/families/scripting.ts).
const I = { group: 'internal', route: Route.Internal };
def('__script', -7, '', 0, 0, 0, '', I);
def('__script_load', 3, '', 0, 0, 0, '', I);
def('__script_flush', 1, '', 0, 0, 0, '', I);
def('__function_load', 4, '', 0, 0, 0, '', I);
def('__function_delete', 2, '', 0, 0, 0, '', I);
def('__function_flush', 1, '', 0, 0, 0, '', I);
