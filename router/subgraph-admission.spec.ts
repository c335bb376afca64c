import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bulkhead } from 'cockatiel';
import { eventually } from '../platform/testing/eventually.ts';
import { subgraphAdmission } from './subgraph-admission.ts';
import { subgraphHttp } from './subgraph-http.ts';

describe('the per-subgraph admission limit', () => {
  it('lets `limit` fetches through per subgraph, queues the rest in order of arrival, and hands each place on', async () => {
    const admission = subgraphAdmission(2);
    const granted: string[] = [];
    const take = (name: string, subgraph = 'catalogue') =>
      admission.acquire(subgraph, undefined).then((release) => {
        granted.push(name);
        return release;
      });
    const first = await take('a');
    const second = await take('b');
    const waiting = [take('c'), take('d'), take('e')];
    // Another subgraph has its own places.
    const stock = await take('s', 'stock');
    expect(granted).toEqual(['a', 'b', 's']);
    expect(admission.waiting).toBe(3);
    first();
    first(); // giving a place back twice frees it once
    const third = await waiting[0]!;
    expect(granted).toEqual(['a', 'b', 's', 'c']);
    expect(admission.waiting).toBe(2);
    second();
    third();
    await Promise.all(waiting.slice(1));
    expect(granted).toEqual(['a', 'b', 's', 'c', 'd', 'e']);
    expect(admission.waiting).toBe(0);
    stock();
  });

  it('takes a waiting fetch whose caller gave up out of the queue, without ever granting it a place', async () => {
    const admission = subgraphAdmission(1);
    const held = await admission.acquire('catalogue', undefined);
    const caller = new AbortController();
    const abandoned = admission.acquire('catalogue', caller.signal);
    const next = admission.acquire('catalogue', undefined);
    caller.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(abandoned).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(admission.waiting).toBe(1);
    held();
    const release = await next;
    expect(admission.waiting).toBe(0);
    release();
    // Refused at once when the caller has already given up.
    await expect(admission.acquire('catalogue', AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  // Why this queue is ours and not cockatiel's bulkhead: measured here, so a cockatiel release that fixes it shows up.
  it('answers an abandoned waiter at once, where cockatiel 4 bulkhead keeps it pending and queued until a place frees', async () => {
    const cockatielBulkhead = bulkhead(1, 100);
    let freePlace: () => void = () => {};
    const holder = cockatielBulkhead.execute(() => new Promise<void>((resolve) => (freePlace = resolve)));
    const caller = new AbortController();
    let outcome = 'pending';
    const waiter = cockatielBulkhead
      .execute(() => 'sent', caller.signal)
      .then(
        () => (outcome = 'sent'),
        () => (outcome = 'rejected'),
      );
    caller.abort(new DOMException('deadline', 'TimeoutError'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outcome).toBe('pending');
    expect(cockatielBulkhead.queueSlots).toBe(99); // still counted as waiting
    freePlace();
    await Promise.all([holder, waiter]);
    expect(outcome).toBe('rejected'); // only once the place freed

    const admission = subgraphAdmission(1);
    const held = await admission.acquire('catalogue', undefined);
    const ours = new AbortController();
    const abandoned = admission.acquire('catalogue', ours.signal);
    ours.abort(new DOMException('deadline', 'TimeoutError'));
    await expect(abandoned).rejects.toMatchObject({ name: 'TimeoutError' }); // while the place is still held
    expect(admission.waiting).toBe(0);
    held();
  });

  it('never has more than the limit of fetches at the subgraph, and answers them all', async () => {
    const open: ServerResponse[] = [];
    let most = 0;
    const server = createServer((req, res) => {
      req.resume();
      open.push(res);
      most = Math.max(most, open.length);
      // Answered a little later, so the fetches overlap.
      setTimeout(() => {
        open.splice(open.indexOf(res), 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const http = subgraphHttp({ maxInFlightPerSubgraph: 3 });
    try {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => http.post(url, {}, `{"query":"{ n${i} }"}`, undefined)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(most).toBe(3);
      await eventually(() => http.queued === 0, 'nothing is left waiting');
    } finally {
      await http.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
