import { Aspects, Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ACCOUNT,
  cleanRoomsMlPattern,
  COLLABORATION_ID,
  CONFIGURED_ARN,
  createdConfiguredModel,
  EXPORT_TYPE,
  generationJob,
  handlerStatements,
  JOB_ARN,
  JOB_TYPE,
  MEMBERSHIP_ARN,
  newStack,
  onlyResource,
  REGION,
  seedBucket,
  synthErrorOf,
  validationErrorOf,
} from './job-fixtures';
import { AudienceGenerationJob, AudienceSize, SeedAudience } from '../../src';

describe('AudienceGenerationJob', () => {
  test('defines a Custom::CleanRoomsMLAudienceGenerationJob with the job properties', () => {
    const stack = newStack();
    generationJob(stack, {
      audienceGenerationJobName: 'lookalikes-2024',
      description: 'Lookalikes of 2024 buyers',
      includeSeedInOutput: true,
      collaborationId: COLLABORATION_ID,
    });

    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('JobSeedRole'))!;
    template.hasResourceProperties(JOB_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('CleanRoomsMlProviderframeworkonEvent'), 'Arn'] },
      Name: 'lookalikes-2024',
      Description: 'Lookalikes of 2024 buyers',
      ConfiguredAudienceModelArn: CONFIGURED_ARN,
      SeedRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      SeedS3Uri: Match.anyValue(),
      IncludeSeedInOutput: true,
      CollaborationId: COLLABORATION_ID,
      TimeoutSeconds: 3600,
      // ServiceTimeout (3600) and the first AttributesRevision are CloudFormation's and the handler's defaults: not written.
    });
  });

  test('leaves the name to the handler when none is given, and reads it back as an attribute', () => {
    const stack = newStack();
    const job = generationJob(stack);

    const { id, resource } = onlyResource(Template.fromStack(stack), JOB_TYPE);
    expect(resource.Properties.Name).toBeUndefined();
    expect(stack.resolve(job.audienceGenerationJobName)).toEqual({ 'Fn::GetAtt': [id, 'Name'] });
  });

  test('exposes the ARN, id, status and metrics as attributes of the custom resource', () => {
    const stack = newStack();
    const job = generationJob(stack);
    const { id } = onlyResource(Template.fromStack(stack), JOB_TYPE);

    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
    expect(stack.resolve(job.audienceGenerationJobArn)).toEqual(getAtt('AudienceGenerationJobArn'));
    expect(stack.resolve(job.attrStatus)).toEqual(getAtt('Status'));
    expect(stack.resolve(job.attrRelevanceMetrics)).toEqual(getAtt('RelevanceMetrics'));
    expect(stack.resolve(job.attrRecallMetric)).toEqual(getAtt('RecallMetric'));
    expect(stack.resolve(job.audienceGenerationJobId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', getAtt('AudienceGenerationJobArn')] }] }] }],
    });
  });

  test('relevanceScore(size) reads the score of one size, and asks the handler for it (once per size)', () => {
    const stack = newStack();
    const job = generationJob(stack);
    const score = job.relevanceScore(AudienceSize.absolute(10_000));
    job.relevanceScore(AudienceSize.absolute(10_000));
    job.relevanceScore(AudienceSize.percentage(5));

    const template = Template.fromStack(stack);
    const { id, resource } = onlyResource(template, JOB_TYPE);
    expect(stack.resolve(score)).toEqual({ 'Fn::GetAtt': [id, 'RelevanceScore.ABSOLUTE.10000'] });
    expect(resource.Properties.RelevanceScoreSizes).toEqual(['ABSOLUTE:10000', 'PERCENTAGE:5']);
  });

  test('asks for no scores when none is read', () => {
    const stack = newStack();
    generationJob(stack);

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { RelevanceScoreSizes: Match.absent() });
  });

  test('depends on a configured audience model of the same stack, and may start jobs with it without a dependency cycle', () => {
    const stack = newStack();
    const configured = createdConfiguredModel(stack);
    generationJob(stack, { configuredAudienceModel: configured });

    const template = Template.fromStack(stack);
    const configuredId = onlyResource(template, 'Custom::CleanRoomsMLConfiguredAudienceModel').id;
    template.hasResourceProperties(JOB_TYPE, { ConfiguredAudienceModelArn: { 'Fn::GetAtt': [configuredId, 'ConfiguredAudienceModelArn'] } });
    expect(handlerStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'cleanrooms-ml:StartAudienceGenerationJob',
      Resource: [cleanRoomsMlPattern('configured-audience-model'), cleanRoomsMlPattern('audience-generation-job')],
    });
  });

  test('gives the handler only the job actions it needs: start on the model and jobs, the rest on jobs, the list on *', () => {
    const stack = newStack();
    generationJob(stack);

    const statements = handlerStatements(Template.fromStack(stack));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'cleanrooms-ml:StartAudienceGenerationJob',
      Resource: [CONFIGURED_ARN, cleanRoomsMlPattern('audience-generation-job')],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: [
        'cleanrooms-ml:DeleteAudienceGenerationJob',
        'cleanrooms-ml:GetAudienceGenerationJob',
        'cleanrooms-ml:ListTagsForResource',
        'cleanrooms-ml:TagResource',
        'cleanrooms-ml:UntagResource',
      ],
      Resource: cleanRoomsMlPattern('audience-generation-job'),
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:ListAudienceGenerationJobs', Resource: '*' });
    const wildcards = statements.filter((statement) => statement.Resource === '*').map((statement) => statement.Action);
    expect(wildcards).toEqual(['cleanrooms-ml:ListAudienceGenerationJobs']);
  });

  test('lets the handler pass the seed role to Clean Rooms ML only', () => {
    const stack = newStack();
    generationJob(stack);

    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('JobSeedRole'))!;
    expect(handlerStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'cleanrooms-ml.amazonaws.com' } },
    });
  });

  test('creates a seed role trusted by Clean Rooms ML for this account\'s generation jobs only', () => {
    const stack = newStack();
    const job = generationJob(stack);

    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('JobSeedRole'))!;
    expect(template.findResources('AWS::IAM::Role')[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'cleanrooms-ml.amazonaws.com' },
      Condition: {
        StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
        ArnLikeIfExists: { 'aws:SourceArn': cleanRoomsMlPattern('audience-generation-job') },
      },
    }]);
    expect(stack.resolve(job.seedRole.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test('no statement of the seed role or of the handler\'s job grants has Resource "*" beyond the List actions', () => {
    const stack = newStack();
    generationJob(stack, {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, queryString: 'SELECT 1' }),
    });

    const template = Template.fromStack(stack);
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^JobSeedRole') } }));
    const seedStatements = policies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    expect(seedStatements.length).toBeGreaterThan(0);
    expect(JSON.stringify(seedStatements)).not.toContain('"Resource":"*"');
    for (const statement of handlerStatements(template).filter((entry) => entry.Resource === '*')) {
      expect(statement.Action).toMatch(/^cleanrooms-ml:List/);
    }
  });

  test('the seed role can read before the job starts: the custom resource depends on its policy', () => {
    const stack = newStack();
    generationJob(stack);

    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^JobSeedRole') } }))[0];
    expect(onlyResource(template, JOB_TYPE).resource.DependsOn).toContain(policyId);
  });

  test('a given seed role is used as is, granted the seed access, and no role is created', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('cleanrooms-ml.amazonaws.com') });
    const job = generationJob(stack, { seedRole: role });

    const template = Template.fromStack(stack);
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => !/^CleanRoomsMl(Provider|TrainingPoller)/.test(id));
    expect(roles).toEqual([expect.stringMatching(/^Reader/)]);
    expect(job.seedRole).toBe(role);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roles[0] }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) },
    });
  });

  test('passes the construct timeout to the handler', () => {
    const stack = newStack();
    generationJob(stack, { timeout: Duration.minutes(30) });

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { TimeoutSeconds: 1800 });
  });

  test('is deleted with the stack by default, and kept with RemovalPolicy.RETAIN', () => {
    const stack = newStack();
    generationJob(stack, {}, 'Destroyed');
    generationJob(stack, { removalPolicy: RemovalPolicy.RETAIN }, 'Retained');

    const template = Template.fromStack(stack);
    template.hasResource(JOB_TYPE, { Properties: Match.anyValue(), DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
    template.hasResource(JOB_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('renders Tags.of() tags into the Tags property, and none when there are none', () => {
    const stack = newStack();
    const tagged = generationJob(stack, {}, 'Tagged');
    generationJob(stack, {}, 'Untagged');
    Tags.of(tagged).add('team', 'growth');

    const template = Template.fromStack(stack);
    template.hasResourceProperties(JOB_TYPE, { Tags: { team: 'growth' } });
    template.hasResourceProperties(JOB_TYPE, { Tags: Match.absent() });
  });

  test('export() defines an export of this job as a child construct', () => {
    const stack = newStack();
    const job = generationJob(stack, { configuredAudienceModel: createdConfiguredModel(stack) });
    const exported = job.export('Top10k', { audienceSize: AudienceSize.absolute(10_000), description: 'Top 10k' });

    const template = Template.fromStack(stack);
    const jobId = onlyResource(template, JOB_TYPE).id;
    expect(exported.node.path).toBe('TestStack/Job/Top10k');
    template.hasResourceProperties(EXPORT_TYPE, {
      AudienceGenerationJobArn: { 'Fn::GetAtt': [jobId, 'AudienceGenerationJobArn'] },
      AudienceSizeType: 'ABSOLUTE',
      AudienceSizeValue: 10_000,
      Description: 'Top 10k',
    });
  });

  test('grantRead lets a principal describe the job', () => {
    const stack = newStack();
    const job = generationJob(stack);
    const role = new iam.Role(stack, 'Viewer', { assumedBy: new iam.AccountRootPrincipal() });
    job.grantRead(role);

    const template = Template.fromStack(stack);
    const jobId = onlyResource(template, JOB_TYPE).id;
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Viewer') }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'cleanrooms-ml:GetAudienceGenerationJob', Resource: { 'Fn::GetAtt': [jobId, 'AudienceGenerationJobArn'] } }],
      },
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions findings on its own resources or the grants it adds to the provider', () => {
    const stack = newStack();
    const job = generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), 'seeds/') });
    generationJob(stack, {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({
        membershipArn: MEMBERSHIP_ARN,
        queryString: 'SELECT 1',
        parameters: secretsmanager.Secret.fromSecretNameV2(stack, 'Params', 'seed-params'),
      }),
    }, 'SqlJob');
    job.export('Export', { audienceSize: AudienceSize.absolute(10_000) });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    const annotations = Annotations.fromStack(stack);
    const findings = [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
    ].filter((finding) => /^\/TestStack\/(Job|SqlJob|CleanRoomsMlProvider\/HandlerPolicy)\//.test(finding.id));
    expect(findings.map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`)).toEqual([]);
  });

  describe('validation', () => {
    test('fails when audienceGenerationJobName is longer than 63 characters', () => {
      const error = validationErrorOf(() => generationJob(newStack(), { audienceGenerationJobName: 'j'.repeat(64) }));
      expect(error.message).toBe(`TestStack/Job: audienceGenerationJobName must be 1–63 characters, got "${'j'.repeat(64)}" (64 characters)`);
    });

    test('fails when audienceGenerationJobName is only white space', () => {
      const error = validationErrorOf(() => generationJob(newStack(), { audienceGenerationJobName: ' \t ' }));
      expect(error.message).toBe('TestStack/Job: audienceGenerationJobName must not be only white space, got " \\t "');
    });

    test('fails when description is longer than 255 characters', () => {
      const error = validationErrorOf(() => generationJob(newStack(), { description: 'd'.repeat(256) }));
      expect(error.message).toMatch(/^TestStack\/Job: description must be 0–255 characters, got "d{64}"… \(256 characters\)$/);
    });

    test('fails when collaborationId is not a lower-case UUID', () => {
      const error = validationErrorOf(() => generationJob(newStack(), { collaborationId: COLLABORATION_ID.toUpperCase() }));
      expect(error.message).toBe(
        `TestStack/Job: collaborationId must be a collaboration id (a lower-case UUID, 36 characters), got "${COLLABORATION_ID.toUpperCase()}"`,
      );
    });

    test('fails when timeout is shorter than 5 minutes', () => {
      const error = validationErrorOf(() => generationJob(newStack(), { timeout: Duration.minutes(4) }));
      expect(error.message).toMatch(/^TestStack\/Job: timeout must be between 5 minutes and 72 hours, got 4 minutes$/);
    });

    test('fails when the seed role is in another account', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::444455556666:role/seed-reader');
      const error = validationErrorOf(() => generationJob(stack, { seedRole: role }));
      expect(error.message).toBe(`TestStack/Job: seedRole must be in the stack's account (${ACCOUNT}), got "arn:aws:iam::444455556666:role/seed-reader"`);
    });

    test('fails when a tag key is reserved for the library', () => {
      const stack = newStack();
      Tags.of(generationJob(stack)).add('cdk-cleanrooms-ml:creation-token', 'forged');
      expect(synthErrorOf(stack)).toContain(
        'TestStack/Job: tags key must not start with aws: or cdk-cleanrooms-ml: (reserved), got "cdk-cleanrooms-ml:creation-token"',
      );
    });

    test('fails when relevanceScore is asked for a size that is not a whole number', () => {
      const job = generationJob(newStack());
      const error = validationErrorOf(() => job.relevanceScore(AudienceSize.absolute(10.5)));
      expect(error.message).toBe('TestStack/Job: relevanceScore size must be a whole number of at least 1 known at synthesis, got 10.5');
    });
  });

  describe('import', () => {
    test('fromAudienceGenerationJobArn knows the ARN, id, account and region', () => {
      const stack = newStack();
      const imported = AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'Imported', JOB_ARN);

      expect(imported.audienceGenerationJobArn).toBe(JOB_ARN);
      expect(imported.audienceGenerationJobId).toBe('d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a');
      expect(imported.audienceGenerationJobName).toBeUndefined();
      expect(imported.configuredAudienceModel).toBeUndefined();
      expect(imported.env).toEqual({ account: ACCOUNT, region: REGION });
    });

    test('an imported job can be exported: the handler may start exports of that job only', () => {
      const stack = newStack();
      const imported = AudienceGenerationJob.fromAudienceGenerationJobAttributes(stack, 'Imported', {
        audienceGenerationJobArn: JOB_ARN,
        audienceGenerationJobName: 'lookalikes',
      });
      imported.export('Export', { audienceSize: AudienceSize.percentage(5) });

      const template = Template.fromStack(stack);
      template.hasResourceProperties(EXPORT_TYPE, { AudienceGenerationJobArn: JOB_ARN, AudienceSizeType: 'PERCENTAGE', AudienceSizeValue: 5 });
      expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:StartAudienceExportJob', Resource: JOB_ARN });
      expect(imported.audienceGenerationJobName).toBe('lookalikes');
    });

    test('fails when the ARN is not an audience generation job ARN', () => {
      const error = validationErrorOf(() => AudienceGenerationJob.fromAudienceGenerationJobArn(newStack(), 'Imported', CONFIGURED_ARN));
      expect(error.message).toMatch(new RegExp(
        '^TestStack/Imported: audienceGenerationJobArn must be an audience generation job ARN ' +
        '\\(arn:<partition>:cleanrooms-ml:<region>:<account>:audience-generation-job/<id>\\), got "arn:aws:cleanrooms-ml:eu-west-1:111122223333:configured-audience',
      ));
    });
  });
});
