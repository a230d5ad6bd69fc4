import t from 'tap';
import { CommandNames } from '../../src/acceptor/command-names.js';
import { COMMANDS, lookupCommand } from '../../src/shared/command-table.js';

const names = new CommandNames();
const find = (s: string) => {
  const b = Buffer.from(`xx${s}yy`, 'latin1');
  return names.find(b, 2, 2 + s.length);
};

t.test('every client command is found by its name in any case, as lookupCommand finds it', async (t) => {
  let n = 0;
  for (const spec of COMMANDS) {
    if (lookupCommand(spec.name) !== spec) continue;
    n++;
    if (find(spec.name) !== spec || find(spec.name.toUpperCase()) !== spec) t.fail(spec.name);
  }
  t.ok(n > 150, `${n} commands`);
  t.equal(find('gEt'), lookupCommand('get'));
});

t.test('what is not a client command is not found', async (t) => {
  for (const s of ['', 'ge', 'gett', 'client|list', 'get\u0000', 'georadius\u007fro', 'g\u00c9t', '__watch']) t.equal(find(s), null, JSON.stringify(s));
});
