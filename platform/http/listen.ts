import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class PortInUseError extends Error {
  constructor(service: string, host: string, port: number, variable: string) {
    super(
      `${service} cannot listen on ${host}:${port}: the port is already in use. Stop the other process or set ${variable} to a free port.`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Listens and resolves with the port actually bound (port 0 picks a free one,
 * which every test uses). A taken port becomes a `PortInUseError` that names
 * the variable to change, instead of an EADDRINUSE stack trace.
 */
export function listen(server: Server, options: { service: string; host: string; port: number; portVariable: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(options.service, options.host, options.port, options.portVariable));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
}

/**
 * Graceful close: the port stops accepting at once, requests in flight run to
 * their end (idle keep-alive sockets are closed as they become idle), and
 * whatever is still open after `graceMs` is cut. Default grace: none, as before
 * (callers that drain pass `config.shutdownGraceMs`).
 */
export function closeServer(server: Server, graceMs = 0): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
