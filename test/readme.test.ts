import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// Every TypeScript example in the READMEs must compile as a user would write
// it: `cdk-cleanrooms-ml` and `cdk-cleanrooms-ml-local` resolve to the
// installed (workspace) packages, `aws-cdk-lib` to the release this test run
// uses (the oldest supported or the newest), and jest's globals are there
// for the examples that are tests.
const ROOT = path.join(__dirname, '..');
const AWS_CDK_LIB = path.dirname(require.resolve('aws-cdk-lib/package.json'));

/** The READMEs whose ```ts blocks are compiled, and whether they must have any. */
const READMES: ReadonlyArray<{ readonly file: string; readonly hasExamples: boolean }> = [
  { file: 'README.md', hasExamples: true },
  // The construct library's package README (what npm and PyPI show).
  { file: 'packages/cdk-cleanrooms-ml/README.md', hasExamples: true },
  { file: 'packages/cdk-cleanrooms-ml-local/README.md', hasExamples: true },
];

function typescriptBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    blocks.push(match[1]);
  }
  return blocks;
}

function blocksOf(readme: string): string[] {
  return typescriptBlocks(fs.readFileSync(path.join(ROOT, readme), 'utf-8'));
}

describe.each(READMES.filter((readme) => readme.hasExamples))('$file', ({ file }) => {
  test('has TypeScript examples', () => {
    expect(blocksOf(file).length).toBeGreaterThan(0);
  });
});

test('every TypeScript example of the READMEs compiles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
  // One program for all of them (aws-cdk-lib's declarations are read once);
  // each block is its own module, as a user's file would be, named after its README.
  const files = READMES.flatMap(({ file }) => blocksOf(file).map((code, index) => {
    const example = path.join(dir, path.dirname(file), `${path.basename(file, '.md')}-example-${index + 1}.ts`);
    fs.mkdirSync(path.dirname(example), { recursive: true });
    fs.writeFileSync(example, `${code}\nexport {};\n`);
    return example;
  }));
  expect(files.length).toBeGreaterThan(0);
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node', 'jest'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: {
      'aws-cdk-lib': [AWS_CDK_LIB],
      'aws-cdk-lib/*': [`${AWS_CDK_LIB}/*`],
      '*': ['node_modules/*'],
    },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file && diagnostic.start !== undefined
      ? `${path.relative(dir, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}: `
      : '';
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(diagnostics).toEqual([]);
});
