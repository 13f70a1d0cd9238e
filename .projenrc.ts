import { awscdk, javascript, JsonFile, Task, typescript } from 'projen';
import { TypescriptConfig, TypescriptConfigExtends, UpdateSnapshot } from 'projen/lib/javascript';

// The project's manifest: everything about how cdk-cleanrooms-ml is built,
// tested and packaged is declared here; `npx projen` regenerates the rest.
//
// One repository, npm workspaces, three packages (packages/):
// - cdk-cleanrooms-ml: the jsii construct library, with the contracts it
//   shares with the handlers and the handler bundles as assets; no bundled
//   dependencies.
// - handlers (private): the Lambda handlers, bundled into the library's assets.
// - cdk-cleanrooms-ml-local: the emulator, the local deploy runner, its CLI
//   and the typed Clean Rooms ML client; a user's devDependency.
// The root holds what uses them as a user would (their package names, never
// their sources): the example, the demo, the whole-stack suites, the bench,
// the chaos campaign and cfn-lint.

/** The package name under which the newest aws-cdk-lib is installed. */
const NEWEST_AWS_CDK_LIB = 'aws-cdk-lib-newest';
/** The newest aws-cdk-lib, installed beside the oldest supported one. */
const NEWEST_AWS_CDK_LIB_DEP = `${NEWEST_AWS_CDK_LIB}@npm:aws-cdk-lib@^2.278.0`;

// The oldest aws-cdk-lib whose custom-resource Provider framework functions
// use a Lambda runtime AWS still lets you create in every region it knows:
// 2.221.0 picks nodejs22.x everywhere (its LATEST_NODE_RUNTIME fact);
// 2.197.0-2.220.0 already pick nodejs22.x in the commercial regions but
// still nodejs18.x in some isolated ones, and every release before 2.197.0
// picks nodejs20.x, whose creation AWS Lambda blocked on 2026-06-01
// (README, "Supported aws-cdk-lib versions").
const CDK_VERSION = '2.221.0';
const CONSTRUCTS_VERSION = '10.5.1';
const AWS_CDK_LIB = `aws-cdk-lib@${CDK_VERSION}`;
const CONSTRUCTS = `constructs@${CONSTRUCTS_VERSION}`;

/** Workspace packages depend on each other at the version every unreleased package has. */
const WORKSPACE_VERSION = '0.0.0';
const LIBRARY = 'cdk-cleanrooms-ml';
const LOCAL = 'cdk-cleanrooms-ml-local';

const common = {
  author: 'cdk-cleanrooms-ml maintainers',
  authorAddress: 'maintainers@cdk-cleanrooms-ml.invalid',
  repositoryUrl: 'https://github.com/cdk-cleanrooms-ml/cdk-cleanrooms-ml.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.0',
  // No GitHub here: CI is `.ci/run`; releases are not automated yet.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
};

/** Jest settings every package shares. */
const jestConfig = {
  testTimeout: 30_000,
  // Most suites wait on the emulator's clocks and child processes rather
  // than the CPU: one worker per core (jest's default leaves one idle).
  maxWorkers: '100%',
};
const jestOptions = {
  // Snapshots are written on purpose (`npx projen test:update`), never silently in CI.
  updateSnapshot: UpdateSnapshot.NEVER,
  jestConfig,
};

/**
 * The repository's language caches (git-ignored, as every `.cache`): Maven's
 * local repository and Go's module cache, shared by the library's package
 * tasks and the root's verify tasks. A fresh clone, as in CI, downloads
 * everything anew, so the times measured are the ones CI pays, and nothing
 * in ~/.m2 or ~/go is relied on (PyPI's packages go through pip's own
 * cache). It is outside the library's directory, so never in its npm
 * package (jsii-pacmak packs that directory).
 */
