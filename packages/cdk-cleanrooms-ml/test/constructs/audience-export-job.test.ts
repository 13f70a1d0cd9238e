import { Duration, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  cleanRoomsMlPattern,
  CONFIGURED_ARN,
  createdConfiguredModel,
  EXPORT_TYPE,
  generationJob,
  handlerStatements,
  JOB_ARN,
  JOB_TYPE,
  newStack,
  onlyResource,
  validationErrorOf,
} from './job-fixtures';
import {
  AudienceExportJob,
  AudienceExportJobProps,
  AudienceGenerationJob,
  AudienceSize,
  AudienceSizeConfig,
  ConfiguredAudienceModel,
} from '../../src';

/** An export of a job whose configured model (created in the stack) offers ABSOLUTE 10,000 and 100,000. */
function exportOfKnownSizes(props: Partial<AudienceExportJobProps> = {}, sizes = AudienceSizeConfig.absolute([10_000, 100_000])) {
  const stack = newStack();
  const job = generationJob(stack, { configuredAudienceModel: createdConfiguredModel(stack, { audienceSizeConfig: sizes }) });
  const exported = new AudienceExportJob(stack, 'Export', { audienceGenerationJob: job, audienceSize: AudienceSize.absolute(10_000), ...props });
  return { stack, job, exported };
}

