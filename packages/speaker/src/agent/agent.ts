/**
 * The agent: Cilium YAML in, BGP sessions out.
 *
 * It reads the files, renders the node with `@bgp/policy`, and applies the plan to a
 * {@link Speaker} as a difference against what runs: new instances and peers are added, removed
 * ones end with Cease, a peer whose session settings changed (timers, port, graceful restart)
 * is reset alone, and advertisement changes only swap export hooks and originated prefixes, so
 * that peers receive exactly the announcements and withdrawals of the difference. A file that
 * cannot be read or parsed, or an object that fails validation, leaves everything running as
 * it is; the problem is logged and shown in {@link Agent.status}.
 *
 * @module
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  authPassword,
  type Condition,
  formatWarning,
  loadCluster,
  type RenderedNode,
  type RenderOptions,
  renderNode,
  type YamlSource,
} from '@bgp/policy';
import { Speaker } from '../speaker.js';
import { acceptAll, type Logger, type SpeakerComponents } from '../types.js';
import { exportHookFor, type PlannedInstance, planFromRender } from './plan.js';

/** Options of an {@link Agent}. */
export interface AgentOptions {
  /** YAML files (multi-document Kubernetes and Cilium objects). */
  readonly files: readonly string[];
  /** The node to run. */
  readonly node: string;
  /** Accept received routes into the Loc-RIB (default false, as Cilium). */
  readonly acceptRoutes?: boolean;
  /** Watch the files and apply changes (default true). */
  readonly watch?: boolean;
  /** Debounce of file events in ms (default 150). */
  readonly debounceMs?: number;
  /** Options for the renderer. */
  readonly render?: RenderOptions;
  /** We are coming back from a graceful stop: set the R bit (RFC 4724 §4.1). */
  readonly restarting?: boolean;
  /**
   * Next hop to advertise instead of the session's local address (GoBGP, for one, refuses a
   * loopback next hop, so sessions over 127/8 advertise a documentation address).
   */
  readonly nextHop?: { readonly ipv4?: string; readonly ipv6?: string };
}

/** The outcome of one reconcile. */
export interface ReconcileResult {
  /** Whether the plan was applied. */
  readonly applied: boolean;
  /** What changed, one line each (`+peer`, `-peer`, `~peer reset`, `+route`, `-route`). */
  readonly changes: readonly string[];
  /** Errors that kept the plan from being applied. */
  readonly errors: readonly string[];
}

/** What `bgp status` shows. */
export interface AgentStatus {
  /** Node name. */
  readonly node: string;
  /** Files read. */
  readonly files: readonly string[];
  /** The object configuring the node, or null. */
  readonly source: RenderedNode['source'];
  /** Instances and peer counts. */
  readonly instances: readonly {
    readonly name: string;
    readonly localASN: number;
    readonly routerID: string;
    readonly peers: number;
  }[];
  /** Conditions whose status is True (problems), plus Unknown ones. */
  readonly conditions: readonly Condition[];
  /** Errors of the last reconcile (validation, unreadable files): the running state was kept. */
  readonly errors: readonly string[];
  /** Warnings of the last render. */
  readonly warnings: readonly string[];
  /** Reconciles done, and failed. */
  readonly reconciles: {
    readonly total: number;
    readonly failed: number;
    readonly lastAt: string | null;
  };
}

/** Route policy lines (`bgp route-policies`). */
export interface RoutePolicyEntry {
  /** Instance. */
  readonly instance: string;
  /** Peer name. */
  readonly peer: string;
  /** Peer address. */
  readonly peerAddress: string;
  /** Prefix. */
  readonly prefix: string;
  /** Attributes set. */
  readonly attributes: object;
  /** Advertisement entries that produced it. */
  readonly sources: readonly string[];
}

/**
 * Runs one node of a cluster described in YAML.
 *
 * @example
 * ```ts
 * const agent = new Agent({ files: ['cluster.yaml'], node: 'worker-1' });
 * await agent.start();
 * console.log(agent.status().conditions);
 * await agent.stop({ graceful: true });
 * ```
 */
