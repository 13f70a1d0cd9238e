import { IntrinsicError, ResolverSources, TemplateResolver } from '../../src/runner/intrinsics';
import { deploymentOrder, Template, validateTemplate } from '../../src/runner/template';

const template: Template = {
  Parameters: { Env: { Type: 'String' }, Zones: { Type: 'CommaDelimitedList' } },
  Mappings: { Sizes: { 'eu-west-1': { value: 'large' } } },
  Conditions: {
    IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
    IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
    IsProdInIreland: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }] },
  },
  Resources: {},
};

const sources: ResolverSources = {
  template,
  parameters: { Env: 'prod', Zones: 'a,b' },
  pseudoParameters: { 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '111122223333', 'AWS::Partition': 'aws', 'AWS::StackName': 'Stack' },
  resourceRef: (logicalId) => {
    if (logicalId === 'Bucket') return 'my-bucket';
    throw new IntrinsicError(`Template error: instance of Fn::GetAtt / Ref references undefined resource ${logicalId}`);
  },
  attribute: (logicalId, name) => {
    if (name === 'Missing') throw new IntrinsicError(`no ${name} in ${logicalId}`);
    return name === 'Empty' ? '' : `${logicalId}/${name}`;
  },
  exports: () => new Map([['SharedTable', 'table-1']]),
  stackOutput: ({ stackName, outputName, region, roleArn }) => {
    if (stackName !== 'Network' || outputName === 'Missing') throw new IntrinsicError(`no output ${outputName} of ${stackName}`);
    return [outputName, region ?? 'here', roleArn?.split(':')[4] ?? 'same-account'].join('@');
  },
};

test('resolves the intrinsic functions and pseudo parameters CDK templates use', () => {
  const resolver = new TemplateResolver(sources);

  expect(resolver.resolve({
    Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }]] },
    Sub: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role.Name}-${Bucket}-${!Literal}' },
    SubWithVariables: { 'Fn::Sub': ['${Greeting}, ${Env} ${AWS::StackName}', { Greeting: { 'Fn::Select': [1, { 'Fn::Split': [',', 'hi,hello'] }] } }] },
    If: { 'Fn::If': ['IsProdInIreland', 'big', 'small'] },
    Mapped: { 'Fn::FindInMap': ['Sizes', { Ref: 'AWS::Region' }, 'value'] },
    Zones: { 'Fn::GetAZs': '' },
    ListParameter: { Ref: 'Zones' },
    Base64: { 'Fn::Base64': { 'Fn::Sub': 'hi ${Env}' } },
    Imported: { 'Fn::ImportValue': 'SharedTable' },
    Dropped: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] },
    List: ['a', { Ref: 'AWS::NoValue' }, 'b'],
    ShortGetAtt: { 'Fn::GetAtt': 'Thing.Nested.Key' },
    EmptyAttribute: { 'Fn::GetAtt': ['Thing', 'Empty'] },
  })).toEqual({
    Arn: 'arn:aws:s3:::my-bucket',
    Sub: 'arn:aws:iam::111122223333:role/Role/Name-my-bucket-${Literal}',
    SubWithVariables: 'hello, prod Stack',
    If: 'big',
    Mapped: 'large',
    Zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    ListParameter: ['a', 'b'],
    Base64: 'aGkgcHJvZA==',
    Imported: 'table-1',
    List: ['a', 'b'],
    ShortGetAtt: 'Thing/Nested.Key',
    EmptyAttribute: '',
  });
});

test('keeps objects as written around the intrinsics: single keys holding lists, and IAM conditions with several operators', () => {
  const resolver = new TemplateResolver(sources);

  expect(resolver.resolve({
    Wrapper: { Items: ['a', { Ref: 'Bucket' }] },
    Statement: {
      Effect: 'Allow',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' } },
      },
    },
  })).toEqual({
    Wrapper: { Items: ['a', 'my-bucket'] },
    Statement: {
      Effect: 'Allow',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111122223333' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' },
      },
    },
  });
});

test('evaluates conditions', () => {
  const resolver = new TemplateResolver(sources);
  const dev = new TemplateResolver({ ...sources, parameters: { Env: 'dev', Zones: '' } });

  expect([resolver.condition('IsProd'), resolver.condition('IsDev'), resolver.condition('IsProdInIreland')]).toEqual([true, false, true]);
  expect([dev.condition('IsProd'), dev.condition('IsDev'), dev.condition('IsProdInIreland')]).toEqual([false, true, false]);
  expect(() => resolver.condition('Nowhere')).toThrow(new IntrinsicError('Template error: unresolved condition dependency Nowhere'));
});

test('fails only on the values a taken branch uses', () => {
  const resolver = new TemplateResolver(sources);

  expect(resolver.resolve({
    Topic: { 'Fn::If': ['IsDev', { Ref: 'DevOnlyTopic' }, { Ref: 'AWS::NoValue' }] },
    Name: { 'Fn::If': ['IsDev', { 'Fn::GetAtt': ['Thing', 'Missing'] }, 'prod-name'] },
  })).toEqual({ Name: 'prod-name' });
  expect(() => resolver.resolve({ Topic: { 'Fn::If': ['IsProd', { Ref: 'DevOnlyTopic' }, 'none'] } }))
    .toThrow(new IntrinsicError('Template error: instance of Fn::GetAtt / Ref references undefined resource DevOnlyTopic'));
  expect(() => resolver.resolve({ Name: { 'Fn::Sub': 'name-${Thing.Missing}' } })).toThrow(new IntrinsicError('no Missing in Thing'));
});

