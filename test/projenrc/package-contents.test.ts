import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main, requiredFiles } from '../../projenrc/package-contents';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'projenrc', 'package-contents.ts');
const HANDLERS = ['provider/on-event.lambda.ts', 'provider/is-complete.lambda.ts'];
const directories: string[] = [];

afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** A library package tree with `files` (relative paths), beside a handlers package with the two handlers' sources. */
function project(files: readonly string[]): string {
  const packages = mkdtempSync(join(tmpdir(), 'package-contents-'));
  directories.push(packages);
  const root = join(packages, 'cdk-cleanrooms-ml');
  for (const file of [...HANDLERS.map((handler) => `../handlers/src/${handler}`), ...files]) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '// built\n');
  }
  mkdirSync(root, { recursive: true });
  return root;
}

const COMPILED = ['.jsii', 'lib/index.js'];
const BUNDLES = ['assets/handlers/on-event/index.js', 'assets/handlers/is-complete/index.js'];

/** An npm-style tarball (entries under package/) of `files` of `root`, in `root/dist/js`. */
function tarball(root: string, files: readonly string[]): string {
  const directory = join(root, 'dist', 'js');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, 'cdk-cleanrooms-ml@0.0.0.jsii.tgz');
  execFileSync('tar', ['-czf', path, '-C', root, '--transform', 's,^,package/,', ...files]);
  return path;
}

/** Runs the script as `package:js` does, in its own process. */
function run(...args: string[]): { readonly status: number | null; readonly stderr: string } {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--project', join(ROOT, 'projenrc', 'tsconfig.json'), SCRIPT, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

test('requires the compiled library, API.md and one bundle per *.lambda.ts of the handlers package', () => {
  expect(requiredFiles(join(ROOT, 'packages', 'cdk-cleanrooms-ml')).map((file) => file.path)).toEqual(['.jsii', 'lib/index.js', 'API.md', ...BUNDLES.slice().sort()]);
});

test('fails: refuses a compiled tree without the handler bundles and API.md, naming each and the task that builds it', () => {
  const root = project(COMPILED);

  const result = run(root);

  expect(result.status).toBe(1);
  expect(result.stderr).toBe([
    `Refusing to package: ${root} lacks what the package needs at run time:`,
    '  API.md (built by `npx projen docgen`)',
    '  assets/handlers/is-complete/index.js (built by `npx projen bundle (in packages/handlers)`)',
    '  assets/handlers/on-event/index.js (built by `npx projen bundle (in packages/handlers)`)',
    'Run `npx projen docgen`, then `npx projen bundle (in packages/handlers)` (or `npx projen build:packages` at the repository\'s root, which runs them all), then package again.',
    '',
  ].join('\n'));
});

test('passes a tree that holds everything, and a tarball that does', () => {
  const root = project([...COMPILED, 'API.md', ...BUNDLES]);
  tarball(root, [...COMPILED, 'API.md', ...BUNDLES]);

  expect(run(root).status).toBe(0);
  expect(main(['--tarball-dir', join(root, 'dist', 'js'), root], () => undefined)).toBe(0);
});

test('fails: refuses and removes a tarball that left out a bundle the tree has', () => {
  const root = project([...COMPILED, 'API.md', ...BUNDLES]);
  const path = tarball(root, [...COMPILED, 'API.md', BUNDLES[0]]);
  const messages: string[] = [];

  const status = main(['--tarball-dir', join(root, 'dist', 'js'), root], (text) => messages.push(text));

  expect(status).toBe(1);
  expect(messages).toEqual([
    [
      `Refusing to package: ${path} lacks what the package needs at run time:`,
      `  ${BUNDLES[1]} (built, but left out of the package: see the .npmignore rules in .projenrc.ts)`,
    ].join('\n'),
    `Removed ${path}.`,
  ]);
  expect(existsSync(path)).toBe(false);
});

test('fails: refuses a directory that is not the library package\'s', () => {
  const root = mkdtempSync(join(tmpdir(), 'package-contents-'));
  directories.push(root);
  const messages: string[] = [];

  expect(main([root], (text) => messages.push(text))).toBe(1);
  expect(messages).toEqual([`Refusing to package: no src/**/*.lambda.ts handler found under ${join(root, '..', 'handlers', 'src')}; is ${root} the library package's directory?`]);
});
