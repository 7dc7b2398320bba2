/**
 * Ports for the throwaway servers of the tests (sshd, Ceph): a port free on 127.0.0.1 now, so that test files
 * running in parallel each get their own, and whether something accepts connections there yet.
 */
import { connect, createServer } from 'node:net';

/** A TCP port nothing listens on at 127.0.0.1 (the server started on it next should bind it at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when a TCP connection to 127.0.0.1:port is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
