/**
 * Server commands a shard answers itself, for scripts: TIME (rate limiters and the like call it).
 * Anything else a script calls that the acceptor owns makes the run global (see scripting.ts).
 */
import { register } from '../context.js';
import { writeTime } from '../../shared/clock.js';

register('time', (ctx) => writeTime(ctx.reply));
