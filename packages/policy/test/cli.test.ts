/**
 * The bgp-policy CLI, through its exported main(argv, io), plus the committed bin shim when
 * dist/ has been built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { main } from '../src/cli/bgp-policy.js';

const fx = (n: string) => fileURLToPath(new URL(`./fixtures/${n}`, import.meta.url));
const DATACENTER = [
  'cluster-rack01.yaml',
  'guide-cluster-config.yaml',
  'guide-peer-config.yaml',
  'guide-advertisement.yaml',
  'guide-lb-pools.yaml',
].flatMap((f) => ['-f', fx(f)]);

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readFile: (p) => readFileSync(p, 'utf8'),
  });
  return { code, stdout, stderr };
}

describe('bgp-policy render', () => {
  it('prints the documented JSON shape', () => {
    const { code, stdout } = run(['render', ...DATACENTER, '--node', 'worker-01']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual([
      'node',
      'source',
      'instances',
      'lbipam',
      'conditions',
      'errors',
      'warnings',
    ]);
    expect(out.node).toBe('worker-01');
    const inst = out.instances[0];
    expect(Object.keys(inst)).toEqual(
      expect.arrayContaining(['name', 'localASN', 'routerID', 'peers']),
    );
    const peer = inst.peers[0];
    expect(Object.keys(peer)).toEqual(
      expect.arrayContaining([
        'name',
        'peerAddress',
        'peerASN',
        'timers',
        'gracefulRestart',
        'families',
      ]),
    );
    expect(peer.families[0].routes.at(-1)).toEqual({
      prefix: '10.244.1.0/24',
      attributes: { origin: 'IGP', communities: [], largeCommunities: [] },
      sources: ['CiliumBGPAdvertisement/bgp-advertisements[0]'],
    });
    expect(out.lbipam.allocations[0]).toEqual({
      namespace: 'default',
      service: 'frontend',
      ips: ['10.100.0.0'],
      pools: ['production-pool'],
      sharingKey: null,
    });
    expect(Object.keys(out.conditions[0])).toEqual([
      'object',
      'type',
      'status',
      'reason',
      'message',
    ]);
  });

  it('prints YAML equal to the JSON', () => {
    const json = JSON.parse(run(['render', ...DATACENTER, '--node', 'worker-01']).stdout);
    expect(
      parse(run(['render', ...DATACENTER, '--node', 'worker-01', '-o', 'yaml']).stdout),
    ).toEqual(json);
  });

  it('prints tables with peers, routes, allocations and conditions', () => {
    const { stdout } = run(['render', ...DATACENTER, '--node=worker-01', '--output', 'table']);
    expect(stdout).toContain('Node: worker-01  Source: CiliumBGPClusterConfig/datacenter-bgp');
    expect(stdout).toMatch(
      /rack01-instance\s+65001\s+192\.168\.1\.11\s+-\s+tor-switch-1\s+65100\s+10\.0\.0\.1:179\s+ebgp\s+90\/30\/120\s+120s\s+ipv4\/unicast,ipv6\/unicast/,
    );
    expect(stdout).toMatch(
      /rack01-instance\/tor-switch-1\s+ipv4\/unicast\s+10\.244\.1\.0\/24\s+-\s+-\s+-\s+IGP/,
    );
    expect(stdout).toMatch(/default\s+frontend\s+10\.100\.0\.0\s+production-pool/);
    expect(stdout).toContain('Warnings:');
  });

  it('exits 1 and lists validation errors, still rendering the rest', () => {
    const { code, stdout } = run([
      'render',
      ...DATACENTER,
      '-f',
      fx('bad-peer-config.yaml'),
      '--node',
      'worker-01',
    ]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.errors.map((e: { message: string }) => e.message)).toEqual([
      'CiliumBGPPeerConfig/datacenter-peer-config: spec.timers.keepAliveTimeSeconds: must not exceed holdTimeSeconds (90)',
    ]);
    expect(out.instances[0].peers).toHaveLength(2);
  });

  it.each([
    [['render', '--node', 'x'], 'at least one -f FILE is required'],
    [['render', '-f', fx('guide-lb-pools.yaml')], 'render needs --node NAME'],
    [
      ['render', '-f', fx('guide-lb-pools.yaml'), '--node', 'x', '-o', 'xml'],
      '-o must be json, yaml or table',
    ],
    [['frobnicate', '-f', fx('guide-lb-pools.yaml')], 'unknown command frobnicate'],
    [['render', '-f', '/nonexistent.yaml', '--node', 'x'], 'cannot read /nonexistent.yaml'],
    [['migrate', '-f', fx('guide-metallb.yaml')], 'migrate needs --from peeringpolicy|metallb'],
    [[], 'missing command'],
  ])('usage error %j', (argv, msg) => {
    const { code, stderr } = run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(msg);
  });
});

describe('bgp-policy migrate', () => {
  it('prints v2 YAML for a PeeringPolicy and warnings on stderr', () => {
    const { code, stdout, stderr } = run([
      'migrate',
      '--from',
      'peeringpolicy',
      '-f',
      fx('guide-peering-policy.yaml'),
    ]);
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual([
      'CiliumBGPClusterConfig',
      'CiliumBGPPeerConfig',
      'CiliumBGPAdvertisement',
      'CiliumBGPPeerConfig',
      'CiliumBGPAdvertisement',
    ]);
    expect(stderr).toContain('warning: CiliumBGPPeeringPolicy/rack01-peering: spec.nodeSelector:');
  });

  it('prints Cilium YAML for MetalLB input', () => {
    const { stdout } = run(['migrate', '--from', 'metallb', '-f', fx('guide-metallb.yaml')]);
    expect(parseAllDocuments(stdout).map((d) => d.toJS().kind)).toEqual([
      'CiliumBGPClusterConfig',
      'CiliumLoadBalancerIPPool',
      'CiliumBGPPeerConfig',
    ]);
  });
});

const shim = fileURLToPath(new URL('../bin/bgp-policy.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli/bgp-policy.js', import.meta.url)));
describe.skipIf(!built)(
  'bin shim (needs `npm run build -w @bgp/policy`: dist/cli/bgp-policy.js missing)',
  () => {
    it('runs the built CLI', () => {
      const out = execFileSync(
        process.execPath,
        [shim, 'render', ...DATACENTER, '--node', 'worker-02'],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(out).instances[0].routerID).toBe('192.168.1.12');
    });
  },
);
