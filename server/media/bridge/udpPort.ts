import { createSocket } from 'node:dgram';

/**
 * A UDP port on `address` (default 127.0.0.1) that nothing holds right now (the kernel picks it). A
 * child binds it a moment later; if someone else took it meanwhile, the child's bind fails loudly (a
 * decoder then moves to a new port, see ProducerDecoder).
 */
export function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
