/**
 * Which shard owns a hash slot. Slots are split into contiguous ranges, like a Redis Cluster with one
 * node per shard, so a shard's keys are those of `CLUSTER KEYSLOT` ranges [i*16384/n, (i+1)*16384/n).
 */
import { CLUSTER_SLOTS } from './crc16.js';

export function shardOfSlot(slot: number, shardCount: number): number {
  return Math.floor((slot * shardCount) / CLUSTER_SLOTS);
}

/** Slot → shard lookup table for the hot path. */
export function slotTable(shardCount: number): Uint8Array {
  const t = new Uint8Array(CLUSTER_SLOTS);
  for (let s = 0; s < CLUSTER_SLOTS; s++) t[s] = shardOfSlot(s, shardCount);
  return t;
}
