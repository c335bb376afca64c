/**
 * A Map for memories kept on a hot path (verified tokens and headers, parsed
 * request kinds, per-operation results) that must not grow without end when
 * keys never repeat: adding a new key when it already holds `maxEntries`
 * starts it over. Dropping everything at once costs one recomputation per
 * live key, far less than tracking recency on every hit.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    super();
    this.#maxEntries = maxEntries;
  }

  override set(key: K, value: V): this {
    if (this.size >= this.#maxEntries && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
