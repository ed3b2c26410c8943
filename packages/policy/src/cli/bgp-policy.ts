#!/usr/bin/env node
/**
 * bgp-policy: renders what Cilium's BGP control plane would do on a node, and migrates legacy
 * PeeringPolicies and MetalLB configuration to Cilium's v2 resources.
 *
 * ```
 * bgp-policy render -f FILE.yaml [-f ...] --node NAME [-o json|yaml|table]
 * bgp-policy migrate --from peeringpolicy|metallb -f FILE.yaml [-f ...]
 * ```
 *
 * Exit status: 0 on success, 1 when an input object failed validation (the output still
 * covers every other object), 2 on usage or file errors.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { loadCluster, type YamlSource } from '../cluster.js';
import { formatWarning } from '../diagnostics.js';
import { migrateMetalLB } from '../migrate/metallb.js';
import { migratePeeringPolicies } from '../migrate/peering-policy.js';
import { renderNode } from '../render.js';
import { formatTable } from './format-table.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Reads a file (`-` is standard input). */
  readonly readFile: (path: string) => string;
}

const USAGE = `usage:
  bgp-policy render -f FILE.yaml [-f FILE.yaml ...] --node NAME [-o json|yaml|table]
                    [--secrets-namespace NS] [--legacy-origin]
  bgp-policy migrate --from peeringpolicy|metallb -f FILE.yaml [-f FILE.yaml ...]
`;

interface Args {
  readonly command: string | undefined;
  readonly files: string[];
  readonly flags: Map<string, string>;
  readonly switches: Set<string>;
  readonly bad: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const files: string[] = [];
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  let command: string | undefined;
  let bad: string | undefined;
  const valued = new Set(['--node', '-o', '--output', '--from', '--secrets-namespace']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === '-f' || name === '--filename') {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) bad = `${name} needs a value`;
      else files.push(v);
    } else if (valued.has(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) bad = `${name} needs a value`;
      else flags.set(name === '--output' ? '-o' : name, v);
    } else if (name === '--legacy-origin' || name === '-h' || name === '--help') switches.add(name);
    else if (!a.startsWith('-') && command === undefined) command = a;
    else bad = `unknown argument ${a}`;
  }
  return { command, files, flags, switches, bad };
}

/** Runs the CLI; returns the exit status. */
export function main(argv: readonly string[], io: CliIo): number {
  const args = parseArgs(argv);
  if (args.switches.has('-h') || args.switches.has('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.bad !== undefined || args.command === undefined) {
    io.stderr(`bgp-policy: ${args.bad ?? 'missing command'}\n${USAGE}`);
    return 2;
  }
  if (args.files.length === 0) {
    io.stderr(`bgp-policy: at least one -f FILE is required\n${USAGE}`);
    return 2;
  }
  const sources: YamlSource[] = [];
  for (const f of args.files) {
    try {
      sources.push({ name: f, text: io.readFile(f) });
    } catch (e) {
      io.stderr(`bgp-policy: cannot read ${f}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const cluster = loadCluster(sources);
  if (args.command === 'render') {
    const node = args.flags.get('--node');
    const format = args.flags.get('-o') ?? 'json';
    if (node === undefined) {
      io.stderr(`bgp-policy: render needs --node NAME\n${USAGE}`);
      return 2;
    }
    if (format !== 'json' && format !== 'yaml' && format !== 'table') {
      io.stderr(`bgp-policy: -o must be json, yaml or table\n`);
      return 2;
    }
    const ns = args.flags.get('--secrets-namespace');
    const r = renderNode(cluster, node, {
      legacyOriginAttribute: args.switches.has('--legacy-origin'),
      ...(ns !== undefined ? { secretsNamespace: ns } : {}),
    });
    if (format === 'json') io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    else if (format === 'yaml') io.stdout(stringify(r));
    else io.stdout(formatTable(r));
    return r.errors.length > 0 ? 1 : 0;
  }
  if (args.command === 'migrate') {
    const from = args.flags.get('--from');
    if (from !== 'peeringpolicy' && from !== 'metallb') {
      io.stderr(`bgp-policy: migrate needs --from peeringpolicy|metallb\n${USAGE}`);
      return 2;
    }
    const result = from === 'metallb' ? migrateMetalLB(cluster) : migratePeeringPolicies(cluster);
    io.stdout(result.objects.map((o) => stringify(o)).join('---\n'));
    for (const w of result.warnings) io.stderr(`warning: ${formatWarning(w)}\n`);
    for (const e of cluster.errors) io.stderr(`error: ${e.message}\n`);
    return cluster.errors.length > 0 ? 1 : 0;
  }
  io.stderr(`bgp-policy: unknown command ${args.command}\n${USAGE}`);
  return 2;
}

// Run only when executed as a program, not when imported by tests.
const invoked =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const viaShim =
  process.argv[1]?.endsWith('bgp-policy.js') || process.argv[1]?.endsWith('bgp-policy');
if (invoked || viaShim) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFileSync(p === '-' ? 0 : p, 'utf8'),
  });
}
