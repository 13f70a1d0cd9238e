/**
 * The campaign's figures, summed over the lifecycles' reports, and how they
 * are printed: the totals issue 11 asks for, operations by kind, then every
 * finding in full (lifecycle, operation, what was expected, what happened).
 */
import type { LifecycleReport } from './lifecycle';
import type { LifecyclePlan } from './plan';

export interface RunFacts {
  readonly seed: number;
  readonly workers: number;
  readonly variants: number;
  readonly synthMs: number;
  readonly runMs: number;
  readonly wallMs: number;
}

/** Findings printed in full; past this many, only counted. */
const SHOWN_FINDINGS = 40;

export class Figures {
  public lifecycles = 0;
  private operations = 0;
  private transientFaults = 0;
  private injectedFailures = 0;
  private readonly leaked: string[] = [];
  private readonly duplicates: string[] = [];
  private readonly unexpected: string[] = [];
  private readonly stuck: string[] = [];
  /** Planned operations by label: how many ran as planned. */
  private readonly byLabel = new Map<string, { planned: number }>();
  private lifecycleMs = 0;

  public add(plan: LifecyclePlan, report: LifecycleReport): void {
    this.lifecycles++;
    this.operations += report.operations;
    this.transientFaults += report.transientFaults;
    this.injectedFailures += report.injectedFailures;
    this.leaked.push(...report.leaked.map((item) => `lifecycle ${report.lifecycle}: ${item}`));
    this.duplicates.push(...report.duplicates);
    this.unexpected.push(...report.unexpected);
    if (report.stuck) this.stuck.push(`lifecycle ${report.lifecycle}: ${report.stuck} after ${report.operations} operations`);
    this.lifecycleMs += report.elapsedMs;
    for (const operation of plan.operations) {
      const label = `${operation.label} → ${operation.expected.status}`;
      const entry = this.byLabel.get(label) ?? { planned: 0 };
      entry.planned++;
      this.byLabel.set(label, entry);
    }
  }

  /** Nothing leaked, created twice, unexpected or stuck. */
  public get clean(): boolean {
    return this.leaked.length + this.duplicates.length + this.unexpected.length + this.stuck.length === 0;
  }

  public print(facts: RunFacts): void {
    const minutes = facts.runMs / 60_000;
    const rows: Array<[string, string | number, string?]> = [
      ['lifecycles', this.lifecycles, `${(this.lifecycles / minutes).toFixed(1)} a minute, ${(this.lifecycleMs / this.lifecycles / 1000).toFixed(1)} s each on average`],
      ['operations', this.operations],
      ['faults injected', this.transientFaults + this.injectedFailures,
        `${this.transientFaults} throttling and server errors, ${this.injectedFailures} crashes, failures and deletes outside`],
      ['resources leaked', this.leaked.length],
      ['duplicate creates', this.duplicates.length],
      ['unexpected outcomes', this.unexpected.length],
      ['stacks stuck', this.stuck.length],
      ['wall time', `${(facts.wallMs / 1000).toFixed(0)} s`,
        `${facts.variants} variants synthesized in ${(facts.synthMs / 1000).toFixed(0)} s, lifecycles in ${(facts.runMs / 1000).toFixed(0)} s, ${facts.workers} workers`],
    ];
    console.log('');
    for (const [name, value, note] of rows) console.log(`  ${name.padEnd(20)} ${String(value).padStart(7)}${note ? `   (${note})` : ''}`);
    console.log('\n  operations planned, by kind and planned outcome:');
    for (const [label, { planned }] of [...this.byLabel].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`    ${String(planned).padStart(5)}  ${label}`);
    }
    for (const [title, findings] of [
      ['resources leaked', this.leaked], ['duplicate creates', this.duplicates], ['unexpected outcomes', this.unexpected], ['stacks stuck', this.stuck],
    ] as const) {
      if (findings.length === 0) continue;
      console.log(`\n  ${title}:`);
      findings.slice(0, SHOWN_FINDINGS).forEach((finding) => console.log(`    - ${finding}`));
      if (findings.length > SHOWN_FINDINGS) console.log(`    … and ${findings.length - SHOWN_FINDINGS} more`);
    }
  }
}