export class Agent {
  /** The speaker the agent drives. */
  readonly speaker: Speaker;
  /** The options. */
  readonly options: AgentOptions;
  private readonly log: Logger;
  private plan: PlannedInstance[] = [];
  private rendered: RenderedNode | undefined;
  private errors: string[] = [];
  private warnings: string[] = [];
  private watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reconciles = { total: 0, failed: 0, lastAt: null as string | null };
  private reconciling: Promise<ReconcileResult> = Promise.resolve({
    applied: false,
    changes: [],
    errors: [],
  });
  /** Called after every reconcile (metrics). */
  onReconcile: ((r: ReconcileResult, seconds: number) => void) | undefined;

  /**
   * @param options - files, node, flags
   * @param components - the speaker's components (clock, logger, sinks, connect)
   */
  constructor(options: AgentOptions, components: SpeakerComponents = {}) {
    this.options = options;
    this.log = components.logger ?? { info() {}, warn() {}, error() {} };
    this.speaker = new Speaker(
      {
        ...(options.acceptRoutes ? { import: acceptAll } : {}),
        ...(options.restarting ? { restarting: true } : {}),
      },
      components,
    );
  }

  /** Reads, renders and applies the files, starts the sessions and the file watcher. */
  async start(): Promise<ReconcileResult> {
    await this.speaker.start();
    const r = await this.reconcile();
    if (this.options.watch ?? true) this.watch();
    return r;
  }

  /** Stops watching and stops the sessions (graceful: no NOTIFICATION, peers keep our routes). */
  async stop(
    options: { readonly graceful?: boolean; readonly message?: string } = {},
  ): Promise<void> {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    await this.reconciling;
    await this.speaker.stop(options);
  }

