/**
 * The campaign's only source of randomness: a small seeded generator
 * (mulberry32), so that the same seed draws the same stacks, faults and
 * failures on every machine and every run. Math.random is never used.
 */
/* eslint-disable no-bitwise -- a 32-bit generator is written in 32-bit integer operations */
export class Random {
  /** A generator for one lifecycle: its draws depend on the campaign's seed and the lifecycle's number only. */
  public static forLifecycle(seed: number, lifecycle: number): Random {
    // Mixing the two through one draw keeps neighbouring lifecycles (and seeds) unrelated.
    return new Random(new Random(seed * 0x9e3779b1 + lifecycle).nextUint32());
  }

  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  public nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A number in [0, 1). */
  public next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** An integer from `min` to `max`, both included. */
  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  public chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of the items, each as likely. */
  public pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)];
  }

  /** One of the items, with the given weights. */
  public weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.next() * total;
    for (const [item, weight] of items) {
      draw -= weight;
      if (draw < 0) return item;
    }
    return items[items.length - 1][0];
  }
}
