/**
 * The comparison the Python, Java and Go apps are verified with
 * (examples/compare-templates.ts): it must report what CloudFormation would
 * deploy differently, and set aside only asset hashes and synth metadata.
 */
import { normalizeTemplate, templateDifferences, typescriptTemplate } from '../../examples/compare-templates';

type Json = any;

const template: Json = typescriptTemplate();
const copy = (): Json => JSON.parse(JSON.stringify(template));
const differences = (other: Json) => templateDifferences(normalizeTemplate(template), normalizeTemplate(other), 'other');

/** The logical id of the first resource of a type. */
function logicalIdOf(type: string, t: Json = template): string {
  const id = Object.keys(t.Resources).find((key) => t.Resources[key].Type === type);
  if (!id) throw new Error(`no ${type} in the example's template`);
  return id;
}

test('the example equals itself', () => {
  expect(differences(copy())).toEqual([]);
});

test('asset hashes, construct paths and CDKMetadata are set aside', () => {
  const other = copy();
  const fn = other.Resources[logicalIdOf('AWS::Lambda::Function')];
  expect(fn.Properties.Code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  fn.Properties.Code.S3Key = `${'0'.repeat(64)}.zip`;
  fn.Metadata = { ...fn.Metadata, 'aws:cdk:path': 'Elsewhere/Function', 'aws:asset:path': `asset.${'1'.repeat(64)}` };
  other.Resources.CDKMetadata = { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:other' } };
  expect(differences(other)).toEqual([]);
});

test('fails on a changed property, naming its path and both values', () => {
  const other = copy();
  const id = logicalIdOf('AWS::CleanRoomsML::TrainingDataset');
  other.Resources[id].Properties.Description = 'something else';
  expect(differences(other)).toEqual([
    `Resources.${id}.Properties.Description: typescript ${JSON.stringify(template.Resources[id].Properties.Description)}, other "something else"`,
  ]);
});

test('fails on a missing, an added or a renamed resource', () => {
  const other = copy();
  const id = logicalIdOf('AWS::S3::Bucket');
  other.Resources[`${id}Renamed`] = other.Resources[id];
  delete other.Resources[id];
  const found = differences(other);
  expect(found).toContainEqual(expect.stringMatching(new RegExp(`^Resources\\.${id}: typescript .*, other \\(absent\\)$`)));
  expect(found).toContainEqual(expect.stringMatching(new RegExp(`^Resources\\.${id}Renamed: typescript \\(absent\\), other `)));
});

test('fails on a changed type or dependency, but not on the order of DependsOn', () => {
  const withDependencies = Object.keys(template.Resources).find((key) => (template.Resources[key].DependsOn ?? []).length > 1);
  if (!withDependencies) throw new Error('no resource of the example depends on two others');

  const reordered = copy();
  reordered.Resources[withDependencies].DependsOn.reverse();
  expect(differences(reordered)).toEqual([]);

  const fewer = copy();
  fewer.Resources[withDependencies].DependsOn.pop();
  expect(differences(fewer).length).toBeGreaterThan(0);
  for (const found of differences(fewer)) expect(found).toMatch(new RegExp(`^Resources\\.${withDependencies}\\.DependsOn\\.`));

  const retyped = copy();
  retyped.Resources[withDependencies].Type = 'Custom::Other';
  expect(differences(retyped)).toEqual([
    `Resources.${withDependencies}.Type: typescript ${JSON.stringify(template.Resources[withDependencies].Type)}, other "Custom::Other"`,
  ]);
});

test('fails on other metadata, parameters and outputs', () => {
  const other = copy();
  const id = logicalIdOf('AWS::Lambda::Function');
  other.Resources[id].Metadata = { ...other.Resources[id].Metadata, cdk_nag: { rules_to_suppress: [] } };
  other.Parameters = { ...other.Parameters, Extra: { Type: 'String' } };
  other.Outputs = { Out: { Value: 'x' } };
  expect(differences(other)).toEqual([
    'Outputs: typescript (absent), other {"Out":{"Value":"x"}}',
    'Parameters.Extra: typescript (absent), other {"Type":"String"}',
    `Resources.${id}.Metadata.cdk_nag: typescript (absent), other {"rules_to_suppress":[]}`,
  ]);
});
