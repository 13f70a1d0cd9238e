import { awscdk, javascript, JsonFile } from 'projen';
import { TypescriptConfig, TypescriptConfigExtends, UpdateSnapshot } from 'projen/lib/javascript';

/** What the handler bundles leave to the Lambda runtime: the AWS SDK for JavaScript v3. */
const AWS_SDK_EXTERNAL = '@aws-sdk/*';

/** The package name under which the newest aws-cdk-lib is installed. */
const NEWEST_AWS_CDK_LIB = 'aws-cdk-lib-newest';

// The project's manifest: everything about how cdk-cleanrooms-ml is built,
// tested and packaged is declared here; `npx projen` regenerates the rest.
const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-cleanrooms-ml',
  description:
    'AWS CDK L2 constructs for AWS Clean Rooms ML lookalike-audience pipelines, with an embedded Clean Rooms ML emulator and local deploy runner.',
  author: 'cdk-cleanrooms-ml maintainers',
  authorAddress: 'maintainers@cdk-cleanrooms-ml.invalid',
  repositoryUrl: 'https://github.com/cdk-cleanrooms-ml/cdk-cleanrooms-ml.git',
  keywords: ['aws-cdk', 'cdk', 'clean-rooms', 'cleanrooms-ml', 'lookalike', 'audience'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The oldest aws-cdk-lib whose custom-resource Provider framework functions
  // use a Lambda runtime AWS still lets you create in every region it knows:
  // 2.221.0 picks nodejs22.x everywhere (its LATEST_NODE_RUNTIME fact);
  // 2.197.0-2.220.0 already pick nodejs22.x in the commercial regions but
  // still nodejs18.x in some isolated ones, and every release before 2.197.0
  // picks nodejs20.x, whose creation AWS Lambda blocked on 2026-06-01
  // (README, "Supported aws-cdk-lib versions").
  cdkVersion: '2.221.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.0.0',

  // No GitHub here: CI is `.ci/run`; releases are not automated yet.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // Lambda entry points (`*.lambda.ts`) are bundled with esbuild for Node.js
  // 24, the Lambda runtime with the longest support (Node.js 22 is deprecated
  // on 2027-04-30). The generated functions name it as a string, so it works
  // on aws-cdk-lib releases older than Runtime.NODEJS_24_X.
  // The AWS SDK for JavaScript v3 is part of that runtime: `@aws-sdk/*`
  // stays out of the bundles (projen's default for it, stated here and
  // checked below because the Secrets Manager reader relies on it).
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: { sourcemap: false, externals: [AWS_SDK_EXTERNAL] },
  },

  // The local emulator and CLI ship inside the package and use these at run time;
  // jsii libraries must bundle non-jsii dependencies.
  // The local deploy runner resolves intrinsics and diffs templates with
  // maintained libraries rather than hand-written ones.
  bundledDeps: [
    '@smithy/signature-v4',
    '@aws-crypto/sha256-js',
    'cfn-resolver-lib',
    '@aws-cdk/cloudformation-diff',
  ],
  devDeps: [
    'esbuild',
    'cdk-nag@^2.37.0', // 3.x needs aws-cdk-lib >= 2.257; the library supports older ones
    // The newest aws-cdk-lib, installed beside the oldest supported one (the
    // devDependency `aws-cdk-lib`): the construct, example and README tests
    // also run against it (test:newest-aws-cdk-lib).
    `${NEWEST_AWS_CDK_LIB}@npm:aws-cdk-lib@^2.278.0`,
    // The handlers read SQL seed secrets with it. The Lambda Node.js runtime
    // provides it, so the bundles leave it out (AWS_SDK_EXTERNAL); it is
    // installed here for type-checking, the tests and the local runner.
    '@aws-sdk/client-secrets-manager',
  ],

  bin: { 'cleanrooms-ml-local': 'lib/local/cli.js' },

  jestOptions: {
    // Snapshots are written on purpose (`npx projen test:update`), never silently in CI.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 30_000,
      // Most suites wait on the emulator's clocks and child processes rather
      // than the CPU: one worker per core (jest's default leaves one idle)
      // takes the suite from about 330 s to 180 s on 2 cores.
      maxWorkers: '100%',
    },
  },

  // jsii targets. Only the JavaScript package can be built offline; the others
  // have their bindings generated (code only) by the package tasks below.
  publishToPypi: { distName: 'cdk-cleanrooms-ml', module: 'cdk_cleanrooms_ml' },
  publishToMaven: {
    javaPackage: 'io.github.cdk_cleanrooms_ml',
    mavenGroupId: 'io.github.cdk-cleanrooms-ml',
    mavenArtifactId: 'cdk-cleanrooms-ml',
  },
  publishToNuget: { dotNetNamespace: 'CdkCleanroomsMl', packageId: 'CdkCleanroomsMl' },
  publishToGo: { moduleName: 'github.com/cdk-cleanrooms-ml/cdk-cleanrooms-ml-go' },
});

