/**
 * `npm run chaos [-- --seed N --lifecycles N --workers N]`: issue 11's chaos
 * campaign. Draws N lifecycles from the seed (plan.ts: a stack of 1–3
 * pipelines, a fault mix, a deploy, 1–3 updates, failures injected, a
 * destroy, each operation's outcome decided up front), synthesizes every
 * distinct stack variant once, runs the lifecycles on the emulator in worker
 * processes (worker.ts, lifecycle.ts) and prints the figures. The same seed
 * draws the same lifecycles; the exit code is 1 when anything leaked, was
 * created twice, ended unexpectedly or got stuck.
 *
 * A script that prints figures, like the bench, not a timed test; `chaos:ci`
 * runs a short slice of it in CI.
 */
import { ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Figures } from './figures';
import { LifecycleReport, runLifecycle } from './lifecycle';
import { drawPlan, LifecyclePlan } from './plan';
import type { WorkerReply, WorkerRequest } from './worker';
import { removeTemporaryDirectories } from '../test/support/temporary-directories';

interface CampaignOptions {
  readonly seed: number;
  readonly lifecycles: number;
  /** Worker processes; each runs one lifecycle at a time. */
  readonly workers: number;
  /** Runs only this lifecycle of the seed, in this process, and prints its stack events: how a finding is looked into. */
  readonly only?: number;
}

function parseArguments(args: readonly string[]): CampaignOptions {
  const values: Record<string, number> = {
    // Lifecycles wait on the emulator and the scaled Provider clock more than they compute: two per core keeps both busy.
    seed: 1, lifecycles: 500, workers: Math.max(2, cpus().length * 2), only: 0,
  };
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index].replace(/^--/, '');
    const value = Number(args[index + 1]);
    if (!(name in values) || !Number.isInteger(value) || value < (name === 'seed' || name === 'only' ? 0 : 1)) {
      throw new Error(`usage: chaos [--seed N] [--lifecycles N] [--workers N] [--only N]; got "${args[index]} ${args[index + 1] ?? ''}"`);
    }
    values[name] = value;
  }
  return { seed: values.seed, lifecycles: values.lifecycles, workers: values.workers, only: values.only || undefined };
}

class Worker {
  private readonly process: ChildProcess;
  private waiting?: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };

  constructor() {
    // Type-checked once by the ts-node running this script; the workers only transpile.
    this.process = fork(join(__dirname, 'worker.ts'), [], {
      execArgv: ['--require', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'tsconfig.json'), TMPDIR: temporaryFiles() },
    });
    this.process.on('message', (reply: WorkerReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(reply);
    });
    this.process.on('exit', (code) => this.waiting?.reject(new Error(`a chaos worker exited with code ${code}`)));
  }

  public ask(request: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.process.send(request);
    });
  }

  public tell(request: WorkerRequest): void {
    // A worker that died has said why (its exit rejected the campaign); the others are still told.
    if (this.process.connected) this.process.send(request);
  }

  public exited(): Promise<void> {
    return new Promise((resolve) => (this.process.exitCode !== null ? resolve() : this.process.once('exit', () => resolve())));
  }
}

/**
 * Where the workers keep assemblies and state files. The runner rewrites a
 * stack's whole state file (atomically: write, then rename) at every resource
 * it records — a hundred times and more a deploy — so on a disk shared with
 * other work the campaign spends a sixth of its time in rename(2); a tmpfs
 * (/dev/shm) takes it out. CHAOS_TMPDIR chooses another place.
 */
function temporaryFiles(): string {
  return process.env.CHAOS_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  if (options.only) return traceOne(options.seed, options.only);
  const started = Date.now();
  const plans: LifecyclePlan[] = Array.from({ length: options.lifecycles }, (_, index) => drawPlan(options.seed, index + 1));
  const variants = [...new Set(plans.flatMap((plan) => plan.operations
    .flatMap((operation) => (operation.variant ? [JSON.stringify(operation.variant)] : []))))];
  console.log(`Chaos campaign: seed ${options.seed}, ${options.lifecycles} lifecycles, ${variants.length} stack variants, ${options.workers} worker processes`);

  const workers = Array.from({ length: options.workers }, () => new Worker());
  try {
    // Each variant synthesized once, the variants shared out among the workers; then every worker may use every assembly.
    const synthStarted = Date.now();
    const synthesized = await Promise.all(workers.map((worker, index) =>
      worker.ask({ type: 'synth', variants: variants.filter((_, variant) => variant % workers.length === index) })));
    const assemblies = synthesized.flatMap((reply) => (reply.type === 'synthesized' ? reply.assemblies : []));
    workers.forEach((worker) => worker.tell({ type: 'use', assemblies }));
    const synthMs = Date.now() - synthStarted;
    console.error(`  synthesized ${variants.length} variants in ${(synthMs / 1000).toFixed(1)} s`);

    const figures = new Figures();
    const queue = [...plans];
    const runStarted = Date.now();
    await Promise.all(workers.map(async (worker) => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        const reply = await worker.ask({ type: 'run', plan });
        const report = (reply as Extract<WorkerReply, { type: 'report' }>).report as LifecycleReport;
        figures.add(plan, report);
        // Findings as they come, so that a long run can be looked into before it ends.
        [...report.unexpected, ...report.duplicates, ...report.leaked.map((item) => `lifecycle ${report.lifecycle} leaked ${item}`)]
          .forEach((finding) => console.error(`  ! ${finding}`));
        if (figures.lifecycles % 25 === 0 || figures.lifecycles === plans.length) {
          console.error(`  ${figures.lifecycles}/${plans.length} lifecycles, ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
        }
      }
    }));
    figures.print({
      seed: options.seed, workers: options.workers, variants: variants.length, synthMs, runMs: Date.now() - runStarted, wallMs: Date.now() - started,
    });
    process.exitCode = figures.clean ? 0 : 1;
  } finally {
    workers.forEach((worker) => worker.tell({ type: 'exit' }));
    await Promise.all(workers.map((worker) => worker.exited()));
  }
}

/** One lifecycle, its plan and every stack event printed. */
async function traceOne(seed: number, lifecycle: number): Promise<void> {
  const plan = drawPlan(seed, lifecycle);
  console.log(`Chaos campaign: seed ${seed}, lifecycle ${lifecycle} alone; faults ${JSON.stringify(plan.faults)}`);
  const report = await runLifecycle(plan, (line) => console.log(line)).finally(removeTemporaryDirectories);
  const figures = new Figures();
  figures.add(plan, report);
  figures.print({ seed, workers: 0, variants: 0, synthMs: 0, runMs: report.elapsedMs, wallMs: report.elapsedMs });
  process.exitCode = figures.clean ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