test('fails on functions and values the runner cannot evaluate', () => {
  const resolver = new TemplateResolver(sources);

  expect(() => resolver.resolve({ 'Fn::Cidr': ['10.0.0.0/16', 4, 8] })).toThrow(new IntrinsicError('Template error: Fn::Cidr is not supported by the local runner'));
  // Only with the AWS::LanguageExtensions transform, which the runner refuses.
  expect(() => resolver.resolve({ 'Fn::ToJsonString': { a: 1 } })).toThrow(/Fn::ToJsonString is not supported/);
  expect(() => resolver.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(new IntrinsicError('Template error: Index 5 is out of bound.'));
  expect(() => resolver.resolve({ Size: { 'Fn::FindInMap': ['Sizes', 'eu-west-1', 'colour'] } }))
    .toThrow(new IntrinsicError('Template error: Unable to get mapping for Sizes::eu-west-1::colour'));
  expect(() => resolver.resolve({ Table: { 'Fn::ImportValue': 'Elsewhere' } })).toThrow(new IntrinsicError('No export named Elsewhere found.'));
});

test('resolves Fn::GetStackOutput as CloudFormation documents it, its arguments resolved, inside other functions too', () => {
  const resolver = new TemplateResolver(sources);

  expect(resolver.resolve({
    Plain: { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'VpcId' } },
    // aws-cdk-lib's weak references name the region; env-agnostic stacks with Ref AWS::Region.
    Cdk: { 'Fn::GetStackOutput': { StackName: 'Network', Region: { Ref: 'AWS::Region' }, OutputName: 'QueueArn' } },
    CrossAccount: { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'Key', RoleArn: 'arn:aws:iam::444455556666:role/Reader' } },
    Joined: { 'Fn::Join': ['/', ['prefix', { 'Fn::GetStackOutput': { StackName: { 'Fn::Join': ['', ['Net', 'work']] }, OutputName: 'VpcId' } }]] },
    Sub: { 'Fn::Sub': ['vpc=${Vpc}', { Vpc: { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'VpcId' } } }] },
    NotTaken: { 'Fn::If': ['IsDev', { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'Missing' } }, 'prod'] },
  })).toEqual({
    Plain: 'VpcId@here@same-account',
    Cdk: 'QueueArn@eu-west-1@same-account',
    CrossAccount: 'Key@here@444455556666',
    Joined: 'prefix/VpcId@here@same-account',
    Sub: 'vpc=VpcId@here@same-account',
    NotTaken: 'prod',
  });
});

test('fails on an Fn::GetStackOutput with no such output, or with arguments CloudFormation does not take', () => {
  const resolver = new TemplateResolver(sources);

  expect(() => resolver.resolve({ Vpc: { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'Missing' } } }))
    .toThrow(new IntrinsicError('no output Missing of Network'));
  expect(() => resolver.resolve({ Vpc: { 'Fn::GetStackOutput': ['Network', 'VpcId'] } })).toThrow(/Fn::GetStackOutput takes .*, got \["Network","VpcId"\]/);
  expect(() => resolver.resolve({ Vpc: { 'Fn::GetStackOutput': { StackName: 'Network' } } })).toThrow(/Fn::GetStackOutput takes .*, got \{"StackName":"Network"\}/);
  expect(() => resolver.resolve({ Vpc: { 'Fn::GetStackOutput': { StackName: 'Network', OutputName: 'VpcId', Account: '1' } } }))
    .toThrow(/Fn::GetStackOutput takes .*, got Account "1"/);
  expect(() => resolver.resolve({ Vpc: { 'Fn::GetStackOutput': { StackName: { Ref: 'Nowhere' }, OutputName: 'VpcId' } } }))
    .toThrow(new IntrinsicError('Template error: instance of Fn::GetAtt / Ref references undefined resource Nowhere'));
});

const resource = (properties: object = {}, dependsOn?: string[]): Template['Resources'][string] =>
  ({ Type: 'AWS::SNS::Topic', Properties: properties as never, ...(dependsOn ? { DependsOn: dependsOn } : {}) });

test('orders resources after what they reference through DependsOn, Ref, Fn::GetAtt and Fn::Sub', () => {
  const ordered: Template = {
    Resources: {
      D: resource({ Name: { 'Fn::Sub': '${C.Arn}-${AWS::Region}' } }),
      C: resource({ Name: { 'Fn::GetAtt': ['B', 'Arn'] } }),
      B: resource({ Name: { Ref: 'A' } }),
      E: resource({}, ['D']),
      A: resource(),
    },
  };

  expect(deploymentOrder(ordered, new Set(Object.keys(ordered.Resources)))).toEqual(['A', 'B', 'C', 'D', 'E']);
});

test('fails validation on unresolved references and circular dependencies, as CloudFormation does before starting', () => {
  expect(() => validateTemplate({ Resources: { A: resource({ Name: { Ref: 'Nowhere' } }) } }))
    .toThrow('Template format error: Unresolved resource dependencies [Nowhere] in the Resources block of the template');
  expect(() => validateTemplate({ Resources: { A: resource({ Name: { Ref: 'B' } }), B: resource({ Name: { 'Fn::GetAtt': ['A', 'Arn'] } }) } }))
    .toThrow('Circular dependency between resources: [A, B]');
  expect(() => validateTemplate({
    Conditions: { A: { 'Fn::Not': [{ Condition: 'B' }] }, B: { 'Fn::Not': [{ Condition: 'A' }] } },
    Resources: { R: resource() },
  })).toThrow('Circular dependency between conditions: [A, B]');
  expect(() => validateTemplate({ Transform: 'AWS::Serverless-2016-10-31', Resources: { A: resource() } })).toThrow(/transforms .* are not supported/);
});
