/**
 * The two-account collaboration example (examples/collaboration): both
 * templates as snapshots, what each account's handler may do in the other's
 * resources, the order CloudFormation creates them in, and cdk-nag's
 * AwsSolutions pack with no unsuppressed finding.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { templateForSnapshot } from 'cdk-cleanrooms-ml-local';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MODEL_OWNER_ENV, SEED_PROVIDER_ENV } from '../../examples/collaboration/accounts';
import { ModelOwnerOutput, ModelOwnerStack } from '../../examples/collaboration/model-owner-stack';
import { SeedProviderStack } from '../../examples/collaboration/seed-provider-stack';

type Json = any;

interface ExampleStacks {
  readonly owner: ModelOwnerStack;
  readonly seedProvider: SeedProviderStack;
}

/** The two stacks as app.ts declares them, optionally under cdk-nag. */
function exampleApp(options: { readonly nag?: boolean } = {}): ExampleStacks {
  const app = new App();
  const owner = new ModelOwnerStack(app, 'CollaborationModelOwner', { env: MODEL_OWNER_ENV, seedProviderAccountId: SEED_PROVIDER_ENV.account });
  const seedProvider = new SeedProviderStack(app, 'CollaborationSeedProvider', { env: SEED_PROVIDER_ENV });
  if (options.nag) {
    Aspects.of(app).add(new AwsSolutionsChecks());
  }
  return { owner, seedProvider };
}

const stacks = exampleApp();
const ownerTemplate: Json = Template.fromStack(stacks.owner).toJSON();
const seedProviderTemplate: Json = Template.fromStack(stacks.seedProvider).toJSON();

function resourcesOfType(template: Json, type: string): Array<[string, Json]> {
  return Object.entries<Json>(template.Resources).filter(([, resource]) => resource.Type === type);
}

