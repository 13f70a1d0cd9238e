/**
 * The lookalike pipeline example (examples/lookalike-pipeline): its whole
 * template as a snapshot, what it costs in resources, the security
 * properties of its IAM and resource policies, and cdk-nag's AwsSolutions
 * pack with no unsuppressed finding.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { templateForSnapshot } from 'cdk-cleanrooms-ml-local';
import {
  AwsSolutionsChecks,
  INagLogger,
  NagLoggerComplianceData,
  NagLoggerErrorData,
  NagLoggerNonComplianceData,
  NagLoggerNotApplicableData,
  NagLoggerSuppressedData,
  NagLoggerSuppressedErrorData,
} from 'cdk-nag';
import { EXAMPLE_ENV, LookalikePipelineStack } from '../../examples/lookalike-pipeline/stack';

const PARTNER_ACCOUNT = '111122223333';
const CLEAN_ROOMS_ML = 'cleanrooms-ml.amazonaws.com';

type Json = any;

interface ExampleOptions {
  /** Add a second pipeline to the stack. */
  readonly secondPipeline?: boolean;
  /** Leave the stack environment-agnostic (no account and Region), as many users' stacks are. */
  readonly environmentAgnostic?: boolean;
  /** Apply cdk-nag's AwsSolutions pack, recording its results. */
  readonly nag?: NagRecorder;
}

/** The example stack as app.ts defines it, with a second pipeline when asked. */
function exampleStack(options: ExampleOptions = {}): LookalikePipelineStack {
  const app = new App();
  const stack = new LookalikePipelineStack(app, 'LookalikePipeline', {
    env: options.environmentAgnostic ? undefined : EXAMPLE_ENV,
    partnerAccountId: PARTNER_ACCOUNT,
  });
  if (options.secondPipeline) {
    stack.addPipeline('Loyalty', {
      tableName: 'loyalty_events',
      dataPrefix: 'loyalty/',
      seedKey: 'seeds/loyal-members/',
      outputPrefix: 'loyalty/',
    });
  }
  if (options.nag) {
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true, reports: false, additionalLoggers: [options.nag] }));
  }
  return stack;
}

const templates = new Map<string, Json>();
/** The synthesized template of the example with one or two pipelines (synthesized once). */
function template(pipelines: 1 | 2): Json {
  const key = String(pipelines);
  if (!templates.has(key)) {
    templates.set(key, Template.fromStack(exampleStack({ secondPipeline: pipelines === 2 })).toJSON());
  }
  return templates.get(key);
}

function resources(tpl: Json, predicate: (type: string) => boolean = () => true): Array<[string, Json]> {
  return Object.entries<Json>(tpl.Resources).filter(([, resource]) => predicate(resource.Type));
}

