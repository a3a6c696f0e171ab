// A standalone emulated Hue bridge, to try Roomcast's Hue adapter without hardware:
//   node server/cli/run-ts.mjs test/peers/hue/run.ts [--port 8081] [--lights 20] [--overload drop|http-503]
// Press the link button with: curl -X POST http://127.0.0.1:8081/__emulator/linkbutton
import { parseArgs } from 'node:util';
import { HueBridgeEmulator } from './HueBridgeEmulator.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8081' },
    lights: { type: 'string', default: '20' },
    overload: { type: 'string', default: 'drop' },
  },
});
const overload = values.overload === 'http-503' ? 'http-503' : 'drop';
const bridge = new HueBridgeEmulator({ host: values.host, port: Number(values.port), lights: Number(values.lights), overload });
bridge.on('pairing', (a) => console.log(`pairing attempt from ${String(a.devicetype)}: ${a.outcome}`));
bridge.on('command', (c) => {
  if (c.outcome !== 'applied') console.log(`${c.kind} ${c.id}: ${c.outcome} ${JSON.stringify(c.body)} ${c.errors.map((e) => e.description).join('; ')}`);
});
await bridge.start();
console.log(`emulated Hue bridge on ${bridge.url} (${values.lights} lights). Link button: curl -X POST ${bridge.url}/__emulator/linkbutton`);
const stop = () => void bridge.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