const languageCache = '.cache';
const mavenRepository = `${languageCache}/maven`;
/** Go's environment for a command run `toRoot` below the repository's root: GOMODCACHE must be absolute; -modcacherw keeps it removable (`rm -rf .cache`). */
const goEnv = (toRoot: string) => `GOMODCACHE=$(cd ${toRoot} && pwd)/${languageCache}/go/mod GOFLAGS=-modcacherw`;
/** The root's jest never crawls the caches: the Go module cache alone is some 36,000 files. */
const rootJestConfig = { ...jestConfig, modulePathIgnorePatterns: [`<rootDir>/${languageCache}/`] };

// ---------------------------------------------------------------------------
// The repository's root: private, the workspaces' home.
const root = new typescript.TypeScriptProject({
  ...common,
  name: 'cdk-cleanrooms-ml-repository',
  description: 'The cdk-cleanrooms-ml repository: the construct library, its handlers and its local toolkit, with their example, demo, benchmarks and whole-stack suites.',
  projenrcTs: true,
  sampleCode: false,
  // Nothing of the root is compiled or published: its TypeScript runs with ts-node and jest.
  package: false,
  entrypoint: '',
  devDeps: [
    'esbuild',
    AWS_CDK_LIB,
    CONSTRUCTS,
    'cdk-nag@^2.37.0', // 3.x needs aws-cdk-lib >= 2.257; the library supports older ones
    NEWEST_AWS_CDK_LIB_DEP,
    `${LIBRARY}@${WORKSPACE_VERSION}`,
    `${LOCAL}@${WORKSPACE_VERSION}`,
    'jsii-pacmak',
    // projenrc/docgen.ts writes the library's API.md with it.
    'jsii-docgen',
  ],
  jestOptions: { ...jestOptions, jestConfig: rootJestConfig },
  // Type-checks (never emits) every TypeScript file of the root.
  tsconfig: {
    compilerOptions: { rootDir: '.', lib: ['es2022'], target: 'ES2022', noEmit: true },
    include: ['projenrc/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'chaos/**/*.ts', 'lint/**/*.ts'],
  },
});
root.package.addField('private', true);
root.package.addField('workspaces', ['packages/cdk-cleanrooms-ml', 'packages/cdk-cleanrooms-ml-local', 'packages/handlers']);
root.compileTask.reset();
root.tasks.tryFind('package')?.reset();

// ---------------------------------------------------------------------------
// The construct library.
const libraryDir = 'packages/cdk-cleanrooms-ml';
const library = new awscdk.AwsCdkConstructLibrary({
  ...common,
  parent: root,
  outdir: libraryDir,
  name: LIBRARY,
  description:
    'AWS CDK L2 constructs for AWS Clean Rooms ML lookalike-audience pipelines: training dataset, audience model, configured audience model, audience generation and export jobs.',
  keywords: ['aws-cdk', 'cdk', 'clean-rooms', 'cleanrooms-ml', 'lookalike', 'audience'],
  // Registries follow the README's relative links (API.md) through it.
  repositoryDirectory: libraryDir,
  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~5.9.0',
  // The handlers are the handlers package's; their bundles are this package's assets.
  lambdaAutoDiscover: false,
  devDeps: [
    'cdk-nag@^2.37.0',
    // The construct tests also run against the newest aws-cdk-lib (test:newest-aws-cdk-lib).
    NEWEST_AWS_CDK_LIB_DEP,
  ],
  jestOptions,
  // jsii targets: the Python wheel, the Java jar and the Go module are built
  // (and used by the apps in examples/, see the root's verify:languages);
  // .NET, with no SDK nor NuGet on these machines, stays generated code.
  publishToPypi: { distName: 'cdk-cleanrooms-ml', module: 'cdk_cleanrooms_ml' },
  publishToMaven: {
    javaPackage: 'io.github.cdk_cleanrooms_ml',
    mavenGroupId: 'io.github.cdk-cleanrooms-ml',
    mavenArtifactId: 'cdk-cleanrooms-ml',
  },
  publishToNuget: { dotNetNamespace: 'CdkCleanroomsMl', packageId: 'CdkCleanroomsMl' },
  publishToGo: { moduleName: 'github.com/cdk-cleanrooms-ml/cdk-cleanrooms-ml-go' },
});
// Source maps beside the JavaScript (lib/**/*.js.map) rather than inline: an
// app loads lib/ at every synthesis, and the inline maps with their sources
// made it four times as large (about 5 ms of each synthesis to read and scan).
library.tsconfig?.file.addOverride('compilerOptions.inlineSourceMap', false);
library.tsconfig?.file.addOverride('compilerOptions.inlineSources', false);
library.tsconfig?.file.addOverride('compilerOptions.sourceMap', true);
// The bundles are built (packages/handlers), never committed.
library.gitignore.exclude('/assets/');
library.npmignore?.include('/assets/');

// The construct tests run again with every `aws-cdk-lib` import resolved to
// the newest release; its snapshots are its own, so that what the newest
// release changes in a template is reviewed like the rest.
function newestAwsCdkLibTests(
  project: typescript.TypeScriptProject, testMatch: string[], snapshotResolver: string, settings: object = jestConfig,
): void {
  const config = 'test/newest-aws-cdk-lib/jest.config.json';
  new JsonFile(project, config, {
    obj: {
      rootDir: '../..',
      testMatch,
      moduleNameMapper: {
        '^aws-cdk-lib$': NEWEST_AWS_CDK_LIB,
        '^aws-cdk-lib/(.*)$': `${NEWEST_AWS_CDK_LIB}/$1`,
      },
      snapshotResolver: `<rootDir>/${snapshotResolver}`,
      transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
      ...settings,
    },
  });
  const task = project.addTask('test:newest-aws-cdk-lib', {
    description: 'Run the tests a user\'s aws-cdk-lib can change against the newest aws-cdk-lib',
  });
  task.exec(`jest --ci --config ${config}`);
  project.testTask.spawn(task);
  // `test:update` refreshes both sets of snapshots.
  project.tasks.tryFind('test:update')?.exec(`jest --updateSnapshot --ci --config ${config}`);
}
// (One snapshot resolver, the root's, for both.)
newestAwsCdkLibTests(library, ['<rootDir>/test/constructs/**/*.test.ts'], '../../test/newest-aws-cdk-lib/snapshot-resolver.js');

// API.md: jsii-docgen, shown the dependencies' assemblies that npm
// workspaces install at the root (projenrc/docgen.ts).
const libraryDocgen = library.tasks.tryFind('docgen');
if (!libraryDocgen) throw new Error('projen no longer defines docgen');
libraryDocgen.reset('ts-node --project ../../projenrc/tsconfig.json ../../projenrc/docgen.ts API.md');

// Packaging: the JavaScript package is refused, before and after packing,
// unless it holds the handler bundles and API.md (projenrc/package-contents.ts):
// after `compile` alone it would install fine and fail every synth with
// "Cannot find asset". A tarball that lacks them is removed.
const checkPackageContents = 'ts-node --project ../../projenrc/tsconfig.json ../../projenrc/package-contents.ts';
const packageJs = library.tasks.tryFind('package:js');
if (!packageJs) throw new Error('projen no longer defines package:js');
packageJs.prependExec(checkPackageContents);
packageJs.exec(`${checkPackageContents} --tarball-dir dist/js`);
// The Python wheel and the Java jar are built by jsii-pacmak (their
// dependencies come from PyPI and Maven Central, Maven's into the
// repository's .cache/); the Go module is generated against the newest
// aws-cdk-lib and compiled with the newest aws-cdk-go the Go module proxy
// serves (projenrc/go-module.ts says why). The root's verify:languages runs
// the apps of examples/ on all three. .NET, with no SDK nor NuGet here,
// generates its bindings only.
const packageCommands: Record<string, string> = {
  python: 'jsii-pacmak -v --target python',
  java: `jsii-pacmak -v --target java --maven-local-repository ../../${mavenRepository}`,
  dotnet: 'jsii-pacmak -v --code-only --target dotnet',
  go: `${goEnv('../..')} ts-node --project ../../projenrc/tsconfig.json ../../projenrc/go-module.ts`,
};
for (const [language, command] of Object.entries(packageCommands)) {
  const task = library.tasks.tryFind(`package:${language}`);
  if (!task) throw new Error(`projen no longer defines package:${language}`);
  task.reset(command);
}
// `package` builds every target whether or not CI is set (projen's own packs
// only JavaScript under CI), so what CI verifies is what a developer sees.
const packageAll = library.tasks.tryFind('package-all');
if (!packageAll) throw new Error('projen no longer defines package-all');
library.packageTask.reset();
library.packageTask.spawn(packageAll);

// ---------------------------------------------------------------------------
// The local toolkit.
const localDir = 'packages/cdk-cleanrooms-ml-local';
const local = new typescript.TypeScriptProject({
  ...common,
  parent: root,
  outdir: localDir,
  name: LOCAL,
  // package.json's repository (typescript projects ignore repositoryUrl), with
  // the package's directory in it, which registries and tools need to follow
  // the README's relative links (API.md).
  repository: common.repositoryUrl,
  repositoryDirectory: localDir,
  description:
    'Run and test cdk-cleanrooms-ml stacks on one machine: an emulator of AWS Clean Rooms ML, a local deploy runner for synthesized stacks, its CLI and a typed Clean Rooms ML client.',
  keywords: ['aws-cdk', 'cleanrooms-ml', 'emulator', 'testing', 'local'],
  sampleCode: false,
  bin: { 'cleanrooms-ml-local': 'lib/cli.js' },
  deps: [
    // The client signs its requests with the maintained SigV4 signer.
    '@smithy/signature-v4@^5.7.5',
    '@aws-crypto/sha256-js@^5.2.0',
    // The runner resolves intrinsics and diffs templates with maintained
    // libraries rather than hand-written ones (runner/intrinsics.ts relies
    // on cfn-resolver-lib 1.1's evaluator).
    'cfn-resolver-lib@^1.1.8',
    '@aws-cdk/cloudformation-diff@^2.187.5',
    // The Lambda Node.js runtime provides the AWS SDK v3 to every function;
    // the runner lends the functions it runs its own copy of what the
    // library's handlers use of it.
    '@aws-sdk/client-secrets-manager@^3.1178.0',
    '@aws-sdk/client-cleanrooms@^3.1048.0',
    // The training poller signals wait conditions (CloudFormation) and the
    // model's handler starts and stops its executions (Step Functions).
    '@aws-sdk/client-cloudformation@^3.1178.0',
    '@aws-sdk/client-sfn@^3.1178.0',
  ],
  // The runner reads cloud assemblies with the user's aws-cdk-lib.
  peerDeps: [`aws-cdk-lib@^${CDK_VERSION}`],
  devDeps: [
    AWS_CDK_LIB,
    CONSTRUCTS,
    'typedoc',
    'typedoc-plugin-markdown',
    // Only the tests build stacks of the library's constructs (the snapshot
    // helper's); the package itself never imports it.
    `${LIBRARY}@${WORKSPACE_VERSION}`,
  ],
  jestOptions,
  tsconfig: { compilerOptions: { lib: ['es2022'], target: 'ES2022' } },
});

// The CLI (`bin`) must be executable in the checkout too: npm links it at
// `npm ci`, before it is compiled, and so cannot set its mode.
local.postCompileTask.exec('chmod +x lib/cli.js');

// API.md: the package's public API (what its entry point, src/index.ts,
// exports) in one markdown file (typedoc-plugin-markdown's module router),
// committed and published. An export that refers to a type the entry point
// does not export is a typedoc warning, and fails the task.
const localDocgen = local.addTask('docgen', { description: 'Write API.md from the public API of src/index.ts' });
localDocgen.exec([
  'typedoc --plugin typedoc-plugin-markdown --router module --entryFileName API.md',
  '--readme none --disableSources --hidePageHeader --hideBreadcrumbs --treatWarningsAsErrors',
  '--out .api src/index.ts',
].join(' '));
localDocgen.exec('mv .api/API.md API.md');
local.gitignore.exclude('/.api/');
local.npmignore?.exclude('/.api/');
local.npmignore?.include('/API.md');
local.gitattributes.addAttributes('/API.md', 'linguist-generated');

// ---------------------------------------------------------------------------
// The handlers: private, bundled into the library's assets.
const handlersDir = 'packages/handlers';
const handlers = new typescript.TypeScriptProject({
  ...common,
  parent: root,
  outdir: handlersDir,
  name: '@cdk-cleanrooms-ml/handlers',
  // Bundled into the library's assets, never loaded as a package.
  entrypoint: '',
  description: 'The Lambda handlers of cdk-cleanrooms-ml, bundled into the construct library\'s assets; not published.',
  sampleCode: false,
  package: false,
  // The contracts come from the library, the client from the local toolkit;
  // both are bundled (esbuild), so neither is a run-time dependency.
  // The AWS SDK's Secrets Manager, Clean Rooms, CloudFormation and Step Functions clients are the Lambda runtime's (left out of the bundles).
  devDeps: [
    `${LIBRARY}@${WORKSPACE_VERSION}`,
    `${LOCAL}@${WORKSPACE_VERSION}`,
    'esbuild',
    AWS_CDK_LIB,
    CONSTRUCTS,
    '@aws-sdk/client-secrets-manager@^3.1178.0',
    '@aws-sdk/client-cleanrooms@^3.1048.0',
    '@aws-sdk/client-cloudformation@^3.1178.0',
    '@aws-sdk/client-sfn@^3.1178.0',
  ],
  jestOptions,
  tsconfig: { compilerOptions: { lib: ['es2022'], target: 'ES2022' } },
});
handlers.package.addField('private', true);
// Everything the handlers import is bundled: build-time dependencies only.
handlers.eslint?.allowDevDeps('src/**');
handlers.compileTask.reset('tsc --noEmit');

// Each `src/**/<name>.lambda.ts` is bundled for Node.js 24, the Lambda
// runtime with the longest support, into the library's
// assets/handlers/<name>/index.js: minified, resolved through the ES module
// builds of the smithy packages so esbuild can tree-shake them, the AWS SDK
// v3 left to the Lambda runtime that ships it, and written aside and renamed
// into place (projenrc/atomic-esbuild.ts) so that another run never loads or
// hashes half a bundle.
// The contracts and the client are bundled from their TypeScript sources
// (tsconfig.bundle.json maps the two packages' lib/ to src/): esbuild
// tree-shakes ES modules, not tsc's CommonJS output, which made each bundle
// 89 kB instead of 77 kB (27 kB gzipped instead of 24 kB).
const bundleTsconfig = 'tsconfig.bundle.json';
new TypescriptConfig(handlers, {
  fileName: bundleTsconfig,
  extends: TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  compilerOptions: {
    baseUrl: '.',
    paths: {
      [`${LIBRARY}/lib/*`]: [`../${LIBRARY}/src/*`],
      [`${LOCAL}/lib/*`]: [`../${LOCAL}/src/*`],
    },
  },
});
const bundle = handlers.addTask('bundle', { description: 'Bundle the handlers into the construct library\'s assets' });
for (const name of ['on-event', 'is-complete']) {
  bundle.exec([
    'ts-node --transpile-only --project ../../projenrc/tsconfig.json ../../projenrc/atomic-esbuild.ts',
    `esbuild --bundle src/provider/${name}.lambda.ts --target=node24 --platform=node`,
    `--outfile=../cdk-cleanrooms-ml/assets/handlers/${name}/index.js`,
    `--tsconfig=${bundleTsconfig} --external:@aws-sdk/* --minify --main-fields=module,main`,
  ].join(' '));
}

// ---------------------------------------------------------------------------
// The root's tasks.

/**
 * Compiles the library (jsii), then the local toolkit, then bundles the
 * handlers (they import both): what every test, the demo, the bench and
 * synthesizing need, also on a fresh clone. Each task that needs it spawns
 * it, so it runs on its own; a script that runs several of them on sources
 * it does not change (CI) builds once and sets
 * CLEANROOMS_ML_WORKSPACES_BUILT=1 for the others.
 */
const WORKSPACES_BUILT_ENV = 'CLEANROOMS_ML_WORKSPACES_BUILT';
const buildForTests = root.addTask('build:workspaces', {
  description: `Compile the library and the local toolkit, and bundle the handlers into the library's assets (skipped when ${WORKSPACES_BUILT_ENV}=1)`,
  // In node, not shell syntax: projen's default task shell is its own cross-platform one.
  condition: `node -e "process.exit(process.env.${WORKSPACES_BUILT_ENV} === '1' ? 1 : 0)"`,
});
buildForTests.exec('npx projen compile', { cwd: libraryDir });
buildForTests.exec('npx projen compile', { cwd: localDir });
buildForTests.exec('npx projen bundle', { cwd: handlersDir });

// `npm test`: the workspaces built, the root's tests (the example, the
// READMEs, the demo, the whole-stack suites on the local runner) and lint,
// every package's tests (each with its lint), then the tests a user's
// aws-cdk-lib can change again on the newest aws-cdk-lib (the library's
// construct tests run theirs within the library's own `test`).
root.testTask.prependSpawn(buildForTests);
for (const dir of [libraryDir, handlersDir, localDir]) {
  root.testTask.exec('npx projen test', { cwd: dir });
}
newestAwsCdkLibTests(root, [
  '<rootDir>/test/examples/lookalike-pipeline.test.ts',
  '<rootDir>/test/stacks/stack-lifecycle.test.ts',
  '<rootDir>/test/readme.test.ts',
], 'test/newest-aws-cdk-lib/snapshot-resolver.js', rootJestConfig);

// examples/, bench/, lint/ and chaos/ are type-checked and linted like the
// tests; they are scripts run with ts-node.
for (const dir of ['examples', 'bench', 'lint', 'chaos']) {
  new TypescriptConfig(root, {
    fileName: `${dir}/tsconfig.json`,
    extends: TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
  });
  root.eslint?.addLintPattern(dir);
  root.eslint?.allowDevDeps(`${dir}/**`);
}

// The README's main job: the example stack synthesized, deployed on the
// emulator through its own (freshly bundled) handlers, updated and destroyed.
const demo = root.addTask('demo', {
  description: 'Deploy, update and destroy the lookalike pipeline example on the Clean Rooms ML emulator',
});
demo.spawn(buildForTests);
demo.exec('ts-node --project examples/tsconfig.json examples/lookalike-pipeline/demo.ts');
// Local deployment state, function logs and exported audiences (the runner's and the demo's).
root.gitignore.exclude('/.cleanrooms-ml-local/', '.cleanrooms-ml-local/');

/**
 * `synth:<name>`: an example app of examples/<dir> synthesized into its own
 * cdk.out, where the local deploy runner and users look for it.
 */
function addSynthTask(name: string, dir: string, what: string): void {
  const out = `examples/${dir}/cdk.out`;
  const task = root.addTask(`synth:${name}`, {
    description: `Synthesize examples/${dir}${what} into ${out}`,
    env: { CDK_OUTDIR: out },
  });
  task.spawn(buildForTests);
  task.exec(`ts-node --project examples/tsconfig.json examples/${dir}/app.ts`);
  root.gitignore.exclude(`/${out}/`);
}
// The example stack, and the two-account collaboration example (model
// owner and seed provider), whose whole lifecycle runs in test/stacks.
addSynthTask('example', 'lookalike-pipeline', '');
addSynthTask('collaboration', 'collaboration', ' (two stacks, two accounts)');

// The Python, Java and Go apps (examples/python-app, examples/java-app,
// examples/go-app) declare the example stack with the library's built wheel,
// jar and Go module (packages/cdk-cleanrooms-ml/dist: `npx projen
// build:packages` builds them), synthesize it, and must produce the
// TypeScript example's template, resource by resource
// (examples/compare-templates.ts fails on any difference). The Python and
// Java apps run on the aws-cdk-lib and constructs releases the TypeScript
// example is synthesized with (node_modules: the library's minimum), so the
// two sides cannot drift.
const libraryDist = `${libraryDir}/dist`;
const nodeVersionOf = (pkg: string) => `$(node -p "require('${pkg}/package.json').version")`;
const compareTemplates = 'ts-node --project examples/tsconfig.json examples/compare-templates.ts';
/** A verify task's first step: the artifact it reads is there, or it says how to build it. */
const requireBuilt = (task: Task, path: string) =>
  task.exec(`node -e "require('fs').existsSync('${path}') || (console.error('${path} is missing: run npx projen build:packages first'), process.exit(1))"`);
const verifyLanguages = root.addTask('verify:languages', {
  description: `Synthesize the example with the Python wheel, Java jar and Go module in ${libraryDist} and compare each template with the TypeScript example's`,
});

const pythonApp = 'examples/python-app';
const verifyPython = root.addTask('verify:python', {
  description: `Install aws-cdk-lib and the wheel of ${libraryDist}/python into ${pythonApp}/.venv, synthesize ${pythonApp} and compare its template with the TypeScript example's`,
});
requireBuilt(verifyPython, `${libraryDist}/python`);
verifyPython.exec(`[ -x ${pythonApp}/.venv/bin/pip ] || python3 -m venv ${pythonApp}/.venv`);
verifyPython.exec(`${pythonApp}/.venv/bin/pip install --quiet --disable-pip-version-check aws-cdk-lib==${nodeVersionOf('aws-cdk-lib')} constructs==${nodeVersionOf('constructs')} ${libraryDist}/python/*.whl`);
// Every wheel is version 0.0.0: pip would keep the one installed by an earlier run.
verifyPython.exec(`${pythonApp}/.venv/bin/pip install --quiet --disable-pip-version-check --no-deps --force-reinstall ${libraryDist}/python/*.whl`);
verifyPython.exec(`rm -rf ${pythonApp}/cdk.out && CDK_OUTDIR=${pythonApp}/cdk.out ${pythonApp}/.venv/bin/python ${pythonApp}/app.py`);
verifyPython.exec(`${compareTemplates} ${pythonApp}/cdk.out python`);
verifyLanguages.spawn(verifyPython);
root.gitignore.exclude(`/${pythonApp}/.venv/`, `/${pythonApp}/cdk.out/`);

// examples/java-app/pom.xml reads the jar from the library's dist/java (a Maven repository layout).
const javaApp = 'examples/java-app';
const verifyJava = root.addTask('verify:java', {
  description: `Build ${javaApp} with Maven against the jar of ${libraryDist}/java, synthesize it and compare its template with the TypeScript example's`,
});
requireBuilt(verifyJava, `${libraryDist}/java`);
verifyJava.exec(`rm -rf ${javaApp}/cdk.out && CDK_OUTDIR=${javaApp}/cdk.out mvn --quiet --batch-mode -f ${javaApp}/pom.xml -Dmaven.repo.local=$(pwd)/${mavenRepository} -Dcdk.version=${nodeVersionOf('aws-cdk-lib')} -Dconstructs.version=${nodeVersionOf('constructs')} compile exec:java`);
verifyJava.exec(`${compareTemplates} ${javaApp}/cdk.out java`);
verifyLanguages.spawn(verifyJava);
root.gitignore.exclude(`/${javaApp}/target/`, `/${javaApp}/cdk.out/`);

// The Go module is generated against the newest aws-cdk-lib, and the Go app
// runs on the aws-cdk-go projenrc/go-module.ts chose (its go.mod replaces the
// module with the library's dist/go/cdkcleanroomsml, settled by `go mod
// tidy`): its template is compared with the TypeScript example synthesized
// with the newest aws-cdk-lib.
const goApp = 'examples/go-app';
const verifyGo = root.addTask('verify:go', {
  description: `Build ${goApp} against the Go module of ${libraryDist}/go, synthesize it and compare its template with the TypeScript example's (newest aws-cdk-lib)`,
});
requireBuilt(verifyGo, `${libraryDist}/go/cdkcleanroomsml/go.mod`);
verifyGo.exec(`${goEnv('.')} go -C ${goApp} mod tidy`);
verifyGo.exec(`rm -rf ${goApp}/cdk.out && CDK_OUTDIR=$(pwd)/${goApp}/cdk.out ${goEnv('.')} go -C ${goApp} run .`);
verifyGo.exec(`${compareTemplates} ${goApp}/cdk.out go ${NEWEST_AWS_CDK_LIB}`);
verifyLanguages.spawn(verifyGo);
root.gitignore.exclude(`/${goApp}/cdk.out/`);

// `npm run bench`: synth time and memory against the same pipelines written
// with AwsCustomResource, template and handler sizes, and API calls and
// waits on the emulator (bench/run.ts).
const bench = root.addTask('bench', {
  description: 'Benchmark the library against hand-written AwsCustomResource pipelines; writes bench/results/latest.json and latest.svg',
});
bench.spawn(buildForTests);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts');

// cfn-lint (with AWS's resource schemas) on every template the example and
// the benchmark synthesize (lint/templates.ts), and on the example's under
// the newest aws-cdk-lib too; any finding, warnings included, fails.
// cfn-lint comes from PyPI at the version lint/requirements.txt pins, into a
// virtualenv of the checkout's own, so CI and developers lint with the same
// rules whatever else the machine has.
const cfnLintVenv = 'lint/.venv';
const lintCfn = root.addTask('lint:cfn', {
  description: 'Lint the templates of the example and the benchmark with cfn-lint (installed into lint/.venv from lint/requirements.txt), the example\'s also under the newest aws-cdk-lib',
});
lintCfn.exec(`[ -x ${cfnLintVenv}/bin/pip ] || python3 -m venv ${cfnLintVenv}`);
lintCfn.exec(`${cfnLintVenv}/bin/pip install --quiet --disable-pip-version-check --requirement lint/requirements.txt`);
lintCfn.spawn(buildForTests);
lintCfn.exec('ts-node --project lint/tsconfig.json lint/cfn-lint.ts');
root.gitignore.exclude(`/${cfnLintVenv}/`);

// `npm run chaos [-- --seed N --lifecycles N --workers N]` (seed 1 and 500
// lifecycles by default): whole lifecycles of randomly built stacks under
// random faults on the emulator (chaos/run.ts); prints its figures, exits 1
// on any leaked, duplicated, unexpected or stuck.
const chaos = root.addTask('chaos', {
  description: 'Chaos campaign: seeded random lifecycles under faults on the emulator (args: --seed N --lifecycles N --workers N)',
});
chaos.spawn(buildForTests);
chaos.exec('ts-node --project chaos/tsconfig.json chaos/run.ts', { receiveArgs: true });
// CI's slice of it (.ci/run): a fixed seed and a few dozen lifecycles.
const chaosCi = root.addTask('chaos:ci', {
  description: 'A short seeded slice of the chaos campaign, for CI; fails on any leaked, duplicated, unexpected or stuck',
});
chaosCi.spawn(buildForTests);
chaosCi.exec('ts-node --project chaos/tsconfig.json chaos/run.ts --seed 11 --lifecycles 40');

// CI runs the tests once (`npm test`), then this: every package built —
// the library's jsii compile, API.md and every jsii target, the local
// toolkit's compile, API.md and npm package — without their tests.
const buildPackages = root.addTask('build:packages', {
  description: 'Compile, document and package every published package, without running the tests (CI runs them once, before)',
});
buildPackages.spawn(buildForTests);
for (const step of ['docgen', 'package']) {
  buildPackages.exec(`npx projen ${step}`, { cwd: libraryDir });
}
buildPackages.exec('npx projen docgen', { cwd: localDir });
buildPackages.exec('npx projen package', { cwd: localDir });

root.synth();
