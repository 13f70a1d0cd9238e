/**
 * The lookalike pipeline of examples/lookalike-pipeline written without this
 * library: the training dataset with aws-cdk-lib's CfnTrainingDataset, every
 * other step with aws-cdk-lib's `AwsCustomResource` calling the Clean Rooms
 * ML API (service `CleanRoomsML`), and the roles Clean Rooms ML assumes —
 * what a user would reasonably write by hand. The benchmark synthesizes it
 * next to `LookalikePipeline` to compare their cost.
 *
 * What it cannot do, and the library does: `AwsCustomResource` makes one API
 * call and returns, so nothing waits for the audience model or the
 * generation job to become ACTIVE. A real deployment of this stack would
 * fail (the configured model needs an ACTIVE model, deletes of a model in
 * use are refused) unless the user adds a waiter of their own; it stands
 * here for the cost of the hand-written approach, not as a working one.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnTrainingDataset } from 'aws-cdk-lib/aws-cleanroomsml';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  AwsSdkCall,
  PhysicalResourceId,
  PhysicalResourceIdReference,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { AUDIENCE_SIZES, EXPORT_DESCRIPTION, EXPORTED_SIZE, LookalikePipelineProps } from '../examples/lookalike-pipeline/environment';

const CLEAN_ROOMS_ML = 'cleanrooms-ml.amazonaws.com';

/** One pipeline, with the same inputs as the library's `LookalikePipeline`. */
export class AwsCustomResourcePipeline extends Construct {
  constructor(scope: Construct, id: string, props: LookalikePipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const namePrefix = `${stack.stackName}-${id}`;

    // Training dataset: the one step CloudFormation has a native type for.
    const trainingRole = new iam.Role(this, 'TrainingDataRole', { assumedBy: new iam.ServicePrincipal(CLEAN_ROOMS_ML) });
    trainingRole.addToPolicy(new iam.PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 'glue:BatchGetPartition'],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'retail' }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `retail/${props.tableName}` }),
      ],
    }));
    const dataGrant = props.dataBucket.grantRead(trainingRole, `${props.dataPrefix}*`);
    const dataset = new CfnTrainingDataset(this, 'Interactions', {
      name: `${namePrefix}-interactions`,
      roleArn: trainingRole.roleArn,
      trainingData: [{
        type: 'INTERACTIONS',
        inputConfig: {
          dataSource: { glueDataSource: { databaseName: 'retail', tableName: props.tableName } },
          schema: [
            { columnName: 'user_id', columnTypes: ['USER_ID'] },
            { columnName: 'item_id', columnTypes: ['ITEM_ID'] },
            { columnName: 'event_time', columnTypes: ['TIMESTAMP'] },
            { columnName: 'category', columnTypes: ['CATEGORICAL_FEATURE'] },
            { columnName: 'price', columnTypes: ['NUMERICAL_FEATURE'] },
          ],
        },
      }],
    });
    // Clean Rooms ML reads the table as the dataset is created: after the
    // role's policy (the GetAtt of its ARN orders it after the role only).
    dataGrant.applyBefore(dataset);

    const model = cleanRoomsMlCall(this, 'Model', {
      action: 'createAudienceModel',
      parameters: {
        name: `${namePrefix}-model`,
        trainingDatasetArn: dataset.attrTrainingDatasetArn,
        trainingDataStartTime: '2026-01-01T00:00:00Z',
        trainingDataEndTime: '2026-10-31T00:00:00Z',
        description: 'Lookalikes of our buyers, trained on 2026 interactions',
      },
      arnField: 'audienceModelArn',
      deleteAction: 'deleteAudienceModel',
    });

    const outputRole = new iam.Role(this, 'OutputRole', { assumedBy: new iam.ServicePrincipal(CLEAN_ROOMS_ML) });
    const outputGrant = props.audienceBucket.grantPut(outputRole, `${props.outputPrefix}*`);
    const configured = cleanRoomsMlCall(this, 'Shared', {
      action: 'createConfiguredAudienceModel',
      parameters: {
        name: `${namePrefix}-shared`,
        audienceModelArn: model.getResponseField('audienceModelArn'),
        outputConfig: {
          destination: { s3Destination: { s3Uri: props.audienceBucket.s3UrlForObject(props.outputPrefix) } },
          roleArn: outputRole.roleArn,
        },
        sharedAudienceMetrics: ['ALL'],
        minMatchingSeedSize: 500,
        audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: props.audienceSizes ?? AUDIENCE_SIZES },
        description: 'Lookalike audiences of our buyers, shared with our media partner',
      },
      arnField: 'configuredAudienceModelArn',
      deleteAction: 'deleteConfiguredAudienceModel',
      passRole: outputRole,
    });
    outputGrant.applyBefore(configured);
    const configuredArn = configured.getResponseField('configuredAudienceModelArn');

    // The partner account may start audience generation jobs on the configured model.
    const policyCall: AwsSdkCall = {
      service: 'CleanRoomsML',
      action: 'putConfiguredAudienceModelPolicy',
      parameters: {
        configuredAudienceModelArn: configuredArn,
        configuredAudienceModelPolicy: stack.toJsonString({
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { AWS: `arn:${stack.partition}:iam::${props.partnerAccountId}:root` },
            Action: ['cleanrooms-ml:StartAudienceGenerationJob'],
            Resource: configuredArn,
          }],
        }),
      },
      physicalResourceId: PhysicalResourceId.of(`${namePrefix}-shared-policy`),
    };
    new AwsCustomResource(this, 'SharedPolicy', {
      onCreate: policyCall,
      onUpdate: policyCall,
      onDelete: {
        service: 'CleanRoomsML',
        action: 'deleteConfiguredAudienceModelPolicy',
        parameters: { configuredAudienceModelArn: configuredArn },
      },
      policy: cleanRoomsMlPolicy(['putConfiguredAudienceModelPolicy', 'deleteConfiguredAudienceModelPolicy']),
      installLatestAwsSdk: false,
    });

    const seedRole = new iam.Role(this, 'SeedRole', { assumedBy: new iam.ServicePrincipal(CLEAN_ROOMS_ML) });
    const seedGrant = props.dataBucket.grantRead(seedRole, props.seedKey);
    const job = cleanRoomsMlCall(this, 'Buyers', {
      action: 'startAudienceGenerationJob',
      parameters: {
        name: `${namePrefix}-buyers`,
        configuredAudienceModelArn: configuredArn,
        seedAudience: { dataSource: { s3Uri: props.dataBucket.s3UrlForObject(props.seedKey) }, roleArn: seedRole.roleArn },
        includeSeedInOutput: false,
        description: 'Lookalikes of this quarter\'s buyers',
      },
      arnField: 'audienceGenerationJobArn',
      deleteAction: 'deleteAudienceGenerationJob',
      passRole: seedRole,
    });
    seedGrant.applyBefore(job);

    // Export jobs have no delete call: the exported audience stays in S3.
    new AwsCustomResource(this, 'Export', {
      onCreate: {
        service: 'CleanRoomsML',
        action: 'startAudienceExportJob',
        parameters: {
          name: `${namePrefix}-export`,
          audienceGenerationJobArn: job.getResponseField('audienceGenerationJobArn'),
          audienceSize: { type: 'ABSOLUTE', value: EXPORTED_SIZE },
          description: EXPORT_DESCRIPTION,
        },
        physicalResourceId: PhysicalResourceId.of(`${namePrefix}-export`),
      },
      policy: cleanRoomsMlPolicy(['startAudienceExportJob']),
      installLatestAwsSdk: false,
    });

    ignoreRoleDependencyFinding(stack, job);
  }
}

