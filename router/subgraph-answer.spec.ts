import { bodyOf, cacheHintOf, errorFromAnswer, PlainHeaders, responseOf } from './subgraph-answer.ts';
import { failureIdentity, type SubgraphAnswer } from './subgraph-http.ts';

const answer = (status: number, text: string, contentType = 'application/json; charset=utf-8'): SubgraphAnswer => ({
  status,
  contentType,
  cacheControl: undefined,
  text,
});

describe('a subgraph answer as the gateway reads it', () => {
  it('derives the Cache-Control hint as the gateway does', () => {
    expect(cacheHintOf(undefined)).toEqual({ maxAge: 0 });
    expect(cacheHintOf('max-age=30, private')).toEqual({ maxAge: 30, scope: 'PRIVATE' });
    expect(cacheHintOf('public, max-age="60"')).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    // Bare `public` wins over `private`; a max-age that is not a whole number counts as 0; names are case-sensitive there too.
    expect(cacheHintOf('private, public, max-age=1.5')).toEqual({ maxAge: 0, scope: 'PUBLIC' });
    expect(cacheHintOf('Max-Age=9, private=yes')).toEqual({ maxAge: 0 });
  });

  it('reads a JSON body as the response object, and refuses what is not one', () => {
    expect(bodyOf(answer(200, '{"data":{"a":1}}'))).toEqual({ data: { a: 1 } });
    expect(() => bodyOf(answer(200, '{"data":'))).toThrow(SyntaxError);
    expect(() => bodyOf(answer(200, '42'))).toThrow('Expected JSON response body, but received: 42');
    expect(() => bodyOf(answer(200, 'hello', 'text/plain'))).toThrow('Expected JSON response body, but received: hello');
  });

  it('makes a non-2xx answer the error the gateway would, one failure however many callers share it', () => {
    const refused = answer(403, '{"errors":[{"message":"no"}]}');
    const first = errorFromAnswer('http://stock/graphql', refused);
    const second = errorFromAnswer('http://stock/graphql', refused);
    expect(first.message).toBe('403: Forbidden');
    expect(first.extensions).toEqual({
      code: 'FORBIDDEN',
      response: { url: 'http://stock/graphql', status: 403, statusText: 'Forbidden', body: { errors: [{ message: 'no' }] } },
    });
    expect(failureIdentity(first)).toBe(failureIdentity(second));
    expect(errorFromAnswer('u', answer(503, 'busy')).extensions).toMatchObject({ response: { status: 503, body: 'busy' } });
  });

  it('keeps headers case-insensitively, and shows the answer’s headers to the hooks', async () => {
    const headers = new PlainHeaders([['X-Request-Id', 'r1']]);
    headers.append('accept', 'a');
    headers.append('Accept', 'b');
    headers.set('Content-Type', 'application/json');
    headers.delete('X-REQUEST-ID');
    expect(headers.toObject()).toEqual({ accept: 'a, b', 'content-type': 'application/json' });
    expect(headers.has('ACCEPT')).toBe(true);
    const response = responseOf('http://orders/graphql', {
      ...answer(200, '{"data":null}'),
      cacheControl: 'no-store',
      replicationPosition: 'p1',
    });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Commerce-Replication-Position')).toBe('p1');
    expect(response.ok).toBe(true);
    expect(await response.json()).toEqual({ data: null });
  });
});
