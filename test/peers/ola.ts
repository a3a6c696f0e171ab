import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';

const run = promisify(execFile);

/**
 * A real OLA daemon (olad 0.10) receiving Art-Net and sACN on loopback, for one test: tests assert what it
 * received, slot by slot. olad refuses root, so it runs as the `olad` user with a throwaway config dir in
 * which every plugin is off except Art-Net (loopback node on 127.0.0.1:6454) and E1.31 (on 127.0.0.2, a
 * bridge device `olabr0` created in the test's network namespace: OLA's E1.31 plugin won't use `lo`).
 *
 * Art-Net (6454), sACN (5568) and OLA's RPC port (9010, the one `ola_patch`/`ola_recorder` know) are
 * fixed, so one olad runs per network namespace at a time: `startOla` waits for a per-namespace lock.
 * Only inside the isolated test namespace (test/runIsolated.mjs): OLA would otherwise talk to real LANs.
 */
export interface OlaPeer {
  /** OLA's web server, e.g. `http://127.0.0.1:41234`. */
  readonly httpUrl: string;
  /** Where Art-Net must go: Roomcast's `artnet: { host, port }`. */
  readonly artnet: { host: string; port: number };
  /** Where sACN must go (unicast): Roomcast's `sacn: { ip, port }`. */
  readonly sacn: { ip: string; port: number };
  /** The 512 slot values OLA holds for an Art-Net Port-Address (`[0]` is slot 1; `[]` before any data). */
  readArtnet(portAddress: number): Promise<number[]>;
  /** The same for an sACN universe. */
  readSacn(universe: number): Promise<number[]>;
  /** Poll until the universe's slots satisfy `accept`; returns them. */
  waitForArtnet(portAddress: number, accept: (slots: number[]) => boolean, what: string, timeoutMs?: number): Promise<number[]>;
  waitForSacn(universe: number, accept: (slots: number[]) => boolean, what: string, timeoutMs?: number): Promise<number[]>;
  /** Record every frame OLA receives on one universe (ola_recorder) until `stop()`. */
  record(protocol: 'artnet' | 'sacn', address: number): Promise<OlaRecording>;
  /** OLA's universe id behind an Art-Net Port-Address or sACN universe (for ola_* tools). */
  olaUniverse(protocol: 'artnet' | 'sacn', address: number): number;
  /** The last lines olad printed (for failure messages). */
  output(): string;
  /** Stop olad, delete its config dir and the bridge, release the lock. Safe to call twice. */
  stop(): Promise<void>;
}

export interface OlaRecording {
  /** Stop recording; every frame received, in order, with its time since the first one. */
  stop(): Promise<RecordedDmxFrame[]>;
}

export interface RecordedDmxFrame {
  /** ms since the first recorded frame (ola_recorder's resolution: 1 ms). */
  atMs: number;
  /** `[0]` is slot 1. */
  slots: number[];
}

export interface StartOlaOptions {
  /** Art-Net Port-Addresses to receive: up to 4 (OLA's node has 4 ports), all in one net:subnet. */
  artnet?: readonly number[];
  /** sACN universes to receive (1..63999), up to 16. */
  sacn?: readonly number[];
}

const OLA_RPC_PORT = 9010;
const ARTNET_IP = '127.0.0.1';
const E131_IP = '127.0.0.2';
const BRIDGE = 'olabr0';
/** OLA universes for Art-Net ports live above sACN's range; OLA's node takes the low 4 bits as the Art-Net universe. */
const ARTNET_OLA_BASE = 100_000;

/** Every plugin olad 0.10.9 writes a config for; all but Art-Net and E1.31 stay off (no USB/serial scans). */
const OTHER_PLUGINS = [
  'dummy', 'espnet', 'ftdidmx', 'gpio', 'karate', 'kinet', 'milinst', 'opendmx', 'openpixelcontrol', 'osc',
  'pathport', 'renard', 'sandnet', 'shownet', 'spi', 'stageprofi', 'uartdmx', 'usbdmx', 'usbserial', 'dmx4linux',
];

function confLines(values: Record<string, string | number | boolean>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join('');
}

