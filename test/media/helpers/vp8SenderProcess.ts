// A publisher in its own process (so benchmarks measure the receiving side alone): stamped VP8 frames
// as RTP to 127.0.0.1:<port> until killed. Usage: node server/cli/run-ts.mjs vp8SenderProcess.ts <port> [width height fps]
import { Vp8Sender } from './rtpSenders.ts';

const [port, width = '640', height = '480', fps = '30'] = process.argv.slice(2);
if (!port) {
  process.stderr.write('usage: vp8SenderProcess.ts <port> [width height fps]\n');
  process.exit(2);
}
const sender = new Vp8Sender({ port: Number(port), width: Number(width), height: Number(height), fps: Number(fps), keyframeInterval: 60 });
await sender.start();
process.stdout.write('sending\n');
const stop = () => void sender.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
