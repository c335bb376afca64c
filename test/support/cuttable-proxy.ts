import { connect, createServer, type Socket } from 'node:net';

export type CuttableProxy = {
  /** The proxy's origin (http://127.0.0.1:port): a browser that loads pages from it reaches the target through it. */
  origin: string;
  /** Drops every open connection at once, as a broken network would, and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of a local port whose connections a test can cut:
 * the web client's WebSocket drops with no close frame (1006), and its
 * reconnects fail until the link is restored. Nothing else of the system is
 * touched, so what the client shows afterwards is what it recovered itself.
 */
export async function startCuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  let broken = false;
  const server = createServer((client) => {
    if (broken) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // A reset on either side ends both; the error itself is the cut the test made.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    cut() {
      broken = true;
      for (const socket of [...open]) socket.destroy();
    },
    restore() {
      broken = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of [...open]) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