function onlyResourceOfType(template: Json, type: string): [string, Json] {
  const found = resourcesOfType(template, type);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every identity-policy statement of the template (AWS::IAM::Policy documents). */
function policyStatements(template: Json): Json[] {
  return resourcesOfType(template, 'AWS::IAM::Policy').flatMap(([, policy]) => [policy.Properties.PolicyDocument.Statement].flat());
}

function statementsAllowing(template: Json, action: string): Json[] {
  return policyStatements(template).filter((statement) => [statement.Action].flat().includes(action));
}

function dependsOn(resource: Json): string[] {
  return [resource.DependsOn ?? []].flat();
}

test('both stacks synthesize to the reviewed templates', () => {
  expect(templateForSnapshot(ownerTemplate)).toMatchSnapshot('model owner');
  expect(templateForSnapshot(seedProviderTemplate)).toMatchSnapshot('seed provider');
});

describe('the model owner', () => {
  test('associates its configured model with its own membership of the collaboration it created, letting Clean Rooms manage the policy', () => {
    const [membershipId] = onlyResourceOfType(ownerTemplate, 'AWS::CleanRooms::Membership');
    const [collaborationId, collaboration] = onlyResourceOfType(ownerTemplate, 'AWS::CleanRooms::Collaboration');
    const [configuredId] = onlyResourceOfType(ownerTemplate, 'Custom::CleanRoomsMLConfiguredAudienceModel');
    const [, association] = onlyResourceOfType(ownerTemplate, 'Custom::CleanRoomsConfiguredAudienceModelAssociation');

    expect(collaboration.Properties.Members).toEqual([expect.objectContaining({ AccountId: SEED_PROVIDER_ENV.account })]);
    expect(onlyResourceOfType(ownerTemplate, 'AWS::CleanRooms::Membership')[1].Properties.CollaborationIdentifier)
      .toEqual({ 'Fn::GetAtt': [collaborationId, 'CollaborationIdentifier'] });
    expect(association.Properties).toMatchObject({
      MembershipId: { 'Fn::GetAtt': [membershipId, 'MembershipIdentifier'] },
      ConfiguredAudienceModelArn: { 'Fn::GetAtt': [configuredId, 'ConfiguredAudienceModelArn'] },
      Name: 'retail-lookalikes',
      ManageResourcePolicies: true,
    });
    // Clean Rooms writes the configured model's policy: the stack declares none of its own.
    expect(resourcesOfType(ownerTemplate, 'Custom::CleanRoomsMLConfiguredAudienceModel')[0][1].Properties.Policy).toBeUndefined();
  });

  test('its handler may associate only through its membership, and write only its own models\' policies', () => {
    const [membershipId] = onlyResourceOfType(ownerTemplate, 'AWS::CleanRooms::Membership');
    const create = statementsAllowing(ownerTemplate, 'cleanrooms:CreateConfiguredAudienceModelAssociation');
    expect(create).toHaveLength(1);
    expect(JSON.stringify(create[0].Resource)).toContain(`"${membershipId}","Arn"`);
    expect(JSON.stringify(create[0].Resource)).not.toMatch(/"\*"/);
    const policyWrites = statementsAllowing(ownerTemplate, 'cleanrooms-ml:PutConfiguredAudienceModelPolicy');
    expect(policyWrites.length).toBeGreaterThan(0);
    for (const statement of policyWrites) {
      expect(JSON.stringify(statement.Resource)).toContain(`:cleanrooms-ml:${MODEL_OWNER_ENV.region}:${MODEL_OWNER_ENV.account}:configured-audience-model/`);
    }
  });

  test('outputs what the seed provider\'s stack takes as parameters', () => {
    expect(Object.keys(ownerTemplate.Outputs).sort()).toEqual(Object.values(ModelOwnerOutput).sort());
    expect(Object.keys(seedProviderTemplate.Parameters)).toEqual(expect.arrayContaining([
      ModelOwnerOutput.COLLABORATION_ID,
      ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN,
    ]));
  });
});

describe('the seed provider', () => {
  test('starts its job on the owner\'s model in the collaboration, after its membership exists', () => {
    const [membershipId] = onlyResourceOfType(seedProviderTemplate, 'AWS::CleanRooms::Membership');
    const [, job] = onlyResourceOfType(seedProviderTemplate, 'Custom::CleanRoomsMLAudienceGenerationJob');

    expect(job.Properties).toMatchObject({
      ConfiguredAudienceModelArn: { Ref: ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN },
      CollaborationId: { Ref: ModelOwnerOutput.COLLABORATION_ID },
    });
    expect(dependsOn(job)).toContain(membershipId);
    // The SQL seed's parameters stay in the secret: the job names it, not its value.
    expect(JSON.stringify(job.Properties)).not.toContain('gold');
    expect(job.Properties.SeedSqlParametersSecretArn).toEqual({ Ref: onlyResourceOfType(seedProviderTemplate, 'AWS::SecretsManager::Secret')[0] });
  });

  test('its handler may start jobs on the owner\'s model, and read and delete only the jobs of its own account', () => {
    const start = statementsAllowing(seedProviderTemplate, 'cleanrooms-ml:StartAudienceGenerationJob');
    expect(start).toHaveLength(1);
    const startResources = JSON.stringify(start[0].Resource);
    expect(startResources).toContain(`{"Ref":"${ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN}"}`);
    expect(startResources).toContain(`:cleanrooms-ml:${SEED_PROVIDER_ENV.region}:${SEED_PROVIDER_ENV.account}:audience-generation-job/*`);
    for (const action of ['cleanrooms-ml:GetAudienceGenerationJob', 'cleanrooms-ml:DeleteAudienceGenerationJob']) {
      const statements = statementsAllowing(seedProviderTemplate, action);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(JSON.stringify(statement.Resource)).toContain(`:${SEED_PROVIDER_ENV.account}:audience-generation-job/*`);
        expect(JSON.stringify(statement.Resource)).not.toContain(MODEL_OWNER_ENV.account);
      }
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  const nagged = exampleApp({ nag: true });
  test.each([
    ['model owner', nagged.owner],
    ['seed provider', nagged.seedProvider],
  ] as Array<[string, Stack]>)('the %s\'s stack has no unsuppressed finding', (_name, stack) => {
    const rules = Match.stringLikeRegexp('(AwsSolutions|CdkNagValidationFailure)');
    const findings = [
      ...Annotations.fromStack(stack).findError('*', rules),
      ...Annotations.fromStack(stack).findWarning('*', rules),
    ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
    expect(findings).toEqual([]);
  });
});
