/** Importing a family registers its command handlers with the shard (see context.ts). */
import './strings.js';
import './keys.js';
import './internal.js';
