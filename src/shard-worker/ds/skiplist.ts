/**
 * A skip list with span counts, a port of Redis's zskiplist (t_zset.c): elements ordered by score,
 * then by member bytes (latin1 strings compare like memcmp), O(log n) insert, delete, rank and
 * access by rank. Members are unique by contract (the owning ZSet keeps the member→score map).
 */

export const SKIPLIST_MAXLEVEL = 32;
const SKIPLIST_P = 0.25;

export class SkipNode {
  readonly forward: (SkipNode | null)[];
  readonly span: number[];
  backward: SkipNode | null = null;
  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

function randomLevel(): number {
  let level = 1;
  while (level < SKIPLIST_MAXLEVEL && Math.random() < SKIPLIST_P) level++;
  return level;
}

/** (score, member) strictly before (s2, m2)? */
function before(score: number, member: string, s2: number, m2: string): boolean {
  return score < s2 || (score === s2 && member < m2);
}

/** Predicate kinds for `countWhile`: how many leading elements satisfy it. */
export const enum Pred {
  /** score < v */
  ScoreLt = 0,
  /** score <= v */
  ScoreLe = 1,
  /** member < m */
  LexLt = 2,
  /** member <= m */
  LexLe = 3,
}

// Scratch arrays reused by every update (one command runs at a time).
const update: (SkipNode | null)[] = new Array<SkipNode | null>(SKIPLIST_MAXLEVEL).fill(null);
const rankAt: number[] = new Array<number>(SKIPLIST_MAXLEVEL).fill(0);

export class SkipList {
  readonly header = new SkipNode('', 0, SKIPLIST_MAXLEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;

  /** Insert a member that is not present. */
  insert(score: number, member: string): SkipNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      let next = x.forward[i];
      while (next !== null && before(next.score, next.member, score, member)) {
        rankAt[i] += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const u = update[i] as SkipNode;
      node.forward[i] = u.forward[i];
      u.forward[i] = node;
      node.span[i] = u.span[i] - (rankAt[0] - rankAt[i]);
      u.span[i] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) (update[i] as SkipNode).span[i]++;
    node.backward = update[0] === this.header ? null : update[0];
    const f0 = node.forward[0];
    if (f0 !== null) f0.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  private unlink(x: SkipNode): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i] as SkipNode;
      if (u.forward[i] === x) {
        u.span[i] += x.span[i] - 1;
        u.forward[i] = x.forward[i];
      } else {
        u.span[i] -= 1;
      }
    }
    const f0 = x.forward[0];
    if (f0 !== null) f0.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Remove (score, member); false when absent. */
  delete(score: number, member: string): boolean {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && before(next.score, next.member, score, member)) {
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const n = x.forward[0];
    if (n !== null && n.score === score && n.member === member) {
      this.unlink(n);
      return true;
    }
    return false;
  }

  /** Change the score of a present member (in place when the order is unchanged, like zslUpdateScore). */
  updateScore(cur: number, member: string, score: number): void {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && before(next.score, next.member, cur, member)) {
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const n = x.forward[0] as SkipNode;
    const back = n.backward;
    const fwd = n.forward[0];
    if ((back === null || back.score < score) && (fwd === null || fwd.score > score)) {
      n.score = score;
      return;
    }
    this.unlink(n);
    this.insert(score, member);
  }

  /** 1-based rank of a present (score, member); 0 when absent. */
  rank(score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && (before(next.score, next.member, score, member) || (next.score === score && next.member === member))) {
        rank += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (x !== this.header && x.member === member) return rank;
    }
    return 0;
  }

  /** Node at 0-based rank (must be < length). */
  at(rank0: number): SkipNode {
    const target = rank0 + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (traversed === target) return x;
    }
    throw new Error('rank out of range');
  }

  /** How many leading elements satisfy the predicate (ordered data: a prefix). */
  countWhile(pred: Pred, score: number, member: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && test(pred, next, score, member)) {
        rank += x.span[i];
        x = next;
        next = x.forward[i];
      }
    }
    return rank;
  }

  /** Delete 0-based ranks [start, end] inclusive; calls `removed` for each deleted member. */
  deleteRange(start: number, end: number, removed: (member: string) => void): number {
    const startRank = start + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && traversed + x.span[i] < startRank) {
        traversed += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    let n = x.forward[0];
    let count = 0;
    for (let r = startRank; n !== null && r <= end + 1; r++) {
      const next: SkipNode | null = n.forward[0];
      this.unlink(n);
      removed(n.member);
      count++;
      n = next;
    }
    return count;
  }
}

function test(pred: Pred, n: SkipNode, score: number, member: string): boolean {
  switch (pred) {
    case Pred.ScoreLt:
      return n.score < score;
    case Pred.ScoreLe:
      return n.score <= score;
    case Pred.LexLt:
      return n.member < member;
    default:
      return n.member <= member;
  }
}
