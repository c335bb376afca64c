import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { pathOf } from './http-server.ts';

/**
 * A WebSocket server for upgrades to `path` on `http` (graphql-ws on
 * /graphql, at the router and at every subgraph); upgrades to any other path
 * are dropped. noServer: upgrades are routed here by hand, so the HTTP
 * server's own errors (a taken port) stay with `listen` instead of being
 * re-emitted on the socket server.
 */
export function webSocketsAt(http: Server, path: string): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (pathOf(req) !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  return wss;
}
