/**
 * The sorted-set value (Redis 7.0 t_zset.c): a compact "listpack" form while small — two parallel
 * arrays kept in (score, member) order, members found by linear scan as in a listpack — converted
 * one way to the "skiplist" form (member→score Map plus a SkipList with spans) once it holds more than
 * zset-max-listpack-entries members or a member longer than zset-max-listpack-value bytes.
 *
 * Every range operation is expressed with 0-based ranks: score and lex bounds become rank bounds by
 * counting the ordered prefix before them (O(log n) in the skip list, binary search in the small form).
 */
import type { Collection } from '../keyspace.js';
import { Pred, SkipList, type SkipNode } from './skiplist.js';

export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex bound: `inf` -1 for "-", 1 for "+", else 0 with `value` and `ex` ("(" exclusive, "[" inclusive). */
export interface LexBound {
  inf: number;
  value: string;
  ex: boolean;
}

export class ZSet implements Collection {
  readonly typeName = 'zset';
  /** Small form (null once converted). */
  lpMembers: string[] | null = [];
  lpScores: number[] | null = [];
  /** Large form. */
  dict: Map<string, number> | null = null;
  zsl: SkipList | null = null;

  constructor(skiplist = false) {
    if (skiplist) this.convertToSkiplist();
  }

  encoding(): string {
    return this.zsl === null ? 'listpack' : 'skiplist';
  }

  size(): number {
    return this.zsl === null ? (this.lpMembers as string[]).length : this.zsl.length;
  }

  isSmall(): boolean {
    return this.zsl === null;
  }

  clone(): ZSet {
    const z = new ZSet(this.zsl !== null);
    if (this.zsl === null) {
      z.lpMembers = (this.lpMembers as string[]).slice();
      z.lpScores = (this.lpScores as number[]).slice();
    } else {
      for (let n = this.zsl.header.forward[0]; n !== null; n = n.forward[0]) z.insertLarge(n.member, n.score);
    }
    return z;
  }

  convertToSkiplist(): void {
    if (this.zsl !== null) return;
    const ms = this.lpMembers as string[];
    const ss = this.lpScores as number[];
    this.dict = new Map();
    this.zsl = new SkipList();
    for (let i = 0; i < ms.length; i++) this.insertLarge(ms[i], ss[i]);
    this.lpMembers = null;
    this.lpScores = null;
  }

  /** zsetConvertToListpackIfNeeded (after a STORE): back to the small form when it fits. */
  convertToSmallIfFits(maxEntries: number, maxValue: number): void {
    if (this.zsl === null || this.zsl.length > maxEntries) return;
    for (let n = this.zsl.header.forward[0]; n !== null; n = n.forward[0]) if (n.member.length > maxValue) return;
    const ms: string[] = [];
    const ss: number[] = [];
    for (let n = this.zsl.header.forward[0]; n !== null; n = n.forward[0]) {
      ms.push(n.member);
      ss.push(n.score + 0);
    }
    this.lpMembers = ms;
    this.lpScores = ss;
    this.zsl = null;
    this.dict = null;
  }

  private insertLarge(member: string, score: number): void {
    (this.dict as Map<string, number>).set(member, score);
    (this.zsl as SkipList).insert(score, member);
  }

  score(member: string): number | undefined {
    if (this.dict !== null) return this.dict.get(member);
    const ms = this.lpMembers as string[];
    const i = ms.indexOf(member);
    return i < 0 ? undefined : (this.lpScores as number[])[i];
  }

