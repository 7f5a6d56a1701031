import { setTimeout as sleep } from 'node:timers/promises';
import type { Fleet, ServiceInstance } from './fleet.js';
import type { Infrastructure } from './infrastructure.js';
import { log } from './log.js';
import { proxyName, toxicsOf } from './network.js';
import type { Observer } from './observe.js';
import type { Fault, ServiceName } from './schedule.js';

export interface FaultRecord extends Fault {
  /** Milliseconds after the load started, when it was injected and when healed. */
  startedMs: number;
  healedMs: number;
  /** From the kill (or SIGCONT) until every partition with work was consumed again. */
  recoveryMs?: number;
  /** Restarts: from starting the process again until it answered /readyz. */
  startToReadyMs?: number;
  /** Crash points: whether the armed process reached its point and killed itself. */
  fired?: boolean;
  note?: string;
}

const recoveryLimitMs = 120_000;

/**
 * Injects one fault of the schedule and heals it. Kills are SIGKILLs; restarts use the
 * same component as before, so a restarted service finds its database and group again.
 */
export class FaultInjector {
  readonly records: FaultRecord[] = [];
  private readonly measuring: Promise<void>[] = [];
  /** Set once the system has settled after the load. */
  private quiet = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly infra: Infrastructure,
    private readonly observer: Observer,
    private readonly loadStart: number,
  ) {}

  private now = () => Date.now() - this.loadStart;

  async inject(fault: Fault): Promise<void> {
    const record: FaultRecord = { ...fault, startedMs: this.now(), healedMs: 0 };
    this.records.push(record);
    const what = `${fault.kind}${fault.service ? ` ${fault.service}` : ''}${fault.link ? ` to ${fault.link}` : ''}${fault.point ? ` at ${fault.point}` : ''}`;
    log('fault', `${what} for ${(fault.holdMs / 1000).toFixed(1)}s`);
    try {
      await this.run(fault, record);
    } catch (error) {
      record.note = `fault failed: ${error instanceof Error ? error.message : String(error)}`;
      log('fault', record.note);
    }
    record.healedMs = this.now();
    await this.reviveDead(record);
  }

  private async run(fault: Fault, record: FaultRecord): Promise<void> {
    const service = fault.service;
    switch (fault.kind) {
      case 'kill': {
        const victim = this.pick(service!);
        const before = await this.offsets(service!);
        await victim.kill();
        const killedAt = Date.now();
        await sleep(fault.holdMs);
        victim.start();
        const started = Date.now();
        this.measure(record, service!, killedAt, before);
        await victim.waitReady();
        record.startToReadyMs = Date.now() - started;
        return;
      }
      case 'two-instances': {
        const second = await this.fleet.add(service!);
        second.start();
        await second.waitReady();
        await sleep(fault.holdMs);
        const [older, newer] = this.fleet.instances[service!].filter((i) => i.alive);
        const victim = fault.victim === 1 ? newer : older;
        if (!victim) return;
        const before = await this.offsets(service!);
        await victim.kill();
        this.measure(record, service!, Date.now(), before);
        this.fleet.remove(victim);
        return;
      }
      case 'pause': {
        const victim = this.pick(service!);
        victim.signal('SIGSTOP');
        await sleep(fault.holdMs);
        const before = await this.offsets(service!);
        victim.signal('SIGCONT');
        this.measure(record, service!, Date.now(), before);
        return;
      }
      case 'crash-point': {
        const victim = this.pick(service!);
        await victim.kill();
        victim.start(fault.point);
        // It may reach the point while starting (a relay with rows to send, say), else
        // once it works: either way it is given `holdMs` of work after it is ready.
        try {
          await victim.waitReady();
          const deadline = Date.now() + fault.holdMs;
          while (victim.alive && Date.now() < deadline) await sleep(50);
        } catch {
          /* died before it was ready: the point was reached during start-up */
        }
        record.fired = !victim.alive;
        if (victim.alive) await victim.kill();
        victim.start();
        await victim.waitReady();
        return;
      }
      case 'kafka-restart':
        await this.infra.restart('kafka', fault.holdMs);
        return;
      case 'postgres-restart':
        await this.infra.restart('postgres', fault.holdMs);
        return;
      case 'registry-restart':
        await this.infra.restart('registry', fault.holdMs);
        return;
      case 'cut': {
        // The proxy disabled: the service's connections to the server are closed, new
        // ones refused, until it is enabled again.
        const toxiproxy = this.toxiproxy();
        const proxy = proxyName(service!, fault.link!);
        await toxiproxy.setEnabled(proxy, false);
        try {
          await sleep(fault.holdMs);
        } finally {
          const before = await this.offsets(service!);
          await toxiproxy.setEnabled(proxy, true);
          this.measure(record, service!, Date.now(), before);
        }
        return;
      }
      case 'latency':
      case 'bandwidth': {
        const toxiproxy = this.toxiproxy();
        const proxy = proxyName(service!, fault.link!);
        const added: string[] = [];
        try {
          for (const toxic of toxicsOf(fault)) {
            await toxiproxy.addToxic(proxy, toxic);
            added.push(toxic.name);
          }
          await sleep(fault.holdMs);
        } finally {
          for (const name of added) await toxiproxy.removeToxic(proxy, name);
        }
        return;
      }
    }
  }

  private toxiproxy() {
    const network = this.infra.network;
    if (!network) throw new Error('network faults need the private stack with its proxies');
    return network.toxiproxy;
  }

  /** Any instance that died without being told to is a finding; it is started again. */
  private async reviveDead(record: FaultRecord): Promise<void> {
    for (const list of Object.values(this.fleet.instances))
      for (const i of list) {
        if (i.alive) continue;
        const note = `${i.label} exited on its own (see ${i.daemon.logFile})`;
        record.note = record.note ? `${record.note}; ${note}` : note;
        log('fault', note);
        i.start();
        await i.waitReady();
      }
  }

  /**
   * Measurements still running (recovery is timed in the background). Called once the
   * system has settled: a measurement whose group had nothing waiting since its fault
   * ends now, as there is nothing left to time.
   */
  async settled(): Promise<void> {
    this.quiet = true;
    await Promise.all(this.measuring);
  }

  private pick(service: ServiceName): ServiceInstance {
    const alive = this.fleet.instances[service].filter((i) => i.alive);
    const victim = alive[0] ?? this.fleet.instances[service][0];
    if (!victim) throw new Error(`no instance of ${service}`);
    return victim;
  }

  private async offsets(service: ServiceName) {
    try {
      return await this.observer.committed(service);
    } catch {
      return undefined;
    }
  }

  /**
   * Times how long until the group consumes again: every partition that has records
   * past its offset at `from` has committed past it. In the background: the schedule goes on.
   */
  private measure(
    record: FaultRecord,
    service: ServiceName,
    from: number,
    before: Map<string, { committed: number; high: number }> | undefined,
  ) {
    if (!before) return;
    this.measuring.push(
      (async () => {
        // Per partition: since when it had records past its offset at `from`, and when
        // the group committed past that offset.
        const pendingSince = new Map<string, number>();
        const advancedAt = new Map<string, number>();
        while (Date.now() - from < recoveryLimitMs) {
          if (this.quiet && pendingSince.size === 0) return;
          try {
            const now = await this.observer.committed(service);
            const at = Date.now();
            for (const [p, b] of before) {
              const n = now.get(p);
              if (!n || n.high <= b.committed) continue;
              if (!pendingSince.has(p)) pendingSince.set(p, Math.max(from, at));
              if (n.committed > b.committed && !advancedAt.has(p)) advancedAt.set(p, at);
            }
            if (pendingSince.size > 0 && [...pendingSince.keys()].every((p) => advancedAt.has(p))) {
              record.recoveryMs = Math.max(
                ...[...pendingSince].map(([p, since]) => advancedAt.get(p)! - since),
              );
              return;
            }
          } catch {
            /* infrastructure still restarting */
          }
          await sleep(100);
        }
      })(),
    );
  }
}
