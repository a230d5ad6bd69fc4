/**
 * Entry point of a shard worker thread: builds the shard from workerData and serves its rings forever.
 * The process-level supervisor (src/acceptor/shards.ts) treats this thread's exit as fatal.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Ring, type RingBuffers } from '../shared/ring.js';
import { Shard, ShardLoop, type ShardInit } from './shard.js';
import { missingHandlers } from './context.js';
import { ScriptEngine } from '../scripting/script-engine.js';
import './families/index.js';

export interface ShardWorkerData extends ShardInit {
  requestRing: RingBuffers;
  replyRing: RingBuffers;
  port: MessagePort;
}

const data = workerData as ShardWorkerData;
const missing = missingHandlers();
if (missing.length > 0) throw new Error(`commands without a shard handler: ${missing.join(', ')}`);
const shard = new Shard(data);
// The Lua engine is built when the first script arrives (ShardLoop.run gives way to the event loop).
shard.createScripts = () => ScriptEngine.create(shard.config.luaMemoryLimit, shard.scriptState.killFlag);
const loop = new ShardLoop(shard, new Ring(data.requestRing), new Ring(data.replyRing), data.port);
parentPort?.postMessage('ready');
loop.run();