  /** Position in the small form where (score, member) goes. */
  private lpPos(score: number, member: string): number {
    const ms = this.lpMembers as string[];
    const ss = this.lpScores as number[];
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = ss[mid];
      if (s < score || (s === score && ms[mid] < member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Add a member known to be absent, converting first when the small form would grow past the
   * thresholds (zsetAdd's check before zzlInsert).
   */
  insert(member: string, score: number, maxEntries: number, maxValue: number): void {
    if (this.zsl === null) {
      const ms = this.lpMembers as string[];
      if (ms.length + 1 > maxEntries || member.length > maxValue) this.convertToSkiplist();
      else {
        score += 0; // a listpack stores "-0" and reads it back as 0
        const p = this.lpPos(score, member);
        ms.splice(p, 0, member);
        (this.lpScores as number[]).splice(p, 0, score);
        return;
      }
    }
    this.insertLarge(member, score);
  }

  /** Change a present member's score. */
  update(member: string, cur: number, score: number): void {
    if (this.zsl === null) {
      const ms = this.lpMembers as string[];
      const ss = this.lpScores as number[];
      const i = ms.indexOf(member);
      ms.splice(i, 1);
      ss.splice(i, 1);
      score += 0; // no negative zero in a listpack
      const p = this.lpPos(score, member);
      ms.splice(p, 0, member);
      ss.splice(p, 0, score);
      return;
    }
    (this.dict as Map<string, number>).set(member, score);
    this.zsl.updateScore(cur, member, score);
  }

  remove(member: string): boolean {
    if (this.zsl === null) {
      const ms = this.lpMembers as string[];
      const i = ms.indexOf(member);
      if (i < 0) return false;
      ms.splice(i, 1);
      (this.lpScores as number[]).splice(i, 1);
      return true;
    }
    const d = this.dict as Map<string, number>;
    const s = d.get(member);
    if (s === undefined) return false;
    d.delete(member);
    this.zsl.delete(s, member);
    return true;
  }

  /** 0-based rank of a member, -1 when absent. */
  rank(member: string): number {
    if (this.zsl === null) return (this.lpMembers as string[]).indexOf(member);
    const s = (this.dict as Map<string, number>).get(member);
    if (s === undefined) return -1;
    return this.zsl.rank(s, member) - 1;
  }

  /** Count of the ordered prefix satisfying `pred` against (score, member). */
  private countWhile(pred: Pred, score: number, member: string): number {
    if (this.zsl !== null) return this.zsl.countWhile(pred, score, member);
    const ms = this.lpMembers as string[];
    const ss = this.lpScores as number[];
    if (pred === Pred.LexLt || pred === Pred.LexLe) {
      // A listpack is scanned from the head (zzlFirstInLexRange / zzlLastInLexRange).
      let i = 0;
      if (pred === Pred.LexLt) while (i < ms.length && ms[i] < member) i++;
      else while (i < ms.length && ms[i] <= member) i++;
      return i;
    }
    let lo = 0;
    let hi = ss.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred === Pred.ScoreLt ? ss[mid] < score : ss[mid] <= score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rank bounds [start, end) of a score range (empty when end <= start). */
  scoreStart(r: ScoreRange): number {
    return this.countWhile(r.minex ? Pred.ScoreLe : Pred.ScoreLt, r.min, '');
  }

  scoreEnd(r: ScoreRange): number {
    return this.countWhile(r.maxex ? Pred.ScoreLt : Pred.ScoreLe, r.max, '');
  }

  lexStart(min: LexBound): number {
    if (min.inf < 0) return 0;
    if (min.inf > 0) return this.size();
    return this.countWhile(min.ex ? Pred.LexLe : Pred.LexLt, 0, min.value);
  }

  lexEnd(max: LexBound): number {
    if (max.inf < 0) return 0;
    if (max.inf > 0) return this.size();
    return this.countWhile(max.ex ? Pred.LexLt : Pred.LexLe, 0, max.value);
  }

  /** Skip-list node at a 0-based rank (large form only). */
  nodeAt(rank: number): SkipNode {
    return (this.zsl as SkipList).at(rank);
  }

  /** Delete 0-based ranks [start, end] inclusive; returns how many were removed. */
  deleteRange(start: number, end: number): number {
    if (this.zsl === null) {
      (this.lpMembers as string[]).splice(start, end - start + 1);
      (this.lpScores as number[]).splice(start, end - start + 1);
      return end - start + 1;
    }
    const d = this.dict as Map<string, number>;
    return this.zsl.deleteRange(start, end, (m) => d.delete(m));
  }

  /** Member and score at a rank (O(1) small, O(log n) large). */
  memberAt(rank: number): string {
    return this.zsl === null ? (this.lpMembers as string[])[rank] : this.zsl.at(rank).member;
  }

  /** Every (member, score) in order. */
  forEach(fn: (member: string, score: number) => void): void {
    if (this.zsl === null) {
      const ms = this.lpMembers as string[];
      const ss = this.lpScores as number[];
      for (let i = 0; i < ms.length; i++) fn(ms[i], ss[i]);
    } else {
      for (let n = this.zsl.header.forward[0]; n !== null; n = n.forward[0]) fn(n.member, n.score);
    }
  }
}