  private watch(): void {
    // Editors replace files (write to a temporary file, rename): watch the directories too.
    const dirs = new Set(this.options.files.map((f) => dirname(resolve(f))));
    const names = new Set(this.options.files.map((f) => resolve(f)));
    for (const d of dirs) {
      try {
        const w = watch(d, (_event, file) => {
          if (file !== null && !names.has(resolve(d, file.toString()))) return;
          this.schedule();
        });
        w.on('error', () => {});
        this.watchers.push(w);
      } catch (err) {
        this.log.warn(`cannot watch ${d}: ${(err as Error).message}`);
      }
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reconcile();
    }, this.options.debounceMs ?? 150);
    this.timer.unref?.();
  }

  /** Re-reads the files and applies the difference (serialised: one reconcile at a time). */
  reconcile(): Promise<ReconcileResult> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow());
    return this.reconciling;
  }

  private async reconcileNow(): Promise<ReconcileResult> {
    const started = performance.now();
    const r = await this.apply();
    this.reconciles.total++;
    if (!r.applied) this.reconciles.failed++;
    this.reconciles.lastAt = new Date().toISOString();
    for (const c of r.changes) this.log.info(`reconcile: ${c}`);
    for (const e of r.errors) this.log.error(`reconcile: ${e}`);
    this.onReconcile?.(r, (performance.now() - started) / 1000);
    return r;
  }

  private async apply(): Promise<ReconcileResult> {
    const sources: YamlSource[] = [];
    const errors: string[] = [];
    for (const f of this.options.files) {
      try {
        sources.push({ name: f, text: readFileSync(f, 'utf8') });
      } catch (err) {
        errors.push(`${f}: ${(err as Error).message}`);
      }
    }
    if (errors.length === 0) {
      const cluster = loadCluster(sources);
      errors.push(...cluster.errors.map((e) => e.message));
      if (errors.length === 0) {
        const node = renderNode(cluster, this.options.node, this.options.render);
        const warnings = node.warnings.map(formatWarning);
        let plan: PlannedInstance[];
        try {
          plan = planFromRender(node, warnings, {
            ...(this.options.nextHop ? { nextHop: this.options.nextHop } : {}),
            passwordFor: (ref) => authPassword(cluster, ref, this.options.render?.secretsNamespace),
          });
        } catch (err) {
          errors.push(`plan: ${(err as Error).message}`);
          plan = [];
        }
        if (errors.length === 0) {
          const changes = await this.applyPlan(plan);
          this.plan = plan;
          this.rendered = node;
          this.warnings = warnings;
          for (const w of warnings) this.log.warn(w);
          this.errors = [];
          return { applied: true, changes, errors: [] };
        }
      }
    }
    // A bad file never stops what runs: keep the previous plan, report the problem.
    this.errors = errors;
    return { applied: false, changes: [], errors };
  }

  private async applyPlan(plan: readonly PlannedInstance[]): Promise<string[]> {
    const s = this.speaker;
    const changes: string[] = [];
    const running = new Map(s.instanceConfigs.map((c) => [c.name, c]));
    const wanted = new Map(plan.map((p) => [p.config.name, p]));
    for (const [name, cfg] of running) {
      const w = wanted.get(name);
      // Cilium recreates the instance when localASN, localPort or routerID change.
      if (!w || JSON.stringify(w.config) !== JSON.stringify(cfg)) {
        await s.removeInstance(name);
        changes.push(`-instance ${name}`);
        running.delete(name);
      }
    }
    for (const p of plan) {
      const name = p.config.name;
      if (!running.has(name)) {
        await s.addInstance(p.config);
        changes.push(`+instance ${name} (AS ${p.config.asn}, router ID ${p.config.routerId})`);
      }
      const peers = new Map(s.peerConfigs(name).map((c) => [c.address, c]));
      for (const address of peers.keys()) {
        if (p.peers.has(address)) continue;
        s.removePeer(name, address);
        changes.push(`-peer ${name}/${address}`);
      }
      for (const [address, planned] of p.peers) {
        const config = { ...planned.config, export: exportHookFor(planned.routes) };
        if (!peers.has(address)) {
          s.addPeer(name, config);
          changes.push(
            `+peer ${name}/${planned.config.name} ${address}:${planned.config.port} AS ${planned.config.asn}`,
          );
        } else if (s.updatePeer(name, config) === 'reset')
          changes.push(`~peer ${name}/${planned.config.name} reset`);
      }
      const have = new Set(s.originated(name));
      for (const prefix of have) {
        if (p.originate.has(prefix)) continue;
        s.withdraw(name, prefix);
        changes.push(`-route ${name} ${prefix}`);
      }
      for (const prefix of p.originate) {
        if (have.has(prefix)) continue;
        s.originate(name, prefix);
        changes.push(`+route ${name} ${prefix}`);
      }
    }
    await s.flush();
    return changes;
  }

  /** Node status: source, instances, problem conditions, errors and warnings. */
  status(): AgentStatus {
    const r = this.rendered;
    return {
      node: this.options.node,
      files: this.options.files,
      source: r?.source ?? null,
      instances: this.plan.map((p) => ({
        name: p.config.name,
        localASN: p.config.asn,
        routerID: p.config.routerId,
        peers: p.peers.size,
      })),
      conditions: (r?.conditions ?? []).filter(
        (c) => c.status === 'True' && !c.type.endsWith('IPAMRequestSatisfied'),
      ),
      errors: this.errors,
      warnings: this.warnings,
      reconciles: { ...this.reconciles },
    };
  }

  /** The export policy per peer: every rendered prefix with its attributes and sources. */
  routePolicies(): RoutePolicyEntry[] {
    const out: RoutePolicyEntry[] = [];
    for (const p of this.plan)
      for (const peer of p.peers.values())
        for (const [prefix, attributes] of peer.routes)
          out.push({
            instance: p.config.name,
            peer: peer.config.name ?? peer.config.address,
            peerAddress: peer.config.address,
            prefix,
            attributes,
            sources: peer.sources.get(prefix) ?? [],
          });
    return out;
  }
}