export async function startOla(options: StartOlaOptions = {}): Promise<OlaPeer> {
  const artnet = [...(options.artnet ?? [])];
  const sacn = [...(options.sacn ?? [])];
  if (process.env.ROOMCAST_TEST_NETNS !== '1') {
    throw new Error('startOla runs only inside the isolated test namespace: run tests with node test/runIsolated.mjs ...');
  }
  if (artnet.length > 4) throw new Error(`OLA's Art-Net node has 4 ports, asked for ${artnet.length}`);
  if (sacn.length > 16) throw new Error(`at most 16 sACN universes, asked for ${sacn.length}`);
  const netSubnet = new Set(artnet.map((pa) => pa >> 4));
  if (netSubnet.size > 1) throw new Error(`Art-Net Port-Addresses must share one net:subnet for OLA's node, got ${artnet.join(', ')}`);
  if (new Set(artnet).size !== artnet.length || new Set(sacn).size !== sacn.length) throw new Error('duplicate universes');
  const netSubnetValue = artnet.length ? artnet[0]! >> 4 : 0;

  const lock = await acquireNamespaceLock();
  let olad: ChildProcess | undefined;
  let confDir: string | undefined;
  let log = '';
  let stopped = false;
  const recorders = new Set<ChildProcess>();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const recorder of recorders) recorder.kill('SIGKILL');
    if (olad && olad.exitCode === null && olad.signalCode === null) {
      const exited = new Promise((resolve) => olad!.once('exit', resolve));
      olad.kill('SIGTERM');
      const timer = setTimeout(() => olad!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await run('ip', ['link', 'del', BRIDGE]).catch(() => undefined);
    if (confDir) rmSync(confDir, { recursive: true, force: true });
    lock.release();
  };

  try {
    await run('ip', ['link', 'del', BRIDGE]).catch(() => undefined); // left over by a killed test
    await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${E131_IP}/32`, 'dev', BRIDGE]);
    await run('ip', ['link', 'set', BRIDGE, 'up']);

    confDir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-ola-'));
    const files: Record<string, string> = {
      'ola-artnet.conf': confLines({
        enabled: artnet.length > 0,
        use_loopback: true,
        ip: ARTNET_IP,
        net: netSubnetValue >> 4,
        subnet: netSubnetValue & 0xf,
        output_ports: 0,
        always_broadcast: false,
        use_limited_broadcast: false,
        short_name: 'roomcast-test',
        long_name: 'Roomcast test receiver',
      }),
      'ola-e131.conf': confLines({
        enabled: sacn.length > 0,
        ip: E131_IP,
        input_ports: Math.max(1, sacn.length),
        output_ports: 0,
        cid: '9a6f2bfc-6a3e-4d5c-8b3e-0e7d2a1c5f10',
        draft_discovery: false,
        dscp: 0,
        ignore_preview: true,
        prepend_hostname: false,
        revision: 0.46,
      }),
      'ola-server.conf': confLines({ 'instance-name': 'Roomcast test OLA' }),
    };
    for (const plugin of OTHER_PLUGINS) files[`ola-${plugin}.conf`] = confLines({ enabled: false });
    const { uid, gid } = await olaUser();
    chownSync(confDir, uid, gid);
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(path.join(confDir, name), text);
      chownSync(path.join(confDir, name), uid, gid);
    }

    const httpPort = await freePort();
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    olad = spawn(
      'setpriv',
      ['--reuid=olad', '--regid=nogroup', '--clear-groups', '--pdeathsig', 'KILL', 'olad', '-c', confDir, '--no-register-with-dns-sd', '-p', String(httpPort), '-r', String(OLA_RPC_PORT), '-l', '3'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const append = (d: Buffer) => void (log = (log + d.toString()).slice(-20_000));
    olad.stdout!.on('data', append);
    olad.stderr!.on('data', append);
    const proc = olad;
    await waitFor(
      `olad to serve ${httpUrl}`,
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`olad exited (${proc.exitCode ?? proc.signalCode}):\n${log.slice(-2000)}`);
        return (await fetch(`${httpUrl}/json/server_stats`).catch(() => undefined))?.ok;
      },
      15_000,
      50,
    );

    const devices = await waitFor(
      'OLA devices for Art-Net and E1.31',
      async () => {
        const { stdout } = await run('ola_dev_info');
        const found = parseDevices(stdout);
        return (!artnet.length || found.artnet !== undefined) && (!sacn.length || found.e131 !== undefined) ? found : undefined;
      },
      10_000,
      100,
    );
    const olaUniverse = (protocol: 'artnet' | 'sacn', address: number) => (protocol === 'artnet' ? ARTNET_OLA_BASE + (address & 0xf) : address);
    for (const [port, pa] of artnet.entries()) {
      await run('ola_patch', ['-d', String(devices.artnet), '-p', String(port), '-i', '-u', String(olaUniverse('artnet', pa))]);
    }
    for (const [port, universe] of sacn.entries()) {
      await run('ola_patch', ['-d', String(devices.e131), '-p', String(port), '-i', '-u', String(olaUniverse('sacn', universe))]);
    }

    const read = async (olaId: number): Promise<number[]> => {
      const res = await fetch(`${httpUrl}/get_dmx?u=${olaId}`);
      if (!res.ok) throw new Error(`OLA /get_dmx?u=${olaId}: HTTP ${res.status}`);
      const body = (await res.json()) as { dmx: number[]; error?: string };
      if (body.error) throw new Error(`OLA /get_dmx?u=${olaId}: ${body.error}`);
      return body.dmx;
    };
    const requireKnown = (protocol: 'artnet' | 'sacn', address: number) => {
      const list = protocol === 'artnet' ? artnet : sacn;
      if (!list.includes(address)) throw new Error(`OLA was not started to receive ${protocol} ${address} (it receives ${list.join(', ') || 'none'})`);
      return olaUniverse(protocol, address);
    };
    const waitForUniverse = (protocol: 'artnet' | 'sacn') => (address: number, accept: (slots: number[]) => boolean, what: string, timeoutMs = 5000) => {
      const id = requireKnown(protocol, address);
      let last: number[] = [];
      return waitFor(
        `${what} (OLA ${protocol} ${address})`,
        async () => {
          last = await read(id);
          return accept(last) ? last : undefined;
        },
        timeoutMs,
        20,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last slots 1..16: ${last.slice(0, 16).join(',')}`);
      });
    };

    return {
      httpUrl,
      artnet: { host: ARTNET_IP, port: 6454 },
      sacn: { ip: '127.0.0.1', port: 5568 },
      readArtnet: (pa) => read(requireKnown('artnet', pa)),
      readSacn: (u) => read(requireKnown('sacn', u)),
      waitForArtnet: waitForUniverse('artnet'),
      waitForSacn: waitForUniverse('sacn'),
      olaUniverse: requireKnown,
      async record(protocol, address) {
        const id = requireKnown(protocol, address);
        const file = path.join(confDir!, `record-${protocol}-${address}-${Date.now()}.show`);
        const recorder = spawn('ola_recorder', ['--record', file, '--universes', String(id)], { stdio: ['ignore', 'pipe', 'pipe'] });
        recorders.add(recorder);
        let said = '';
        recorder.stdout!.on('data', (d: Buffer) => (said += d.toString()));
        recorder.stderr!.on('data', (d: Buffer) => (said += d.toString()));
        await waitFor('ola_recorder to start', () => {
          if (recorder.exitCode !== null) throw new Error(`ola_recorder exited: ${said}`);
          return said.includes('Recording');
        });
        return {
          async stop() {
            const exited = new Promise((resolve) => recorder.once('exit', resolve));
            recorder.kill('SIGINT');
            await exited;
            recorders.delete(recorder);
            return parseShowFile(readFileSync(file, 'utf8'), id);
          },
        };
      },
      output: () => log,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}${log ? `\n--- olad ---\n${log.slice(-3000)}` : ''}`, { cause: err });
  }
}

/** `Device 1: ArtNet [127.0.0.1]` lines from ola_dev_info. */
function parseDevices(text: string): { artnet?: number; e131?: number } {
  const found: { artnet?: number; e131?: number } = {};
  for (const match of text.matchAll(/^Device (\d+): (.+)$/gm)) {
    if (match[2]!.startsWith('ArtNet')) found.artnet = Number(match[1]);
    if (match[2]!.startsWith('E1.31')) found.e131 = Number(match[1]);
  }
  return found;
}

/** ola_recorder's show file: `OLA Show`, then `<universe> <v1,v2,...>` lines each followed by a delay line (ms to the next frame). */
export function parseShowFile(text: string, universe: number): RecordedDmxFrame[] {
  const lines = text.split('\n');
  if (lines[0] !== 'OLA Show') throw new Error(`not an OLA show file: ${lines[0]}`);
  const frames: RecordedDmxFrame[] = [];
  let at = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const frame = /^(\d+) ([\d,]*)$/.exec(line);
    if (frame) {
      if (Number(frame[1]) === universe) frames.push({ atMs: at, slots: frame[2] ? frame[2].split(',').map(Number) : [] });
    } else if (/^\d+$/.test(line)) at += Number(line);
  }
  return frames;
}

async function olaUser(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'olad'])).stdout.trim());
  const gid = Number((await run('getent', ['group', 'nogroup'])).stdout.split(':')[2]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no olad user: install the ola package (apt-get install ola)');
  return { uid, gid };
}

/**
 * One olad per network namespace at a time (its ports are fixed). `flock` holds the lock while its child
 * reads stdin; closing stdin (or this process dying) releases it.
 */
async function acquireNamespaceLock(timeoutMs = 120_000): Promise<{ release(): void }> {
  const namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))?.[1] ?? 'default';
  const dir = path.join(os.tmpdir(), 'roomcast-ola-locks'); // one small file per test namespace ever used
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `netns-${namespace}.lock`);
  const holder = spawn('flock', ['-x', '-w', String(timeoutMs / 1000), file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let said = '';
    holder.stdout!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('locked')) resolve();
    });
    holder.once('exit', (code) => reject(new Error(`could not lock ${file} within ${timeoutMs} ms (flock exit ${code}): another test's olad holds it`)));
    holder.once('error', reject);
  });
  return { release: () => void holder.stdin!.end() };
}
