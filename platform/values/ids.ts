import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits.
 * Sortable by creation time and stable across SQLite and MySQL (a plain
 * 36-character string), so ids can be cursors and never collide across databases.
 *
 * Within one process the ids are strictly increasing, even inside one
 * millisecond (RFC 9562 §6.2, method 1: the 12-bit `rand_a` field counts up),
 * so rows such as outbox events sort in the order they were made.
 */
let lastMs = 0;
let counter = 0;

export function newId(now = Date.now()): string {
  const bytes = randomFillSync(new Uint8Array(16));
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat.
      ms += 1;
      counter = 0;
    }
  } else {
    counter = bytes[7]! & 0x3f; // a random start, leaving room to count up
  }
  lastMs = ms;
  let time = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time & 0xff;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f); // version 7 and the counter's high bits
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
