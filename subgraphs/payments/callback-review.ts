import type { Database } from '../../platform/db/database.ts';
import { BoundedMap } from '../../platform/runtime/bounded-map.ts';
import { CLIENT_ADDRESS_HEADER } from '../../platform/runtime/request-scope.ts';
import { newId } from '../../platform/values/ids.ts';
import type { CallbackDeps, CallbackProvider } from './callbacks.ts';
import { CallbackReviewEntity } from './entities/review.entity.ts';

/**
 * Refused callbacks are kept for a person to review, but anyone on the
 * internet can send one, so what is kept is bounded three ways:
 * - each row: the reason, a short list of headers a review needs and the first
 *   4 KB of the body, each cut to a byte budget (MAX_REVIEW_ROW_BYTES in all);
 * - per source (the address the router saw): CALLBACK_REFUSALS_PER_MINUTE
 *   refusals a minute are kept, the rest only answered and counted;
 * - in all: at most CALLBACK_REVIEW_MAX_ROWS rows and, since every row is at
 *   most MAX_REVIEW_ROW_BYTES, at most CALLBACK_REVIEW_MAX_BYTES; the oldest
 *   are deleted first when a new one would pass either.
 */
// The reason column is a varchar(255) on MySQL; 255 bytes are at most 255 characters.
const REASON_BYTES = 255;
const HEADERS_BYTES = 2048;
const BODY_BYTES = 4096;
export const MAX_REVIEW_ROW_BYTES = REASON_BYTES + HEADERS_BYTES + BODY_BYTES;

/** What a review needs to judge a callback: who sent it and how it was signed, nothing else a sender chose. */
const REVIEW_HEADERS = [
  'content-type',
  'content-length',
  'user-agent',
  'x-forwarded-for',
  'wechatpay-serial',
  'wechatpay-signature',
  'wechatpay-signature-type',
  'wechatpay-timestamp',
  'wechatpay-nonce',
];
const HEADER_VALUE_BYTES = 180;

/** Sources remembered at once for the per-source limit; past that the memory starts over rather than growing. */
const MAX_TRACKED_SOURCES = 10_000;

type ReviewState = {
  windows: BoundedMap<string, { startedAt: number; kept: number }>;
  dropped: { rateLimited: number; overBudget: number };
};
const states = new WeakMap<Database, ReviewState>();
const stateOf = (db: Database): ReviewState => {
  let state = states.get(db);
  if (!state) {
    state = { windows: new BoundedMap(MAX_TRACKED_SOURCES), dropped: { rateLimited: 0, overBudget: 0 } };
    states.set(db, state);
  }
  return state;
};

/** Refused callbacks not kept (rate limited per source) and kept ones deleted to stay in budget, since start. */
export function droppedReviews(db: Database): { rateLimited: number; overBudget: number } {
  return { ...stateOf(db).dropped };
}

/**
 * The sender: the client address the router vouches for (its trusted
 * proxies considered), else the last x-forwarded-for entry (the peer the
 * router saw, or this server's own peer when reached directly).
 */
export function sourceOf(headers: Record<string, string | undefined>): string {
  const forwarded = headers[CLIENT_ADDRESS_HEADER] ?? headers['x-forwarded-for']?.split(',').at(-1)?.trim();
  return forwarded ? forwarded.slice(0, 64) : 'direct';
}

export function cutToBytes(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  // Cutting inside a character leaves a replacement character; drop it so the result stays within the budget.
  return encoded
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

export async function keepForReview(
  deps: CallbackDeps,
  provider: CallbackProvider,
  reason: string,
  headers: Record<string, string | undefined>,
  body: string,
  options: { signed: boolean; now?: number },
): Promise<void> {
  const now = options.now ?? Date.now();
  const state = stateOf(deps.db);
  if (options.signed) {
    // Only the provider can sign, so these cannot be used to fill the table, and each may be money to refund by hand.
    await store(deps, provider, reason, headers, body, now, true);
    return;
  }
  const source = sourceOf(headers);
  const window = state.windows.get(source);
  const current = window && now - window.startedAt < 60_000 ? window : { startedAt: now, kept: 0 };
  if (current.kept >= deps.config.callbackReview.refusalsPerMinutePerSource) {
    state.dropped.rateLimited += 1;
    deps.log.warn(`${provider} callback refused and not kept: ${source} passed its refusals a minute`);
    return;
  }
  state.windows.set(source, { startedAt: current.startedAt, kept: current.kept + 1 });
  const rows = Math.min(deps.config.callbackReview.maxRows, Math.floor(deps.config.callbackReview.maxBytes / MAX_REVIEW_ROW_BYTES));
  state.dropped.overBudget += await store(deps, provider, reason, headers, body, now, false, rows);
}

/** Stores one review; for unsigned ones, deletes the oldest unsigned ones past `keepRows` and returns how many. */
async function store(
  deps: CallbackDeps,
  provider: CallbackProvider,
  reason: string,
  headers: Record<string, string | undefined>,
  body: string,
  now: number,
  signed: boolean,
  keepRows = 0,
): Promise<number> {
  deps.log.warn(`${provider} callback kept for review: ${cutToBytes(reason, 200)}`);
  const kept = Object.fromEntries(
    REVIEW_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, cutToBytes(headers[name]!, HEADER_VALUE_BYTES)]),
  );
  return deps.db.transaction(deps.db.fork(), async (tx) => {
    tx.create(CallbackReviewEntity, {
      id: newId(),
      provider,
      reason: cutToBytes(reason, REASON_BYTES),
      headers: cutToBytes(JSON.stringify(kept), HEADERS_BYTES),
      body: cutToBytes(body, BODY_BYTES),
      receivedAt: new Date(now),
      signed,
    });
    await tx.flush();
    if (signed) return 0;
    // Ids are time-ordered (UUIDv7), so the newest `keepRows` by id are the ones to keep. One row is added at a
    // time, so deleting up to 1,000 per write also brings a lowered budget back within a few writes.
    const beyond = await tx.find(
      CallbackReviewEntity,
      { signed: false },
      { orderBy: { id: 'desc' }, offset: keepRows, limit: 1000, fields: ['id'] },
    );
    if (beyond.length > 0) await tx.nativeDelete(CallbackReviewEntity, { id: { $in: beyond.map((review) => review.id) } });
    return beyond.length;
  });
}
