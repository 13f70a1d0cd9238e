/**
 * Runs cfn-lint, the CloudFormation linter, on every template the example
 * and the benchmark synthesize (lint/templates.ts) under the oldest
 * aws-cdk-lib the library supports (the `aws-cdk-lib` devDependency), and on
 * the example's templates under the newest one (`aws-cdk-lib-newest`), and
 * fails on any finding, warnings included.
 *
 *   npx projen lint:cfn                 # installs cfn-lint (lint/requirements.txt), then runs this
 *   ts-node --project lint/tsconfig.json lint/cfn-lint.ts [--keep DIR] [NAME-PART ...]
 *
 * The templates are synthesized into a temporary directory (or DIR, kept),
 * one process per aws-cdk-lib, side by side, and linted in one cfn-lint run:
 * cfn-lint takes seconds to start. NAME-PART keeps only the templates whose
 * names contain one of them.
 */
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import type { SynthesisReport } from './synthesize';
import { CHECKED_TEMPLATES } from './templates';

const ROOT = resolve(__dirname, '..');
/** Where `lint:cfn` installs cfn-lint. */
const VENV = join(ROOT, 'lint', '.venv');
const CONFIG_FILE = join(ROOT, 'lint', 'cfnlintrc.yaml');

/** Each aws-cdk-lib the templates are synthesized with, and which of them. */
const SYNTHESES: ReadonlyArray<{ readonly dir: string; readonly preload: string[]; readonly includes: (name: string) => boolean }> = [
  { dir: 'oldest-aws-cdk-lib', preload: [], includes: () => true },
  // What a newer release changes is in its own constructs, which the example's stacks all use.
  { dir: 'newest-aws-cdk-lib', preload: ['-r', './lint/newest-aws-cdk-lib.ts'], includes: (name) => name.startsWith('example') },
];

/** One finding as `cfn-lint --format json` reports it (the fields used here). */
interface Finding {
  readonly Filename: string;
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Start: { readonly LineNumber: number }; readonly Path?: Array<string | number> };
}

async function main(): Promise<number> {
  const { keep, nameParts } = parseArgs(process.argv.slice(2));
  const cfnLint = join(VENV, 'bin', 'cfn-lint');
  if (!existsSync(cfnLint)) {
    throw new Error(`${relative(ROOT, cfnLint)} is missing: \`npx projen lint:cfn\` installs it`);
  }

  const dir = keep ?? mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  try {
    let started = Date.now();
    const chosen = CHECKED_TEMPLATES.map((template) => template.name)
      .filter((name) => nameParts.length === 0 || nameParts.some((part) => name.includes(part)));
    if (chosen.length === 0) {
      throw new Error(`no template's name contains ${nameParts.join(' or ')}`);
    }
    const reports = await Promise.all(SYNTHESES
      .map((synthesis) => ({ ...synthesis, names: chosen.filter(synthesis.includes) }))
      .filter((synthesis) => synthesis.names.length > 0)
      .map((synthesis) => synthesize(join(dir, synthesis.dir), synthesis.preload, synthesis.names)));
    const synthesized = reports.flatMap((report) =>
      report.templates.map((template) => ({ ...template, name: `${template.name} (aws-cdk-lib ${report.awsCdkLib})` })));
    const synthMs = Date.now() - started;

    started = Date.now();
    const lint = spawnSync(cfnLint, ['--config-file', CONFIG_FILE, '--format', 'json', '--', ...synthesized.map((template) => template.file)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const lintMs = Date.now() - started;
    // Its exit status is the levels found (2 error, 4 warning, 8 informational, added up); an odd one is
    // cfn-lint's own failure. Findings, a template that does not parse included, come as a JSON list.
    if (lint.error || lint.status === null || lint.status % 2 === 1 || !lint.stdout.trim().startsWith('[')) {
      throw new Error(`cfn-lint failed (exit ${lint.status}): ${lint.error?.message ?? lint.stderr}`);
    }
    const findings = JSON.parse(lint.stdout) as Finding[];

    console.log(`cfn-lint ${cfnLintVersion()} on ${synthesized.length} templates (synthesized in ${seconds(synthMs)}, linted in ${seconds(lintMs)})`);
    const width = Math.max(...synthesized.map((template) => template.name.length));
    for (const template of synthesized) {
      const own = findings.filter((finding) => resolve(finding.Filename) === resolve(template.file));
      console.log(`  ${template.name.padEnd(width)}  ${own.length} finding${own.length === 1 ? '' : 's'}`);
      for (const finding of own) {
        const where = finding.Location.Path?.slice(0, 2).join('/') ?? `line ${finding.Location.Start.LineNumber}`;
        console.log(`    ${finding.Rule.Id} ${finding.Level.toLowerCase()} at ${where}: ${finding.Message}`);
      }
    }
    console.log(`total: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
    if (keep) {
      console.log(`templates kept in ${keep}`);
    }
    return findings.length === 0 && lint.status === 0 ? 0 : 1;
  } finally {
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Runs lint/synthesize.ts in a process of its own (type-checked already: this process compiled it). */
function synthesize(dir: string, preload: string[], names: string[]): Promise<SynthesisReport> {
  const args = ['--transpile-only', '--project', 'lint/tsconfig.json', ...preload, 'lint/synthesize.ts', dir, ...names];
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'ts-node'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', fail);
    child.on('close', (status) => (status === 0
      ? done(JSON.parse(stdout) as SynthesisReport)
      : fail(new Error(`synthesizing into ${dir} failed (exit ${status}):\n${stderr}`))));
  });
}

function parseArgs(args: string[]): { keep?: string; nameParts: string[] } {
  const keepAt = args.indexOf('--keep');
  if (keepAt < 0) {
    return { nameParts: args };
  }
  const keep = args[keepAt + 1];
  if (!keep || keep.startsWith('--')) {
    throw new Error('--keep needs a directory');
  }
  return { keep: resolve(keep), nameParts: args.filter((_, index) => index !== keepAt && index !== keepAt + 1) };
}

/** The installed cfn-lint's version, without paying for cfn-lint's start-up again. */
function cfnLintVersion(): string {
  const python = spawnSync(join(VENV, 'bin', 'python'), ['-c', 'import importlib.metadata as m; print(m.version("cfn-lint"))'], { encoding: 'utf8' });
  return python.stdout.trim() || 'of unknown version';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
