import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

export type TextAnswer = { status: number; headers: IncomingHttpHeaders; text: string };

export type PostOptions = {
  /** The keep-alive pool to use; `false` for a connection of its own. Default: Node's global agent. */
  agent?: Agent | false;
  /** Aborts the request (a deadline). */
  signal?: AbortSignal;
  /** Fails a request whose socket stays silent this long. */
  timeoutMs?: number;
};

/**
 * POSTs `body` over Node's own HTTP client and reads the whole answer as
 * text: the router's subgraph fetches and the benchmark's clients need the
 * answer whole before they can do anything with it.
 */
export function postText(url: string | URL, headers: Record<string, string>, body: string, options: PostOptions = {}): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      agent: options.agent,
      signal: options.signal,
      timeout: options.timeoutMs,
    });
    if (options.timeoutMs !== undefined) sent.once('timeout', () => sent.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    sent.once('error', reject);
    sent.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', reject);
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    sent.end(body);
  });
}