// Handler bundles: minified, and resolved through the ES module builds of the
// smithy packages so esbuild can tree-shake them (about a fifth of the size);
// each written aside and renamed into place (projenrc/atomic-esbuild.ts), so
// that another run in the checkout never loads or hashes half a bundle.
for (const task of project.tasks.all) {
  if (!task.name.startsWith('bundle:') || task.name.endsWith(':watch')) continue;
  const esbuild = task.steps[0]?.execArgs;
  if (esbuild?.[0] !== 'esbuild') continue;
  if (!esbuild.includes(`--external:${AWS_SDK_EXTERNAL}`)) {
    throw new Error(`${task.name}: projen no longer passes --external:${AWS_SDK_EXTERNAL} to esbuild`);
  }
  task.updateStep(0, {
    execArgs: ['ts-node', '--transpile-only', '--project', 'projenrc/tsconfig.json', 'projenrc/atomic-esbuild.ts', ...esbuild, '--minify', '--main-fields=module,main'],
  });
}

// Constructs stage the handler bundles as Lambda assets, so tests need them
// built first — also on a fresh clone, where `npm test` runs before any build.
const bundle = project.tasks.tryFind('bundle');
if (!bundle) throw new Error('projen no longer defines the bundle task');
project.testTask.prependSpawn(bundle);

// The tests a user's aws-cdk-lib can change — constructs (their templates and
// every validation message), the example stack (template, cdk-nag, its
// deployment on the local runner) and the README's code — run again with
// every `aws-cdk-lib` import resolved to the newest release. Its snapshots
// are its own (test/newest-aws-cdk-lib/snapshot-resolver.js), so that what
// the newest release changes in a template is reviewed like the rest.
const newestJestConfig = 'test/newest-aws-cdk-lib/jest.config.json';
new JsonFile(project, newestJestConfig, {
  obj: {
    rootDir: '../..',
    testMatch: [
      '<rootDir>/test/constructs/**/*.test.ts',
      '<rootDir>/test/examples/lookalike-pipeline.test.ts',
      '<rootDir>/test/local/runner/stack-lifecycle.test.ts',
      '<rootDir>/test/readme.test.ts',
    ],
    moduleNameMapper: {
      '^aws-cdk-lib$': NEWEST_AWS_CDK_LIB,
      '^aws-cdk-lib/(.*)$': `${NEWEST_AWS_CDK_LIB}/$1`,
    },
    snapshotResolver: '<rootDir>/test/newest-aws-cdk-lib/snapshot-resolver.js',
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
    testTimeout: 30_000,
    maxWorkers: '100%',
  },
});
const testNewest = project.addTask('test:newest-aws-cdk-lib', {
  description: 'Run the construct, example and README tests against the newest aws-cdk-lib',
});
testNewest.spawn(bundle);
testNewest.exec(`jest --ci --config ${newestJestConfig}`);
project.testTask.spawn(testNewest);
// `test:update` refreshes both sets of snapshots.
project.tasks.tryFind('test:update')?.exec(`jest --updateSnapshot --ci --config ${newestJestConfig}`);

// Packaging. Only the JavaScript package can be built on a machine without
// PyPI, Maven Central, a .NET SDK or a Go toolchain, so the other targets
// generate their bindings (code only); Python's generated code is also
// byte-compiled so a broken binding fails the build. `package` runs every
// target whether or not CI is set, so what CI verifies is what a developer sees.
const codeOnlyTargets: Record<string, string[]> = {
  java: [],
  python: ['python3 -m compileall -q dist/python'],
  dotnet: [],
  go: [],
};
for (const [language, checks] of Object.entries(codeOnlyTargets)) {
  const task = project.tasks.tryFind(`package:${language}`);
  if (!task) throw new Error(`projen no longer defines package:${language}`);
  task.reset(`jsii-pacmak -v --code-only --target ${language}`);
  checks.forEach((check) => task.exec(check));
}
// The JavaScript package is refused, before and after packing, unless it
// holds the handler bundles and API.md (projenrc/package-contents.ts): after
// `compile` alone it would install fine and fail every synth with "Cannot
// find asset". A tarball that lacks them is removed.
const packageJs = project.tasks.tryFind('package:js');
if (!packageJs) throw new Error('projen no longer defines package:js');
const checkPackageContents = 'ts-node --project projenrc/tsconfig.json projenrc/package-contents.ts';
packageJs.prependExec(checkPackageContents);
packageJs.exec(`${checkPackageContents} --tarball-dir dist/js`);
const packageAll = project.tasks.tryFind('package-all');
if (!packageAll) throw new Error('projen no longer defines package-all');
project.packageTask.reset();
project.packageTask.spawn(packageAll);

