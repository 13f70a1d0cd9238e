/**
 * `ts-node projenrc/docgen.ts [OUTPUT]`, in a jsii package's directory:
 * writes its API reference (jsii-docgen, TypeScript) to OUTPUT (API.md).
 *
 * The `jsii-docgen` command looks for the assemblies of the package's
 * dependencies only under the package's own directory, and npm workspaces
 * install them once, at the repository's root. So the assemblies are shown
 * to it in a directory of their own: the package and each of its
 * dependencies and peer dependencies, as Node.js resolves them from the
 * package (the releases it is compiled against), and theirs in turn.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Documentation, Language } from 'jsii-docgen';

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** The directory of `name` as Node.js resolves it from `from`. */
function packageDirectory(name: string, from: string): string {
  return dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
}

function manifest(directory: string): Manifest {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
}

/** The package and, transitively, every jsii dependency of it, by name. */
function jsiiClosure(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (directory: string): void => {
    const { name, dependencies = {}, peerDependencies = {} } = manifest(directory);
    if (found.has(name)) return;
    found.set(name, directory);
    for (const dependency of new Set([...Object.keys(dependencies), ...Object.keys(peerDependencies)])) {
      let dependencyDirectory: string;
      try {
        dependencyDirectory = packageDirectory(dependency, directory);
      } catch {
        continue; // bundled inside its dependant (aws-cdk-lib's own), or not a jsii module
      }
      if (existsSync(join(dependencyDirectory, '.jsii'))) {
        visit(dependencyDirectory);
      }
    }
  };
  visit(root);
  return found;
}

async function main(output: string): Promise<void> {
  const root = process.cwd();
  const assemblies = mkdtempSync(join(tmpdir(), 'docgen-'));
  try {
    for (const [name, directory] of jsiiClosure(root)) {
      const link = join(assemblies, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(directory, link, 'dir');
    }
    const docs = await Documentation.forProject(root, { assembliesDir: assemblies });
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT, readme: false });
    writeFileSync(join(root, output), markdown.render());
  } finally {
    rmSync(assemblies, { recursive: true, force: true });
  }
}

main(process.argv[2] ?? 'API.md').catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