function countOf(tpl: Json, type: string): number {
  return resources(tpl, (t) => t === type).length;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A template value as a string: `Fn::Join` joined, pseudo parameters of the example's partition filled in, other references named. */
function flatten(value: Json): string {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  if (value?.['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return (parts as Json[]).map(flatten).join(separator);
  }
  if (value?.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (value?.Ref) {
    return `<${value.Ref}>`;
  }
  if (value?.['Fn::GetAtt']) {
    return `<${value['Fn::GetAtt'].join('.')}>`;
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

interface PolicyStatementSite {
  /** Logical id of the resource holding the policy. */
  readonly logicalId: string;
  readonly resource: Json;
  readonly statement: Json;
}

/** Every statement of the identity policies (policies, managed policies, roles' inline policies). */
function identityStatements(tpl: Json): PolicyStatementSite[] {
  const sites: PolicyStatementSite[] = [];
  for (const [logicalId, resource] of resources(tpl)) {
    const documents = resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
      ? [resource.Properties.PolicyDocument]
      : resource.Type === 'AWS::IAM::Role'
        ? asArray<Json>(resource.Properties.Policies).map((policy) => policy.PolicyDocument)
        : [];
    for (const document of documents) {
      for (const statement of asArray<Json>(document.Statement)) {
        sites.push({ logicalId, resource, statement });
      }
    }
  }
  return sites;
}

/** The resource policies of the configured audience models, parsed. */
function configuredModelPolicies(tpl: Json): Json[] {
  return resources(tpl, (type) => type === 'Custom::CleanRoomsMLConfiguredAudienceModel')
    .map(([, resource]) => JSON.parse(flatten(resource.Properties.Policy)));
}

/** Every statement of the template: identity, trust, bucket and configured model policies. */
function allStatements(tpl: Json): Json[] {
  const trust = resources(tpl, (type) => type === 'AWS::IAM::Role')
    .flatMap(([, role]) => asArray<Json>(role.Properties.AssumeRolePolicyDocument.Statement));
  const buckets = resources(tpl, (type) => type === 'AWS::S3::BucketPolicy')
    .flatMap(([, policy]) => asArray<Json>(policy.Properties.PolicyDocument.Statement));
  const models = configuredModelPolicies(tpl).flatMap((document) => asArray<Json>(document.Statement));
  return [...identityStatements(tpl).map((site) => site.statement), ...trust, ...buckets, ...models];
}

interface Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: Array<string | { regex: string }>;
}

function suppressionsOf(resource: Json): Suppression[] {
  return resource.Metadata?.cdk_nag?.rules_to_suppress ?? [];
}

/**
 * Actions granted on `Resource: "*"` because they have no resource-level
 * permissions (Service Authorization Reference): the Clean Rooms ML List
 * operations, and nothing else (the stack's state machine does not log to
 * CloudWatch Logs, so no log delivery statement either).
 */
const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = new Set([
  'cleanrooms-ml:ListAudienceModels',
  'cleanrooms-ml:ListConfiguredAudienceModels',
  'cleanrooms-ml:ListAudienceGenerationJobs',
  'cleanrooms-ml:ListAudienceExportJobs',
  'cleanrooms-ml:ListTrainingDatasets',
]);

/** Records what cdk-nag found and suppressed, without printing anything. */
class NagRecorder implements INagLogger {
  public readonly suppressed: Array<{ readonly logicalId: string; readonly ruleId: string; readonly findingId: string }> = [];
  public readonly unsuppressed: string[] = [];

  public onCompliance(_data: NagLoggerComplianceData): void {}
  public onNotApplicable(_data: NagLoggerNotApplicableData): void {}
  public onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.unsuppressed.push(`${data.resource.node.path} ${data.ruleId}${data.findingId === data.ruleId ? '' : `[${data.findingId}]`}`);
  }
  public onError(data: NagLoggerErrorData): void {
    this.unsuppressed.push(`${data.resource.node.path} ${data.ruleId}: ${data.errorMessage}`);
  }
  public onSuppressed(data: NagLoggerSuppressedData): void {
    this.suppressed.push({ logicalId: Stack.of(data.resource).resolve(data.resource.logicalId), ruleId: data.ruleId, findingId: data.findingId });
  }
  public onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.suppressed.push({ logicalId: Stack.of(data.resource).resolve(data.resource.logicalId), ruleId: 'CdkNagValidationFailure', findingId: data.ruleId });
  }
}

describe('lookalike pipeline example', () => {
  test('synthesizes to the reviewed template', () => {
    // The handler bundles' hashes change with every handler change, which
    // their own tests cover; the snapshot is about the template, as a
    // user's would be (cdk-cleanrooms-ml-local's templateForSnapshot).
    expect(templateForSnapshot(template(1))).toMatchSnapshot();
  });

  describe('resources', () => {
    test('one pipeline is 28 CloudFormation resources: 4 Clean Rooms ML custom resources, 3 waits for a 24-hour training and the training dataset, served by 2 Lambda functions', () => {
      const tpl = template(1);
      const byType: Record<string, number> = {};
      for (const [, resource] of resources(tpl)) {
        byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
      }
      expect(byType).toEqual({
        'AWS::CleanRoomsML::TrainingDataset': 1,
        'Custom::CleanRoomsMLAudienceModel': 1,
        'Custom::CleanRoomsMLConfiguredAudienceModel': 1,
        'Custom::CleanRoomsMLAudienceGenerationJob': 1,
        'Custom::CleanRoomsMLAudienceExportJob': 1,
        // The model's default timeout (24 hours) is waited for past the model's own first hour by two wait conditions
        // (12 hours at most each), signalled by the training poller, and the ready resource that reads the ACTIVE model.
        'AWS::CloudFormation::WaitCondition': 2,
        'Custom::CleanRoomsMLWait': 1,
        // Dataset, output and seed roles; the handler role; the poller's.
        'AWS::IAM::Role': 5,
        // The roles' policies (the poller's role has its one inline) and the handler role's permissions for the poller.
        'AWS::IAM::Policy': 5,
        // onEvent (every custom resource's ServiceToken) and isComplete.
        'AWS::Lambda::Function': 2,
        // onEvent's on-failure destination (isComplete), which answers a request whose onEvent invocations all failed.
        'AWS::Lambda::EventInvokeConfig': 1,
        'AWS::Logs::LogGroup': 2,
        // The poller: it completes every operation and signals the wait conditions.
        'AWS::StepFunctions::StateMachine': 1,
        'AWS::S3::Bucket': 2,
        'AWS::S3::BucketPolicy': 2,
      });
      expect(resources(tpl)).toHaveLength(28);
      expect(resources(tpl, (type) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource')).toHaveLength(5);
    });

    test('a second pipeline in the stack adds its 14 resources (11, and 3 waits) and no Lambda function, log group or state machine', () => {
      const one = template(1);
      const two = template(2);
      expect(resources(two)).toHaveLength(resources(one).length + 14);
      expect(resources(two, (type) => type.startsWith('Custom::'))).toHaveLength(10);
      expect(countOf(two, 'AWS::CloudFormation::WaitCondition')).toBe(4);
      expect(countOf(two, 'AWS::CleanRoomsML::TrainingDataset')).toBe(2);
      for (const type of ['AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::StepFunctions::StateMachine']) {
        expect([type, countOf(two, type)]).toEqual([type, countOf(one, type)]);
      }
      expect(countOf(two, 'AWS::Lambda::Function')).toBe(2);
      // Three more roles Clean Rooms ML assumes (dataset, output, seed), each with its policy.
      expect(countOf(two, 'AWS::IAM::Role')).toBe(countOf(one, 'AWS::IAM::Role') + 3);
    });
  });

  describe.each([
    ['one pipeline', 1],
    ['two pipelines', 2],
  ] as const)('security properties with %s', (_name, pipelines) => {
    test('no statement allows every action, or every Clean Rooms ML action', () => {
      const actions = allStatements(template(pipelines)).flatMap((statement) => asArray<string>(statement.Action));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions).not.toContain('*');
      expect(actions.filter((action) => /^cleanrooms-ml:\*/i.test(action))).toEqual([]);
      const negated = allStatements(template(pipelines))
        .filter((statement) => statement.NotAction !== undefined || statement.NotResource !== undefined);
      expect(negated).toEqual([]);
    });

    test('iam:PassRole names the roles Clean Rooms ML assumes, for passing to Clean Rooms ML only', () => {
      const tpl = template(pipelines);
      const passRole = identityStatements(tpl).filter(({ statement }) => asArray<string>(statement.Action).some((action) => /^iam:(PassRole|\*)$/.test(action)));
      expect(passRole).toHaveLength(1);
      for (const { statement } of passRole) {
        expect(asArray(statement.Action)).toEqual(['iam:PassRole']);
        expect(statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': CLEAN_ROOMS_ML } });
        const roles = asArray<Json>(statement.Resource);
        // The output and seed roles of every pipeline, each by its ARN.
        expect(roles).toHaveLength(2 * pipelines);
        for (const role of roles) {
          expect(role).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
          expect(tpl.Resources[role['Fn::GetAtt'][0]].Type).toBe('AWS::IAM::Role');
        }
      }
    });

    test('every role Clean Rooms ML assumes is limited to its resources of this account (aws:SourceAccount, aws:SourceArn)', () => {
      const tpl = template(pipelines);
      const trusted = resources(tpl, (type) => type === 'AWS::IAM::Role').flatMap(([logicalId, role]) =>
        asArray<Json>(role.Properties.AssumeRolePolicyDocument.Statement)
          .filter((statement) => asArray(statement.Principal?.Service).includes(CLEAN_ROOMS_ML))
          .map((statement) => ({ logicalId, statement })));
      // Training dataset, output and seed role of every pipeline.
      expect(trusted).toHaveLength(3 * pipelines);
      const sourceArnTypes = trusted.map(({ statement }) => {
        // The user guide's operators (ml-roles.html): IfExists on both keys.
        expect(Object.keys(statement.Condition).sort()).toEqual(['ArnLikeIfExists', 'StringEqualsIfExists']);
        expect(statement.Condition.StringEqualsIfExists).toEqual({ 'aws:SourceAccount': EXAMPLE_ENV.account });
        const sourceArn = flatten(statement.Condition.ArnLikeIfExists['aws:SourceArn']);
        expect(sourceArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:${EXAMPLE_ENV.region}:${EXAMPLE_ENV.account}:[a-z-]+/\\*$`));
        return sourceArn.split(':')[5].split('/')[0];
      });
      expect([...new Set(sourceArnTypes)].sort()).toEqual(['audience-generation-job', 'configured-audience-model', 'training-dataset']);
    });

    test('no bucket uses an ACL: S3 delivers the access logs through the log bucket\'s policy, for the audience bucket of this account only', () => {
      const tpl = template(pipelines);
      const buckets = resources(tpl, (type) => type === 'AWS::S3::Bucket');
      // AccessControl is the legacy ACL (cfn-lint W3045); without ObjectOwnership, S3 disables ACLs (BucketOwnerEnforced).
      expect(buckets.map(([, bucket]) => bucket.Properties.AccessControl)).toEqual([undefined, undefined]);
      expect(buckets.map(([, bucket]) => bucket.Properties.OwnershipControls?.Rules[0].ObjectOwnership).filter((owner) => owner !== 'BucketOwnerEnforced')).toEqual([]);
      const logDelivery = allStatements(tpl).filter((statement) => statement.Principal?.Service === 'logging.s3.amazonaws.com');
      expect(logDelivery).toHaveLength(1);
      expect(logDelivery[0]).toMatchObject({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Condition: { StringEquals: { 'aws:SourceAccount': EXAMPLE_ENV.account } },
      });
      expect(flatten(logDelivery[0].Condition.ArnLike['aws:SourceArn'])).toMatch(/^<Audiences[0-9A-F]{8}\.Arn>$/);
      expect(flatten(logDelivery[0].Resource)).toMatch(/^<AccessLogs[0-9A-F]{8}\.Arn>\/audiences\/\*$/);
    });

    test('the configured audience model\'s resource policy names the partner account, never "*"', () => {
      const policies = configuredModelPolicies(template(pipelines));
      expect(policies).toHaveLength(pipelines);
      for (const policy of policies) {
        for (const statement of asArray<Json>(policy.Statement)) {
          expect(statement.NotPrincipal).toBeUndefined();
          expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` });
          expect(JSON.stringify(statement.Principal)).not.toContain('*');
          expect(statement.Action).toBe('cleanrooms-ml:StartAudienceGenerationJob');
        }
      }
    });

    test('"Resource": "*" only for actions without resource-level permissions, each statement with a cdk-nag IAM5 suppression', () => {
      const wildcard = identityStatements(template(pipelines)).filter(({ statement }) => asArray(statement.Resource).includes('*'));
      expect(wildcard.length).toBeGreaterThan(0);
      for (const { logicalId, resource, statement } of wildcard) {
        const extra = asArray<string>(statement.Action).filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.has(action));
        expect([logicalId, extra]).toEqual([logicalId, []]);
        expect(asArray(statement.Resource)).toEqual(['*']);
        const iam5 = suppressionsOf(resource).filter((suppression) => suppression.id === 'AwsSolutions-IAM5');
        expect([logicalId, iam5.some((suppression) => suppression.applies_to?.includes('Resource::*'))]).toEqual([logicalId, true]);
      }
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    const cases: Array<[string, ExampleOptions]> = [
      ['one pipeline', {}],
      ['two pipelines', { secondPipeline: true }],
      ['an environment-agnostic stack', { environmentAgnostic: true }],
    ];
    const runs = new Map<string, { readonly recorder: NagRecorder; readonly template: Json }>();
    /** The example checked by the pack (once per case): what it recorded and the template. */
    function nagRun(name: string): { readonly recorder: NagRecorder; readonly template: Json } {
      if (!runs.has(name)) {
        const recorder = new NagRecorder();
        const stack = exampleStack({ ...cases.find(([caseName]) => caseName === name)![1], nag: recorder });
        const annotations = Annotations.fromStack(stack);
        const rules = Match.stringLikeRegexp('(AwsSolutions|CdkNagValidationFailure)');
        expect(annotations.findError('*', rules)).toEqual([]);
        expect(annotations.findWarning('*', rules)).toEqual([]);
        runs.set(name, { recorder, template: Template.fromStack(stack).toJSON() });
      }
      return runs.get(name)!;
    }

    test.each(cases)('has no unsuppressed finding with %s', (name) => {
      const { recorder } = nagRun(name);
      expect(recorder.unsuppressed).toEqual([]);
      // The pack really ran: the library's reviewed findings were suppressed, not missed.
      expect(recorder.suppressed.length).toBeGreaterThan(0);
    });

    test('every suppression is needed by a finding on its resource, with or without an environment', () => {
      // Whether a function's runtime is a finding (L1) depends on the aws-cdk-lib
      // release and on the stack having a Region: each suppression is needed by one case.
      const byCase = cases.map(([name]) => nagRun(name));
      const used = (logicalId: string, ruleId: string) => byCase.some(({ recorder }) =>
        recorder.suppressed.some((found) => found.logicalId === logicalId && found.ruleId === ruleId));
      const unused = resources(nagRun('one pipeline').template).flatMap(([logicalId, resource]) => suppressionsOf(resource)
        .filter((suppression) => !used(logicalId, suppression.id))
        .map((suppression) => `${logicalId} ${suppression.id}`));
      expect(unused).toEqual([]);
    });

    test('suppressions are resource-scoped, with a reason of at least a sentence, and IAM4/IAM5 ones name what they apply to', () => {
      for (const pipelines of [1, 2] as const) {
        const tpl = template(pipelines);
        expect(tpl.Metadata?.cdk_nag).toBeUndefined();
        const suppressions = resources(tpl).flatMap(([logicalId, resource]) =>
          suppressionsOf(resource).map((suppression) => ({ logicalId, ...suppression })));
        expect(suppressions.length).toBeGreaterThan(0);
        expect(suppressions.filter((suppression) => !/^(AwsSolutions-[A-Z0-9]+|CdkNagValidationFailure)$/.test(suppression.id))).toEqual([]);
        // A sentence: several words, ending with a full stop.
        expect(suppressions.filter((suppression) => !/^\S+(\s+\S+){4,}\.$/.test(suppression.reason))).toEqual([]);
        expect(suppressions.filter((suppression) => ['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'CdkNagValidationFailure'].includes(suppression.id)
          && !(suppression.applies_to && suppression.applies_to.length > 0))).toEqual([]);
      }
    });
  });
});
