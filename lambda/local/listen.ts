// How the local HTTP fronts (the in-process runtime and the runtime-API front) listen: one place, so both are
// reached the same way by the same clients and tests, and both close the same way.
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LocalServer {
  url: string;
  port: number;
  /** The first server listening (127.0.0.1, or the one on the chosen host). */
  server: Server;
  /** Closes every server, cutting open (keep-alive) connections, so it never waits on idle clients. */
  close(): Promise<void>;
}

/**
 * A request Node's parser rejects (bad chunk sizes, both Content-Length and Transfer-Encoding, a negative
 * length, a NUL in a header, headers over 16 KB) is answered in OpenAI's error shape where the connection
 * still allows an answer, instead of Node's empty-bodied 400 or 431.
 */
export function answerMalformed(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const message = tooLarge ? 'The request headers are too large.' : `The request is not well-formed HTTP (${err.code ?? 'parse error'}).`;
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: tooLarge ? 'headers_too_large' : 'malformed_request' } });
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function createServer(serve: RequestListener): Server {
  const server = createHttpServer(serve);
  server.on('clientError', answerMalformed);
  return server;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * Loopback only, on both families: 127.0.0.1 and, where the host has IPv6, [::1] on the same port, so
 * clients (and tests of IPv6 allowlists) can connect either way. Nothing listens on other interfaces.
 */
async function listenLoopback(serve: RequestListener, port: number): Promise<Server[]> {
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(serve);
    await listen(v4, port, '127.0.0.1');
    const bound = (v4.address() as AddressInfo).port;
    const v6 = createServer(serve);
    try {
      await listen(v6, bound, '::1');
      return [v4, v6];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [v4];
      await closeServer(v4);
      // A random port free on 127.0.0.1 may be taken on ::1: pick another. A chosen port is the user's call.
      if (code !== 'EADDRINUSE' || port !== 0 || attempt >= 10) throw err;
    }
  }
}

/** Serves on `host` when one is given, else on loopback for both families; port 0 picks a free one. */
export async function listenLocal(serve: RequestListener, options: { port?: number; host?: string }): Promise<LocalServer> {
  let servers: Server[];
  if (options.host) {
    const only = createServer(serve);
    await listen(only, options.port ?? 0, options.host);
    servers = [only];
  } else {
    servers = await listenLoopback(serve, options.port ?? 0);
  }
  // Above Node's 5 s default, so a client reusing an idle connection rarely meets one the server just closed.
  for (const s of servers) s.keepAliveTimeout = 65_000;
  const server = servers[0] as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}
