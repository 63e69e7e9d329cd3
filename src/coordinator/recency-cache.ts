/**
 * A bounded map that forgets what has not been used for a while, in two generations: entries
 * go into the current one; when it is full it becomes the previous one and the old previous
 * one is dropped; a hit in the previous generation moves the entry back into the current one.
 * Everything is O(1) and a hit in the current generation changes nothing — unlike a Map kept in
 * exact LRU order, which every hit reorders (churning its hash table and the garbage collector
 * on a path every statement takes).
 */
export class RecencyCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private readonly generation: number;

  /** Holds at most `limit` entries; at least the `limit / 2` most recently used. */
  constructor(limit: number) {
    this.generation = Math.max(1, Math.floor(limit / 2));
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  get(key: string): V | undefined {
    const recent = this.current.get(key);
    if (recent !== undefined) return recent;
    const older = this.previous.get(key);
    if (older !== undefined) {
      this.previous.delete(key);
      this.set(key, older);
    }
    return older;
  }

  set(key: string, value: V): void {
    this.current.set(key, value);
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
