import type { IncomingMessage } from 'node:http';
import { clientAddressOf } from './client-address.ts';

const request = (forwardedFor: string | undefined, peer = '10.0.0.5') =>
  ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
  }) as unknown as IncomingMessage;

describe('the client address', () => {
  it('is the socket peer without trusted proxies, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf(request('1.2.3.4'), 0)).toBe('10.0.0.5');
  });

  it('is the entry the first trusted proxy saw, never one the client wrote further left', () => {
    expect(clientAddressOf(request('203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddressOf(request('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddressOf(request('6.6.6.6, 203.0.113.7, 10.0.0.9'), 2)).toBe('203.0.113.7');
  });

  it('falls back to the leftmost entry when the chain is shorter than the proxies configured', () => {
    expect(clientAddressOf(request(undefined), 1)).toBe('10.0.0.5');
  });
});
