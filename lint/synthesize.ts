/**
 * Synthesizes templates of lint/templates.ts in a process of its own, so
 * that the same list can be synthesized under another aws-cdk-lib:
 *
 *   ts-node [-r ./lint/newest-aws-cdk-lib.ts] lint/synthesize.ts DIR [NAME ...]
 *
 * Prints `{"awsCdkLib": <version>, "templates": [{"name", "file"}, …]}` on
 * stdout. With NAMEs, only those templates.
 */
import { CHECKED_TEMPLATES, synthesizeTemplates } from './templates';

/** What the process prints. */
export interface SynthesisReport {
  /** The aws-cdk-lib the templates were synthesized with. */
  readonly awsCdkLib: string;
  readonly templates: Array<{ readonly name: string; readonly file: string }>;
}

const [dir, ...names] = process.argv.slice(2);
if (!dir) {
  throw new Error('usage: synthesize.ts DIR [NAME ...]');
}
const unknown = names.filter((name) => !CHECKED_TEMPLATES.some((template) => template.name === name));
if (unknown.length > 0) {
  throw new Error(`no such template: ${unknown.join(', ')}`);
}
const templates = CHECKED_TEMPLATES.filter((template) => names.length === 0 || names.includes(template.name));
const report: SynthesisReport = {
  // Through require, so that a mapped aws-cdk-lib (newest-aws-cdk-lib.ts) reports its own version.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  awsCdkLib: require('aws-cdk-lib/package.json').version,
  templates: synthesizeTemplates(dir, templates),
};
process.stdout.write(JSON.stringify(report));
