// `npm run bench`: every benchmark suite, one table. Figures go into BENCHMARKS.md by hand, with the
// machine line printed here.
import os from 'node:os';
import { benchEventBus } from './eventBus.bench.ts';
import { benchDmx } from './dmx.bench.ts';
import { benchHue } from './hue.bench.ts';
import { benchIngestMediasoup } from './ingestMediasoup.bench.ts';
import { benchMediaBridge } from './mediaBridge.bench.ts';
import { benchGesture } from './gesture.bench.ts';
import { benchPipelines } from './pipelines.bench.ts';
import { benchLights } from './lights.bench.ts';
import type { BenchRow } from './BenchRow.ts';

const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  'event-bus': benchEventBus,
  dmx: benchDmx,
  hue: benchHue,
  'ingest-mediasoup': benchIngestMediasoup,
  'media-bridge': benchMediaBridge,
  gesture: benchGesture,
  pipelines: benchPipelines,
  lights: benchLights,
};

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`Roomcast benchmarks — ${new Date().toISOString()}\nmachine: ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}\n\n`);
for (const [name, run] of Object.entries(SUITES)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`running ${name}...\n`);
  rows.push(...(await run()));
}

const header = ['suite', 'figure', 'value', 'aim', 'met'];
const table = [header, ...rows.map((r) => [r.suite, r.figure, r.value, r.aim ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO'])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.slice(1).map(line).join('\n')}\n`);
process.exit(0);