describe('AudienceExportJob', () => {
  test('defines a Custom::CleanRoomsMLAudienceExportJob of the generation job, with the size, name and description', () => {
    const { stack } = exportOfKnownSizes({ audienceExportJobName: 'top-10k', description: 'The 10,000 closest users' });

    const template = Template.fromStack(stack);
    const jobId = onlyResource(template, JOB_TYPE).id;
    template.hasResourceProperties(EXPORT_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('CleanRoomsMlProviderframeworkonEvent'), 'Arn'] },
      Name: 'top-10k',
      AudienceGenerationJobArn: { 'Fn::GetAtt': [jobId, 'AudienceGenerationJobArn'] },
      AudienceSizeType: 'ABSOLUTE',
      AudienceSizeValue: 10_000,
      Description: 'The 10,000 closest users',
      TimeoutSeconds: 3600,
      // ServiceTimeout (3600) and the first AttributesRevision are CloudFormation's and the handler's defaults: not written.
    });
  });

  test('exposes the name, status and output location as attributes; the name is generated when none is given', () => {
    const { stack, exported } = exportOfKnownSizes();

    const { id, resource } = onlyResource(Template.fromStack(stack), EXPORT_TYPE);
    expect(resource.Properties.Name).toBeUndefined();
    expect(stack.resolve(exported.audienceExportJobName)).toEqual({ 'Fn::GetAtt': [id, 'Name'] });
    expect(stack.resolve(exported.attrStatus)).toEqual({ 'Fn::GetAtt': [id, 'Status'] });
    expect(stack.resolve(exported.attrOutputLocation)).toEqual({ 'Fn::GetAtt': [id, 'OutputLocation'] });
  });

  test('carries no Tags (the service does not tag exports)', () => {
    const { stack } = exportOfKnownSizes();

    Template.fromStack(stack).hasResourceProperties(EXPORT_TYPE, { Tags: Match.absent() });
  });

  test('passes the construct timeout to the handler', () => {
    const { stack } = exportOfKnownSizes({ timeout: Duration.minutes(15) });

    Template.fromStack(stack).hasResourceProperties(EXPORT_TYPE, { TimeoutSeconds: 900 });
  });

  test('gives the handler StartAudienceExportJob on generation jobs and ListAudienceExportJobs (no resource-level permissions) only', () => {
    const { stack } = exportOfKnownSizes();

    const statements = handlerStatements(Template.fromStack(stack));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'cleanrooms-ml:StartAudienceExportJob',
      Resource: cleanRoomsMlPattern('audience-generation-job'),
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:ListAudienceExportJobs', Resource: '*' });
    expect(JSON.stringify(statements)).not.toContain('DeleteAudienceExportJob');
  });

  test('accepts a percentage size of a model that offers percentages', () => {
    const { stack } = exportOfKnownSizes({ audienceSize: AudienceSize.percentage(10) }, AudienceSizeConfig.percentage([5, 10, 25]));

    Template.fromStack(stack).hasResourceProperties(EXPORT_TYPE, { AudienceSizeType: 'PERCENTAGE', AudienceSizeValue: 10 });
  });

  test('checks the size against an imported configured model whose sizes are given', () => {
    const stack = newStack();
    const configured = ConfiguredAudienceModel.fromConfiguredAudienceModelAttributes(stack, 'Configured', {
      configuredAudienceModelArn: CONFIGURED_ARN,
      audienceSizeConfig: AudienceSizeConfig.absolute([50_000]),
    });
    const job = generationJob(stack, { configuredAudienceModel: configured });

    const error = validationErrorOf(() => job.export('Export', { audienceSize: AudienceSize.absolute(10_000) }));
    expect(error.message).toBe('TestStack/Job/Export: audienceSize must be one of the configured audience model\'s audience sizes (ABSOLUTE 50000), got ABSOLUTE 10000');
  });

  test('leaves the size to the service when the configured model\'s sizes are unknown (imported model, imported job)', () => {
    const stack = newStack();
    generationJob(stack).export('FromImportedModel', { audienceSize: AudienceSize.absolute(12_345) });
    AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'Imported', JOB_ARN).export('FromImportedJob', { audienceSize: AudienceSize.absolute(12_345) });

    expect(Object.keys(Template.fromStack(stack).findResources(EXPORT_TYPE))).toHaveLength(2);
  });

  test('skips the size checks when the size is a token', () => {
    const { stack } = exportOfKnownSizes({ audienceSize: AudienceSize.absolute(Token.asNumber({ Ref: 'Size' })) });

    Template.fromStack(stack).hasResourceProperties(EXPORT_TYPE, { AudienceSizeValue: { Ref: 'Size' } });
  });

  describe('validation', () => {
    test('fails, naming audienceSize and listing the bins, when the size is not one of the configured model\'s bins', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceSize: AudienceSize.absolute(50_000) }));
      expect(error.message).toBe(
        'TestStack/Export: audienceSize must be one of the configured audience model\'s audience sizes (ABSOLUTE 10000, 100000), got ABSOLUTE 50000',
      );
    });

    test('fails when the size is of the other type than the configured model\'s bins', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceSize: AudienceSize.percentage(10) }));
      expect(error.message).toBe(
        'TestStack/Export: audienceSize must be one of the configured audience model\'s audience sizes (ABSOLUTE 10000, 100000), got PERCENTAGE 10',
      );
    });

    test('fails when the configured model of this app offers no sizes at all', () => {
      const stack = newStack();
      const job = generationJob(stack, { configuredAudienceModel: createdConfiguredModel(stack, { audienceSizeConfig: undefined }) });
      const error = validationErrorOf(() => job.export('Export', { audienceSize: AudienceSize.absolute(10_000) }));
      expect(error.message).toBe(
        'TestStack/Job/Export: audienceSize must be one of the configured audience model\'s audience sizes, but it has none (give it an audienceSizeConfig), ' +
        'got ABSOLUTE 10000',
      );
    });

    test('fails when an absolute size is 0', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceSize: AudienceSize.absolute(0) }));
      expect(error.message).toBe('TestStack/Export: audienceSize must be a whole number between 1 and 20,000,000 for ABSOLUTE sizes, got ABSOLUTE 0');
    });

    test('fails when an absolute size is above 20,000,000', () => {
      const stack = newStack();
      const job = AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'Imported', JOB_ARN);
      const error = validationErrorOf(() => job.export('Export', { audienceSize: AudienceSize.absolute(20_000_001) }));
      expect(error.message).toBe(
        'TestStack/Imported/Export: audienceSize must be a whole number between 1 and 20,000,000 for ABSOLUTE sizes, got ABSOLUTE 20000001',
      );
    });

    test('fails when a percentage is above 100', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceSize: AudienceSize.percentage(101) }, AudienceSizeConfig.percentage([5])));
      expect(error.message).toBe('TestStack/Export: audienceSize must be a whole number between 1 and 100 for PERCENTAGE sizes, got PERCENTAGE 101');
    });

    test('fails when the size is not a whole number', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceSize: AudienceSize.absolute(10_000.5) }));
      expect(error.message).toMatch(/^TestStack\/Export: audienceSize must be a whole number between 1 and 20,000,000 .*, got ABSOLUTE 10000.5$/);
    });

    test('fails when audienceExportJobName is longer than 63 characters', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ audienceExportJobName: 'e'.repeat(64) }));
      expect(error.message).toBe(`TestStack/Export: audienceExportJobName must be 1–63 characters, got "${'e'.repeat(64)}" (64 characters)`);
    });

    test('fails when description has characters that are not printable', () => {
      const error = validationErrorOf(() => exportOfKnownSizes({ description: 'bad\u0000' }));
      expect(error.message).toBe('TestStack/Export: description must contain only printable characters, tabs and line breaks, got "bad\\u0000"');
    });
  });
});
