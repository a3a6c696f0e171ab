// A UDP sink in its own process for the lights benchmark: counts datagrams so the sender's CPU figure
// doesn't include the receiving side. Sends its port to the parent, then the count when asked.
import { createSocket } from 'node:dgram';

const socket = createSocket('udp4');
let packets = 0;
socket.on('message', () => packets++);
socket.bind(0, '127.0.0.1', () => process.send(socket.address().port));
process.on('message', (message) => {
  if (message === 'report') process.send(packets);
});
process.on('disconnect', () => process.exit(0));
