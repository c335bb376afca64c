import { ANSWER_OVERHEAD_BYTES, type AnswerStore, alsoDroppingAnswers, answerStore, NAME_OVERHEAD_BYTES } from './answer-store.ts';
import { entityStore } from './store.ts';

/**
 * The whole-answer store's rules (answer-store.ts): an answer is never served
 * once an event dropped any name it was made of, nor kept when the drop came
 * while it was being made; never to a caller whose write came after its
 * execution started; never past its time to live; and never more than its
 * bound in bytes, whatever callers send.
 */
const PRODUCTS = 'catalogue\nQuery.products';
const SKU = 'stock\nSku\nBP-1';
const SKU_TYPE = 'stock\nSku';
const page = { products: { edges: [{ node: { code: 'BP-1', stock: { available: 3 } } }] } };
const counts = { roots: 1, entities: 1 };

const kept = (store: AnswerStore, key: string, names = [PRODUCTS, SKU, SKU_TYPE]) =>
  store.keep(key, store.start(), structuredClone(page), names, counts);

describe('the whole-answer store', () => {
  it('serves a kept answer to anyone of the class until an event drops any name it was made of', () => {
    for (const name of [PRODUCTS, SKU, SKU_TYPE]) {
      const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
      expect(kept(store, 'k')).toBe(true);
      expect(store.get('k', 'member\nm-1\n')?.data).toEqual(page);
      expect(store.get('k', 'member\nm-2\n')?.data).toEqual(page);
      store.drop('stock\nSku\nOTHER');
      expect(store.get('k', 'member\nm-1\n')).toBeDefined();
      store.drop(name);
      expect(store.get('k', 'member\nm-1\n')).toBeUndefined();
      expect(store.entries).toBe(0);
    }
  });

  it('does not keep an answer whose execution an event overtook, whichever of its names the event named', () => {
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    const ticket = store.start();
    store.drop(SKU);
    expect(store.keep('k', ticket, structuredClone(page), [PRODUCTS, SKU], counts)).toBe(false);
    expect(store.get('k', 'anyone')).toBeUndefined();
    // An execution that started after the event keeps its answer.
    expect(store.keep('k', store.start(), structuredClone(page), [PRODUCTS, SKU], counts)).toBe(true);
    expect(store.get('k', 'anyone')).toBeDefined();
  });

  it('drops everything on clear, also answers still being made', () => {
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    kept(store, 'a');
    const ticket = store.start();
    store.clear();
    expect(store.get('a', 'anyone')).toBeUndefined();
    expect(store.keep('b', ticket, structuredClone(page), [PRODUCTS], counts)).toBe(false);
  });

  it('hides answers made before a caller’s write from that caller only', () => {
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    kept(store, 'k');
    store.wrote('writer');
    expect(store.get('k', 'writer')).toBeUndefined();
    expect(store.get('k', 'reader')).toBeDefined();
    // An answer made after the write is the writer's too.
    kept(store, 'k');
    expect(store.get('k', 'writer')).toBeDefined();
  });

  it('serves nothing past the time to live', () => {
    let now = 0;
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 1_000, now: () => now });
    kept(store, 'k');
    now = 1_000;
    expect(store.get('k', 'anyone')).toBeDefined();
    now = 1_001;
    expect(store.get('k', 'anyone')).toBeUndefined();
  });

  it('never holds more than its bound, however many distinct operations and variables are kept', () => {
    const maxBytes = 20_000;
    const store = answerStore({ maxBytes, ttlMs: 60_000 });
    for (let i = 0; i < 1_000; i++) kept(store, `key-${i}`);
    expect(store.bytes).toBeLessThanOrEqual(maxBytes);
    expect(store.entries).toBeGreaterThan(0);
    // The most recent are kept, the oldest went first.
    expect(store.get('key-999', 'anyone')).toBeDefined();
    expect(store.get('key-0', 'anyone')).toBeUndefined();
    // An answer larger than the whole bound is not kept.
    const huge = { text: 'x'.repeat(maxBytes) };
    expect(store.keep('huge', store.start(), huge, [PRODUCTS], counts)).toBe(false);
    const one = 2 * ('k'.length + JSON.stringify(page).length) + ANSWER_OVERHEAD_BYTES + 3 * NAME_OVERHEAD_BYTES;
    const single = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    kept(single, 'k');
    expect(single.bytes).toBe(one);
  });

  it('forgets drops past its memory by counting everything made before as dropped', () => {
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000, maxDrops: 3 });
    kept(store, 'k', [PRODUCTS]);
    const ticket = store.start();
    for (let i = 0; i < 4; i++) store.drop(`stock\nSku\n${i}`);
    expect(store.get('k', 'anyone')).toBeUndefined();
    expect(store.keep('j', ticket, structuredClone(page), [PRODUCTS], counts)).toBe(false);
  });

  it('gives each request its own copy, so no request can change what another is served', () => {
    const store = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    kept(store, 'k');
    const data = store.get('k', 'anyone')!.data as typeof page;
    data.products.edges[0]!.node.stock.available = 0;
    expect(store.get('k', 'anyone')!.data).toEqual(page);
  });

  it('hears the entity store’s drops, clears and writes by the same calls', async () => {
    const answers = answerStore({ maxBytes: 1 << 20, ttlMs: 60_000 });
    const store = alsoDroppingAnswers(entityStore({ maxBytes: 1 << 20, ttlMs: 60_000 }), answers);
    kept(answers, 'entity');
    await store.evictEntity(SKU);
    expect(answers.get('entity', 'anyone')).toBeUndefined();
    kept(answers, 'type');
    await store.evictType(PRODUCTS);
    expect(answers.get('type', 'anyone')).toBeUndefined();
    kept(answers, 'write');
    await store.wrote('writer');
    expect(answers.get('write', 'writer')).toBeUndefined();
    expect(answers.get('write', 'reader')).toBeDefined();
    await store.clear();
    expect(answers.entries).toBe(0);
  });
});