// CI runs the tests once (`npm test`), then this: the build without its test
// step — compile, API docs and every package — instead of `projen build`,
// which would run the whole suite a second time.
const buildPackages = project.addTask('build:packages', {
  description: 'Compile, document and package every target, without running the tests (CI runs them once, before)',
});
for (const step of ['default', 'pre-compile', 'compile', 'post-compile', 'package']) {
  const task = project.tasks.tryFind(step);
  if (!task) throw new Error(`projen no longer defines ${step}`);
  buildPackages.spawn(task);
}

// examples/, bench/, lint/ and chaos/ are type-checked and linted like the
// tests; they are scripts run with ts-node, never part of the package.
for (const dir of ['examples', 'bench', 'lint', 'chaos']) {
  new TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
  });
  project.eslint?.addLintPattern(dir);
  project.eslint?.allowDevDeps(`${dir}/**`);
  project.npmignore?.exclude(`/${dir}/`);
}

// AWS's current service models (spec/README.md): the reference the tests
// compare the client and the emulator with; not part of the package.
project.npmignore?.exclude('/spec/');

// The README's main job: the example stack synthesized, deployed on the
// embedded emulator through its own (freshly bundled) handlers, updated and
// destroyed.
const demo = project.addTask('demo', {
  description: 'Deploy, update and destroy the lookalike pipeline example on the embedded Clean Rooms ML emulator',
});
demo.spawn(bundle);
demo.exec('ts-node --project examples/tsconfig.json examples/lookalike-pipeline/demo.ts');
// Local deployment state, function logs and exported audiences (the runner's and the demo's).
project.gitignore.exclude('/.cleanrooms-ml-local/');

// The example stack, synthesized where the local deploy runner and users
// look for it.
const exampleOut = 'examples/lookalike-pipeline/cdk.out';
// It stages the handler bundles, so it builds them first (also on a fresh clone).
const synthExample = project.addTask('synth:example', {
  description: 'Synthesize examples/lookalike-pipeline into examples/lookalike-pipeline/cdk.out',
  env: { CDK_OUTDIR: exampleOut },
});
synthExample.spawn(bundle);
synthExample.exec('ts-node --project examples/tsconfig.json examples/lookalike-pipeline/app.ts');
project.gitignore.exclude(`/${exampleOut}/`);

// `npm run bench`: synth time and memory against the same pipelines written
// with AwsCustomResource, template and handler sizes, and API calls and
// waits on the emulator (bench/run.ts). It synthesizes the library's stacks,
// so it needs the handler bundles, also on a fresh clone.
const bench = project.addTask('bench', {
  description: 'Benchmark the library against hand-written AwsCustomResource pipelines; writes bench/results/latest.json and latest.svg',
});
bench.spawn(bundle);
bench.exec('ts-node --project bench/tsconfig.json bench/run.ts');

// cfn-lint (with AWS's resource schemas) on every template the example and
// the benchmark synthesize (lint/templates.ts), and on the example's under
// the newest aws-cdk-lib too; any finding, warnings included, fails.
// cfn-lint comes from PyPI at the version lint/requirements.txt pins, into a virtualenv of the checkout's own, so CI and developers lint
// with the same rules whatever else the machine has. Synthesizing stages the
// handler bundles, so they are built first.
const cfnLintVenv = 'lint/.venv';
const lintCfn = project.addTask('lint:cfn', {
  description: 'Lint the templates of the example and the benchmark with cfn-lint (installed into lint/.venv from lint/requirements.txt), the example\'s also under the newest aws-cdk-lib',
});
lintCfn.exec(`[ -x ${cfnLintVenv}/bin/pip ] || python3 -m venv ${cfnLintVenv}`);
lintCfn.exec(`${cfnLintVenv}/bin/pip install --quiet --disable-pip-version-check --requirement lint/requirements.txt`);
lintCfn.spawn(bundle);
lintCfn.exec('ts-node --project lint/tsconfig.json lint/cfn-lint.ts');
project.gitignore.exclude(`/${cfnLintVenv}/`);

// `npm run chaos [-- --seed N --lifecycles N --workers N]` (seed 1 and 500
// lifecycles by default): the chaos campaign, whole lifecycles of randomly
// built stacks under random faults on the emulator (chaos/run.ts); prints its figures, exits 1 on any leaked,
// duplicated, unexpected or stuck. It deploys the library's stacks, so it
// needs the handler bundles, also on a fresh clone.
const chaos = project.addTask('chaos', {
  description: 'Chaos campaign: seeded random lifecycles under faults on the emulator (args: --seed N --lifecycles N --workers N)',
});
chaos.spawn(bundle);
chaos.exec('ts-node --project chaos/tsconfig.json chaos/run.ts', { receiveArgs: true });
// CI's slice of it (.ci/run): a fixed seed and a few dozen lifecycles.
const chaosCi = project.addTask('chaos:ci', {
  description: 'A short seeded slice of the chaos campaign, for CI; fails on any leaked, duplicated, unexpected or stuck',
});
chaosCi.spawn(bundle);
chaosCi.exec('ts-node --project chaos/tsconfig.json chaos/run.ts --seed 11 --lifecycles 40');

project.synth();
