/**
 * What the audience generation job, export job and seed audience suites
 * share: a stack, a configured audience model (created or imported), the
 * provider's and the seed role's statements, and how to catch a validation
 * error.
 */
import { App, Errors, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceGenerationJob,
  AudienceGenerationJobProps,
  AudienceModel,
  AudienceSizeConfig,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelProps,
  IConfiguredAudienceModel,
  SeedAudience,
} from '../../src';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e`;
export const CONFIGURED_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:configured-audience-model/c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f`;
export const JOB_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-generation-job/d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a`;
export const COLLABORATION_ID = '0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e';
export const MEMBERSHIP_ARN = `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f`;
export const TEMPLATE_ARN = `arn:aws:cleanrooms:${REGION}:444455556666:membership/6c1f7081-2a3b-42f0-8b5c-1b2c3d4e5f6a/analysistemplate/7d2a8192-3b4c-43a1-9c6d-2c3d4e5f6a7b`;
export const JOB_TYPE = 'Custom::CleanRoomsMLAudienceGenerationJob';
export const EXPORT_TYPE = 'Custom::CleanRoomsMLAudienceExportJob';

/** `arn:${Partition}:<service>:<region>:<account>:<resource>` as the template writes it. */
export function partitionArn(rest: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

/** The pattern of every Clean Rooms ML resource of a type in the stack's account and Region. */
export function cleanRoomsMlPattern(resourceType: string): unknown {
  return partitionArn(`:cleanrooms-ml:${REGION}:${ACCOUNT}:${resourceType}/*`);
}

export function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

/** The stack's seed bucket (one per stack). */
export function seedBucket(stack: Stack): s3.IBucket {
  return (stack.node.tryFindChild('Seeds') as s3.IBucket | undefined) ?? new s3.Bucket(stack, 'Seeds');
}

/** A configured audience model created in the stack, with absolute sizes 10,000 and 100,000 unless told otherwise. */
export function createdConfiguredModel(stack: Stack, props: Partial<ConfiguredAudienceModelProps> = {}, id = 'Configured'): ConfiguredAudienceModel {
  const audienceModel = (stack.node.tryFindChild('AudienceModel') as AudienceModel | undefined)
    ?? AudienceModel.fromAudienceModelArn(stack, 'AudienceModel', MODEL_ARN);
  const outputBucket = (stack.node.tryFindChild('Output') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(stack, 'Output', 'audiences');
  return new ConfiguredAudienceModel(stack, id, {
    audienceModel,
    outputBucket,
    audienceSizeConfig: AudienceSizeConfig.absolute([10_000, 100_000]),
    ...props,
  });
}

/** A configured audience model imported by ARN (its sizes unknown). */
export function importedConfiguredModel(stack: Stack): IConfiguredAudienceModel {
  return (stack.node.tryFindChild('ImportedConfigured') as IConfiguredAudienceModel | undefined)
    ?? ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'ImportedConfigured', CONFIGURED_ARN);
}

/** A generation job of an imported configured model with an S3 seed, unless told otherwise. */
export function generationJob(stack: Stack, props: Partial<AudienceGenerationJobProps> = {}, id = 'Job'): AudienceGenerationJob {
  return new AudienceGenerationJob(stack, id, {
    configuredAudienceModel: importedConfiguredModel(stack),
    seedAudience: SeedAudience.fromS3(seedBucket(stack), 'seeds/buyers.csv'),
    ...props,
  });
}

export function onlyResource(template: Template, type: string): { id: string; resource: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: resources[ids[0]] };
}

/** The statements of the provider's handler policy. */
export function handlerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
  });
  return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/** The policy of the created seed role of the job `jobId`. */
export function seedRolePolicy(template: Template, jobId = 'Job'): any {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp(`^${jobId}SeedRole`) } });
  const found = Object.values(policies);
  expect(found).toHaveLength(1);
  return found[0];
}

export function seedRoleStatements(template: Template, jobId = 'Job'): any[] {
  return seedRolePolicy(template, jobId).Properties.PolicyDocument.Statement;
}

/** Runs `define` and returns the validation error it throws. */
export function validationErrorOf(define: () => void): Error {
  try {
    define();
  } catch (error) {
    expect(Errors.isValidationError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a validation error');
}

/** Synthesizes the stack and returns the validation failure it reports. */
export function synthErrorOf(stack: Stack): string {
  try {
    Template.fromStack(stack);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected synthesis to fail');
}
