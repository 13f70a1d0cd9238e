/**
 * `ts-node atomic-esbuild.ts esbuild <args>`: esbuild, but its `--outfile`
 * appears whole or not at all. esbuild writes a staging file beside the
 * bundle's directory, and one rename puts it in place: another run in the
 * same checkout (a second `npm test`) loading or hashing the bundle at that
 * moment sees the old file or the new one, never half of one. The staging
 * file stays outside the bundle's directory because that directory is a
 * Lambda asset, hashed whole.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const OUTFILE = '--outfile=';

const [command, ...args] = process.argv.slice(2);
const outfileIndex = args.findIndex((arg) => arg.startsWith(OUTFILE));
if (outfileIndex < 0) {
  throw new Error(`atomic-esbuild: the esbuild arguments must include ${OUTFILE}<path>, got: ${args.join(' ')}`);
}
const outfile = args[outfileIndex].slice(OUTFILE.length);
const bundleDirectory = dirname(outfile);
const staging = join(dirname(bundleDirectory), `.${basename(bundleDirectory)}.${basename(outfile)}.${process.pid}.tmp`);

try {
  const esbuild = spawnSync(command, args.map((arg, index) => (index === outfileIndex ? `${OUTFILE}${staging}` : arg)), { stdio: 'inherit' });
  if (esbuild.error) throw esbuild.error;
  if (esbuild.status !== 0) {process.exitCode = esbuild.status ?? 1;} else {
    mkdirSync(bundleDirectory, { recursive: true });
    renameSync(staging, outfile);
  }
} finally {
  rmSync(staging, { force: true });
}
