/** Importing a family registers its command handlers with the shard (see context.ts). */
import './strings.js';
import './keys.js';
import './internal.js';
import './lists.js';
import './zsets.js';
import './hashes.js';
import './sets.js';
import './bitmaps.js';
import './hyperloglog.js';
import './geo.js';
import './blocking.js';
import './sort.js';
import './memory.js';
import './scripting.js';
import './dump.js';
import './persistence.js';
import './server.js';
