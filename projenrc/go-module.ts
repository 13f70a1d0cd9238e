/**
 * Builds the construct library's Go module (dist/go/cdkcleanroomsml of
 * packages/cdk-cleanrooms-ml) with the aws-cdk-go release the Go module proxy
 * serves: the library's `package:go` task.
 *
 * jsii-pacmak writes Go bindings against the aws-cdk-lib it resolves from the
 * package and pins that release in go.mod. Against the library's minimum (the
 * devDependency `aws-cdk-lib`) no served aws-cdk-go compiles: aws-cdk-go
 * v2.221.0 was generated with constructs-go v10.4.2 and fails with the
 * constructs v10.5 the library needs (`ambiguous selector
 * *jsiiProxy_EventBus.With`), and the bindings reference
 * `awscdk.ResourceEnvironment`, which later aws-cdk-go releases (v2.257.0 on)
 * moved out of the `awscdk` package. So the bindings are generated against
 * the newest aws-cdk-lib (the devDependency `aws-cdk-lib-newest`, installed
 * under its own name) from the packed npm tarball, in a staging folder whose
 * `node_modules/aws-cdk-lib` is that release; go.mod then requires the newest
 * aws-cdk-go the proxy serves at or below it (`go list -m -versions`), `go mod
 * tidy` settles the indirect modules on what that aws-cdk-go needs (those
 * node_modules names may not be served), and `go build ./...` compiles it.
 *
 * The staging folder is the repository's git-ignored `.cache/go-stage`, out of
 * the package jsii-pacmak packs. Go's module cache is wherever GOMODCACHE says
 * (the task sets it to the repository's `.cache/go/mod`).
 *
 * Usage: ts-node projenrc/go-module.ts   (after `package:js`; from the library's directory)
 * Exits non-zero when a step fails, with the step's own error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

const AWS_CDK_GO = 'github.com/aws/aws-cdk-go/awscdk/v2';
/** The library package's directory. */
const root = process.cwd();
/** The repository's root: this file is in its projenrc/. */
const repository = join(__dirname, '..');
const stage = join(repository, '.cache', 'go-stage');
const moduleDir = join(root, 'dist', 'go', 'cdkcleanroomsml');

/** The directory of a package installed for the library (npm workspaces hoist them to the repository's node_modules). */
function installed(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`, { paths: [root] }));
}

function run(command: string, args: string[], cwd = root): string {
  console.log(`$ ${command} ${args.join(' ')}${cwd === root ? '' : `   (in ${cwd})`}`);
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

/** Compares two `vX.Y.Z` versions. */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.replace(/^v/, '').split('.').map(Number);
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

// 1. The packed npm package (what every language's package embeds), unpacked,
//    with the newest aws-cdk-lib in place of the minimum.
const tarballs = readdirSync(join(root, 'dist', 'js')).filter((f) => f.endsWith('.jsii.tgz'));
if (tarballs.length !== 1) throw new Error(`expected one .jsii.tgz in dist/js (run package:js first), found ${tarballs.length}`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
run('tar', ['xzf', join(root, 'dist', 'js', tarballs[0]), '-C', stage]);
const pkgDir = join(stage, 'package');
mkdirSync(join(pkgDir, 'node_modules'), { recursive: true });
symlinkSync(installed('aws-cdk-lib-newest'), join(pkgDir, 'node_modules', 'aws-cdk-lib'));
symlinkSync(installed('constructs'), join(pkgDir, 'node_modules', 'constructs'));

// 2. The bindings (generated only: jsii-pacmak's own build would use the go.mod it pins).
rmSync(join(root, 'dist', 'go'), { recursive: true, force: true });
run(process.execPath, [join(installed('jsii-pacmak'), 'bin', 'jsii-pacmak'), '-v', '--code-only', '--target', 'go', '--outdir', join(root, 'dist'), pkgDir]);

// 3. go.mod: the newest served aws-cdk-go at or below the release generated against.
const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
const generatedAgainst = new RegExp(`${AWS_CDK_GO.replace(/[./]/g, '\\$&')} (v\\S+)`).exec(goMod)?.[1];
if (!generatedAgainst) throw new Error(`dist/go/cdkcleanroomsml/go.mod does not require ${AWS_CDK_GO}`);
// Outside the module, whose go.mod names a release the proxy may refuse.
const served = run('go', ['list', '-m', '-versions', AWS_CDK_GO]).trim().split(/\s+/).slice(1);
const usable = served.filter((v) => compareVersions(v, generatedAgainst) <= 0).sort(compareVersions);
const chosen = usable[usable.length - 1];
if (!chosen) throw new Error(`the Go module proxy serves no ${AWS_CDK_GO} at or below ${generatedAgainst} (it lists: ${served.join(' ') || 'none'})`);
console.log(`bindings generated against aws-cdk-lib ${generatedAgainst}; requiring ${AWS_CDK_GO} ${chosen} (served: ${served.join(' ')})`);
run('go', ['mod', 'edit', `-require=${AWS_CDK_GO}@${chosen}`], moduleDir);
// The indirect modules pinned from node_modules go, so that tidy settles them on chosen's own requirements.
const requirements: { Path: string; Indirect?: boolean }[] = JSON.parse(run('go', ['mod', 'edit', '-json'], moduleDir)).Require ?? [];
const indirect = requirements.filter((r) => r.Indirect).map((r) => `-droprequire=${r.Path}`);
if (indirect.length > 0) run('go', ['mod', 'edit', ...indirect], moduleDir);
run('go', ['mod', 'tidy'], moduleDir);

// 4. Compile it, as jsii-pacmak's Go build would.
run('go', ['build', './...'], moduleDir);
run('go', ['vet', './...'], moduleDir);
rmSync(stage, { recursive: true, force: true });
console.log(`dist/go/cdkcleanroomsml builds with ${AWS_CDK_GO} ${chosen}`);
