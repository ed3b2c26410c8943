/**
 * A real daemon as a demo top-of-rack: gobgpd, started with a minimal configuration in a
 * temporary directory, on a loopback address, queried through the gobgp CLI's JSON.
 *
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A route as a demo ToR reports it. */
export interface TorRoute {
  /** Prefix. */
  readonly prefix: string;
  /** Next hop. */
  readonly nextHop: string | null;
  /** Attributes (bgp-decode names). */
  readonly attributes: {
    readonly asPath: readonly number[];
    readonly localPref?: number;
    readonly communities: readonly string[];
    readonly largeCommunities: readonly string[];
  };
}

/** A running demo ToR. */
export interface DemoTor {
  /** Routes it holds from the agent. */
  routes(): Promise<TorRoute[]>;
  /** Stops it. */
  stop(): Promise<void>;
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 5000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    );
  });
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r, j) => {
    s.once('error', j);
    s.listen(0, host, () => r());
  });
  const a = s.address();
  await new Promise((r) => s.close(r));
  return typeof a === 'object' && a ? a.port : 0;
}

/** Whether a program is on the PATH. */
export async function haveProgram(name: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts gobgpd as a passive ToR peering with the agent.
 *
 * @param t - address, port, AS and router ID of the ToR; `node`: the agent's address and AS
 * @param dir - a directory for its configuration
 */
export async function startGobgpTor(
  t: {
    readonly address: string;
    readonly port: number;
    readonly asn: number;
    readonly routerId: string;
    readonly node: { readonly address: string; readonly asn: number };
  },
  dir: string,
): Promise<DemoTor> {
  const apiPort = await freePort(t.address);
  const conf = join(dir, `gobgpd-${t.address}.toml`);
  writeFileSync(
    conf,
    [
      '[global.config]',
      `  as = ${t.asn}`,
      `  router-id = "${t.routerId}"`,
      `  port = ${t.port}`,
      `  local-address-list = ["${t.address}"]`,
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${t.node.address}"`,
      `    peer-as = ${t.node.asn}`,
      '  [neighbors.transport.config]',
      `    local-address = "${t.address}"`,
      '    passive-mode = true',
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv4-unicast"',
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(
    'gobgpd',
    ['-f', conf, '--api-hosts', `${t.address}:${apiPort}`, '--pprof-disable', '-p'],
    { stdio: 'ignore' },
  );
  const cli = (...args: string[]) =>
    run('gobgp', ['-u', t.address, '-p', String(apiPort), ...args]);
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      await cli('global', '-j');
      break;
    } catch (err) {
      if (Date.now() > end || proc.exitCode !== null) {
        proc.kill('SIGKILL');
        throw new Error(`gobgpd did not start: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    async routes() {
      type Attr = {
        type: number;
        value?: unknown;
        communities?: number[];
        nexthop?: string;
        as_paths?: { asns?: number[] }[];
      };
      const rib = JSON.parse(await cli('global', 'rib', '-a', 'ipv4', '-j')) as Record<
        string,
        { attrs?: Attr[] }[]
      >;
      const out: TorRoute[] = [];
      for (const [prefix, paths] of Object.entries(rib))
        for (const p of paths) {
          const a = p.attrs ?? [];
          const lp = a.find((x) => x.type === 5)?.value as number | undefined;
          // GoBGP marshals its LargeCommunity struct without JSON tags.
          const large = (a.find((x) => x.type === 32)?.value ?? []) as {
            ASN: number;
            LocalData1: number;
            LocalData2: number;
          }[];
          out.push({
            prefix,
            nextHop: a.find((x) => x.type === 3)?.nexthop ?? null,
            attributes: {
              asPath: (a.find((x) => x.type === 2)?.as_paths ?? []).flatMap((s) => s.asns ?? []),
              ...(lp !== undefined ? { localPref: lp } : {}),
              communities: (a.find((x) => x.type === 8)?.communities ?? []).map(
                (c) => `${c >>> 16}:${c & 0xffff}`,
              ),
              largeCommunities: large.map((l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`),
            },
          });
        }
      return out;
    },
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * Starts BIRD 2 as a passive ToR peering with the agent (needs root for its control socket).
 *
 * @param t - address, port, AS and router ID of the ToR; `node`: the agent's address and AS
 * @param dir - a directory for its configuration and socket
 */
export async function startBirdTor(
  t: {
    readonly address: string;
    readonly port: number;
    readonly asn: number;
    readonly routerId: string;
    readonly node: { readonly address: string; readonly asn: number };
  },
  dir: string,
): Promise<DemoTor> {
  const conf = join(dir, `bird-${t.address}.conf`);
  const sock = join(dir, `bird-${t.address}.ctl`);
  writeFileSync(
    conf,
    [
      `router id ${t.routerId};`,
      'protocol device {}',
      'protocol bgp node {',
      `  local ${t.address} port ${t.port} as ${t.asn};`,
      `  neighbor ${t.node.address} as ${t.node.asn};`,
      '  multihop;',
      '  passive on;',
      // Both demo ToRs listen on one port, each on its own address: bind to it, not to all.
      '  strict bind on;',
      '  ipv4 { import all; export none; };',
      '}',
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(
    'bird',
    ['-f', '-c', conf, '-s', sock, '-P', join(dir, `bird-${t.address}.pid`)],
    { stdio: 'ignore' },
  );
  const birdc = (...args: string[]) => run('birdc', ['-s', sock, ...args]);
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await birdc('show', 'status')).includes('Daemon is up')) break;
    } catch (err) {
      if (Date.now() > end || proc.exitCode !== null) {
        proc.kill('SIGKILL');
        throw new Error(`bird did not start: ${(err as Error).message}`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ebgp = t.asn !== t.node.asn;
  return {
    async routes() {
      const out: TorRoute[] = [];
      let cur:
        | {
            prefix: string;
            nextHop: string | null;
            asPath: number[];
            localPref?: number;
            communities: string[];
            largeCommunities: string[];
          }
        | undefined;
      const flush = () => {
        if (!cur) return;
        const { prefix, nextHop, ...attributes } = cur;
        out.push({ prefix, nextHop, attributes });
        cur = undefined;
      };
      for (const line of (await birdc('show', 'route', 'all', 'protocol', 'node')).split('\n')) {
        const head = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
        if (head?.[1]) {
          flush();
          cur = {
            prefix: head[1],
            nextHop: null,
            asPath: [],
            communities: [],
            largeCommunities: [],
          };
          continue;
        }
        const m = cur && /^\s*BGP\.(\w+):\s*(.*)$/.exec(line);
        if (!cur || !m) continue;
        const [, key, value = ''] = m;
        if (key === 'next_hop') cur.nextHop = value.split(/\s+/)[0] ?? null;
        else if (key === 'as_path') cur.asPath = value.match(/\d+/g)?.map(Number) ?? [];
        // BIRD shows its default LOCAL_PREF on eBGP routes too; only iBGP ones carried ours.
        else if (key === 'local_pref' && !ebgp) cur.localPref = Number(value);
        else if (key === 'community')
          cur.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map(
            (x) => `${x[1]}:${x[2]}`,
          );
        else if (key === 'large_community')
          cur.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map(
            (x) => `${x[1]}:${x[2]}:${x[3]}`,
          );
      }
      flush();
      return out;
    },
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}
