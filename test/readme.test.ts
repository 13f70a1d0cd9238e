import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// Every TypeScript example in the READMEs must compile as a user would write
// it: `cdk-cleanrooms-ml` and `cdk-cleanrooms-ml-local` resolve to the
// installed (workspace) packages, `aws-cdk-lib` to the release this test run
// uses (the oldest supported or the newest).
const ROOT = path.join(__dirname, '..');
const AWS_CDK_LIB = path.dirname(require.resolve('aws-cdk-lib/package.json'));

function typescriptBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    blocks.push(match[1]);
  }
  return blocks;
}

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const blocks = typescriptBlocks(readme);

  test('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  test('every TypeScript example compiles', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
    const files = blocks.map((code, index) => {
      const file = path.join(dir, `example-${index + 1}.ts`);
      // Each block is its own module, as a user's file would be.
      fs.writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
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
        ? `${path.basename(diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}: `
        : '';
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(diagnostics).toEqual([]);
  });
});