/**
 * AwsCustomResource's function (one per stack) depends on its role
 * construct, so that it waits for the role's policy too, and names the
 * role's ARN: cfn-lint reports the role entry of its DependsOn as redundant
 * (W3005). That is aws-cdk-lib's doing and harmless: ignored on that one
 * resource, as a user linting their template would.
 */
function ignoreRoleDependencyFinding(stack: Stack, call: AwsCustomResource): void {
  const singleton = stack.node.findAll().find((construct): construct is lambda.Function =>
    construct instanceof lambda.Function && construct.role === call.grantPrincipal);
  const resource = singleton?.node.defaultChild as lambda.CfnFunction | undefined;
  if (!resource) {
    throw new Error('AwsCustomResource\'s function is no longer a lambda.Function with the role it grants to');
  }
  resource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
}

interface CleanRoomsMlCallOptions {
  /** The create (or start) action, whose response carries the ARN. */
  readonly action: string;
  readonly parameters: Record<string, unknown>;
  /** The response field with the new resource's ARN: the physical id. */
  readonly arnField: string;
  readonly deleteAction: string;
  /** A role the call hands to Clean Rooms ML. */
  readonly passRole?: iam.IRole;
}

/** A Clean Rooms ML resource created by one call and deleted by another, its ARN as physical id. */
function cleanRoomsMlCall(scope: Construct, id: string, options: CleanRoomsMlCallOptions): AwsCustomResource {
  return new AwsCustomResource(scope, id, {
    onCreate: {
      service: 'CleanRoomsML',
      action: options.action,
      parameters: options.parameters,
      physicalResourceId: PhysicalResourceId.fromResponse(options.arnField),
    },
    onDelete: {
      service: 'CleanRoomsML',
      action: options.deleteAction,
      parameters: { [options.arnField]: new PhysicalResourceIdReference() },
    },
    policy: cleanRoomsMlPolicy([options.action, options.deleteAction], options.passRole),
    installLatestAwsSdk: false,
  });
}

/**
 * The ARNs of Clean Rooms ML resources are assigned at creation, so a
 * hand-written policy grants the calls on `*` (as `fromSdkCalls` with
 * ANY_RESOURCE would); passing a role needs a statement of its own.
 */
function cleanRoomsMlPolicy(actions: string[], passRole?: iam.IRole): AwsCustomResourcePolicy {
  const statements = [new iam.PolicyStatement({
    actions: actions.map((action) => `cleanrooms-ml:${action.charAt(0).toUpperCase()}${action.slice(1)}`),
    resources: ['*'],
  })];
  if (passRole) {
    statements.push(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [passRole.roleArn] }));
  }
  return AwsCustomResourcePolicy.fromStatements(statements);
}
