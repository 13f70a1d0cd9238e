/**
 * What the construct library's npm package needs besides the compiled
 * library, checked before `jsii-pacmak` packs it and again in the tarball it
 * wrote: the handler bundles the constructs stage as Lambda assets (one per
 * `*.lambda.ts` of the handlers package beside it, `../handlers/src/`,
 * written to `assets/handlers/<name>/index.js` by its `bundle` task) and
 * API.md (written by `projen docgen`). Without them the package installs
 * fine and every synth then fails with "Cannot find asset".
 *
 * Usage: ts-node projenrc/package-contents.ts [--tarball-dir DIR] [ROOT]
 * (ROOT: the library package's directory, by default the current one)
 * Exit status 1, with what is missing and the task that builds it, when anything is.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A file the package must hold, and the task that makes it. */
export interface RequiredFile {
  /** Relative to the project root (and to `package/` in the tarball). */
  readonly path: string;
  readonly builtBy: string;
}

const LAMBDA_SUFFIX = '.lambda.ts';

/** Where the handler sources of the library at `root` are: the handlers package beside it. */
export function handlerSources(root: string): string {
  return join(root, '..', 'handlers', 'src');
}

/** The files the package of the library at `root` must hold. */
export function requiredFiles(root: string): RequiredFile[] {
  const handlers = sourceFiles(handlerSources(root))
    .filter((file) => file.endsWith(LAMBDA_SUFFIX))
    .map((file) => basename(file, LAMBDA_SUFFIX))
    .sort();
  return [
    { path: '.jsii', builtBy: 'npx projen compile' },
    { path: 'lib/index.js', builtBy: 'npx projen compile' },
    { path: 'API.md', builtBy: 'npx projen docgen' },
    // The handlers package bundles src/**/<name>.lambda.ts into the library's assets/handlers/<name>/index.js.
    ...handlers.map((handler) => ({ path: `assets/handlers/${handler}/index.js`, builtBy: 'npx projen bundle (in packages/handlers)' })),
  ];
}

/** The required files that `present` says are not there. */
export function missingFiles(root: string, present: (path: string) => boolean): RequiredFile[] {
  return requiredFiles(root).filter((file) => !present(file.path));
}

/** The paths of the files in a gzipped npm tarball, without the leading `package/`. */
export function tarballFiles(tarball: string): Set<string> {
  const data = gunzipSync(readFileSync(tarball));
  const files = new Set<string>();
  // A tar archive is 512-byte blocks: a header (name, size, type, ustar prefix), then the content.
  for (let offset = 0; offset + 512 <= data.length;) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (type === '0' || type === '') files.add(name.replace(/^package\//, ''));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * The refusal: what is missing, where, and what builds it. `inTree` names
 * the files that exist in the project but were left out of a tarball (the
 * package's ignore rules, not a missing build step).
 */
export function refusal(missing: readonly RequiredFile[], where: string, inTree: (path: string) => boolean = () => false): string {
  const notBuilt = missing.filter((file) => !inTree(file.path));
  const tasks = [...new Set(notBuilt.map((file) => file.builtBy))];
  return [
    `Refusing to package: ${where} lacks what the package needs at run time:`,
    ...missing.map((file) => (inTree(file.path)
      ? `  ${file.path} (built, but left out of the package: see the .npmignore rules in .projenrc.ts)`
      : `  ${file.path} (built by \`${file.builtBy}\`)`)),
    ...(tasks.length > 0
      ? [`Run ${tasks.map((task) => `\`${task}\``).join(', then ')} (or \`npx projen build:packages\` at the repository's root, which runs them all), then package again.`]
      : []),
  ].join('\n');
}

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : [path];
  });
}

/** Checks the project tree, or with `--tarball-dir` every `.tgz` in it; returns the exit status. */
export function main(args: readonly string[], log: (text: string) => void = (text) => process.stderr.write(`${text}\n`)): number {
  const tarballIndex = args.indexOf('--tarball-dir');
  const tarballDir = tarballIndex >= 0 ? args[tarballIndex + 1] : undefined;
  const rest = tarballIndex >= 0 ? args.filter((_arg, index) => index !== tarballIndex && index !== tarballIndex + 1) : [...args];
  const root = rest[0] ?? process.cwd();
  if (requiredFiles(root).every((file) => !file.path.startsWith('assets/'))) {
    log(`Refusing to package: no src/**/*${LAMBDA_SUFFIX} handler found under ${handlerSources(root)}; is ${root} the library package's directory?`);
    return 1;
  }
  if (tarballDir === undefined) {
    const missing = missingFiles(root, (path) => existsSync(join(root, path)));
    if (missing.length === 0) return 0;
    log(refusal(missing, root));
    return 1;
  }
  const tarballs = existsSync(tarballDir) ? readdirSync(tarballDir).filter((name) => name.endsWith('.tgz')) : [];
  if (tarballs.length === 0) {
    log(`Refusing to package: no .tgz in ${tarballDir}`);
    return 1;
  }
  let status = 0;
  for (const name of tarballs) {
    const files = tarballFiles(join(tarballDir, name));
    const missing = missingFiles(root, (path) => files.has(path));
    if (missing.length > 0) {
      const tarball = join(tarballDir, name);
      log(refusal(missing, tarball, (path) => existsSync(join(root, path))));
      // Nothing broken is left where a publish step would pick it up.
      rmSync(tarball);
      log(`Removed ${tarball}.`);
      status = 1;
    }
  }
  return status;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
