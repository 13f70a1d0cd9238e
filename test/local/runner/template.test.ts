import { evaluateCondition, IntrinsicError, NO_VALUE, ResolveContext, resolveValue } from '../../../src/local/runner/intrinsics';
import { deploymentOrder, Template, validateTemplate } from '../../../src/local/runner/template';

const context: ResolveContext = {
  region: 'eu-west-1',
  mappings: { Sizes: { 'eu-west-1': { value: 'large' } } },
  ref: (name) => ({
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '111122223333',
    'AWS::Partition': 'aws',
    'AWS::NoValue': NO_VALUE,
    'Env': 'prod',
    'Bucket': 'my-bucket',
  } as Record<string, unknown>)[name],
  getAtt: (logicalId, attribute) => `${logicalId}/${attribute}`,
  condition: (name) => name === 'IsProd',
  importValue: (name) => `imported:${name}`,
};

test('resolves the intrinsic functions and pseudo parameters CDK templates use', () => {
  expect(resolveValue({
    Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }]] },
    Sub: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role.Name}-${!Literal}' },
    SubWithVariables: { 'Fn::Sub': ['${Greeting}, ${Env}', { Greeting: { 'Fn::Select': [1, { 'Fn::Split': [',', 'hi,hello'] }] } }] },
    If: { 'Fn::If': ['IsProd', 'big', 'small'] },
    Mapped: { 'Fn::FindInMap': ['Sizes', { Ref: 'AWS::Region' }, 'value'] },
    Zones: { 'Fn::GetAZs': '' },
    Base64: { 'Fn::Base64': 'hi' },
    Imported: { 'Fn::ImportValue': 'SharedTable' },
    Json: { 'Fn::ToJsonString': { a: [1, { Ref: 'Env' }] } },
    Dropped: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] },
    List: ['a', { Ref: 'AWS::NoValue' }, 'b'],
    Statement: { Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
  }, context)).toEqual({
    Arn: 'arn:aws:s3:::my-bucket',
    Sub: 'arn:aws:iam::111122223333:role/Role/Name-${Literal}',
    SubWithVariables: 'hello, prod',
    If: 'big',
    Mapped: 'large',
    Zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    Base64: 'aGk=',
    Imported: 'imported:SharedTable',
    Json: '{"a":[1,"prod"]}',
    List: ['a', 'b'],
    Statement: { Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } },
  });
});

test('evaluates conditions', () => {
  expect(evaluateCondition({ 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, { 'Fn::Not': [{ Condition: 'IsDev' }] }] }, context)).toBe(true);
  expect(evaluateCondition({ 'Fn::Or': [{ 'Fn::Equals': ['a', 'b'] }, { Condition: 'IsDev' }] }, context)).toBe(false);
});

test('fails on functions the runner cannot evaluate', () => {
  expect(() => resolveValue({ 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }, context)).toThrow(new IntrinsicError('Template error: Fn::Cidr is not supported by the local runner'));
  expect(() => resolveValue({ 'Fn::Select': [5, ['a']] }, context)).toThrow(/Fn::Select cannot select index 5/);
});

const resource = (properties: object = {}, dependsOn?: string[]): Template['Resources'][string] =>
  ({ Type: 'AWS::SNS::Topic', Properties: properties as never, ...(dependsOn ? { DependsOn: dependsOn } : {}) });

test('orders resources after what they reference through DependsOn, Ref, Fn::GetAtt and Fn::Sub', () => {
  const template: Template = {
    Resources: {
      D: resource({ Name: { 'Fn::Sub': '${C.Arn}-${AWS::Region}' } }),
      C: resource({ Name: { 'Fn::GetAtt': ['B', 'Arn'] } }),
      B: resource({ Name: { Ref: 'A' } }),
      E: resource({}, ['D']),
      A: resource(),
    },
  };

  expect(deploymentOrder(template, new Set(Object.keys(template.Resources)))).toEqual(['A', 'B', 'C', 'D', 'E']);
});

test('fails validation on unresolved references and circular dependencies, as CloudFormation does before starting', () => {
  expect(() => validateTemplate({ Resources: { A: resource({ Name: { Ref: 'Nowhere' } }) } }))
    .toThrow('Template format error: Unresolved resource dependencies [Nowhere] in the Resources block of the template');
  expect(() => validateTemplate({ Resources: { A: resource({ Name: { Ref: 'B' } }), B: resource({ Name: { 'Fn::GetAtt': ['A', 'Arn'] } }) } }))
    .toThrow('Circular dependency between resources: [A, B]');
  expect(() => validateTemplate({ Transform: 'AWS::Serverless-2016-10-31', Resources: { A: resource() } })).toThrow(/transforms .* are not supported/);
});
