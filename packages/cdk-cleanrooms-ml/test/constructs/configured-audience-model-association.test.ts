import { App, Aspects, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ACCOUNT,
  COLLABORATION_ID,
  CONFIGURED_ARN,
  createdConfiguredModel,
  handlerStatements,
  importedConfiguredModel,
  newStack,
  onlyResource,
  partitionArn,
  REGION,
  synthErrorOf,
  validationErrorOf,
} from './job-fixtures';
import {
  CollaborationMembership,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelAssociation,
  ConfiguredAudienceModelAssociationProps,
} from '../../src';

const TYPE = 'Custom::CleanRoomsConfiguredAudienceModelAssociation';
const MEMBERSHIP_ID = '5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f';
const OTHER_MEMBERSHIP_ID = '6c1f7081-2a3b-42f0-8b5c-1b2c3d4e5f6a';
const ASSOCIATION_ID = '7d2a8192-3b4c-43a1-9c6d-2c3d4e5f6a7b';
const PARTNER = '444455556666';
const FOREIGN_CONFIGURED_ARN = `arn:aws:cleanrooms-ml:${REGION}:${PARTNER}:configured-audience-model/e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b`;
const ASSOCIATION_ARN = `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/${MEMBERSHIP_ID}/configuredaudiencemodelassociation/${ASSOCIATION_ID}`;

/** The membership ARN of the stack's account as the template writes it. */
const membershipArn = (id: string) => partitionArn(`:cleanrooms:${REGION}:${ACCOUNT}:membership/${id}`);
const associationsOf = (id: string) => partitionArn(`:cleanrooms:${REGION}:${ACCOUNT}:membership/${id}/configuredaudiencemodelassociation/*`);

const ASSOCIATION_ACTIONS = [
  'cleanrooms:CreateConfiguredAudienceModelAssociation',
  'cleanrooms:DeleteConfiguredAudienceModelAssociation',
  'cleanrooms:GetConfiguredAudienceModelAssociation',
  'cleanrooms:ListConfiguredAudienceModelAssociations',
  'cleanrooms:UpdateConfiguredAudienceModelAssociation',
];
const TAG_ACTIONS = ['cleanrooms:ListTagsForResource', 'cleanrooms:TagResource', 'cleanrooms:UntagResource'];
const POLICY_ACTIONS = [
  'cleanrooms-ml:DeleteConfiguredAudienceModelPolicy',
  'cleanrooms-ml:GetConfiguredAudienceModel',
  'cleanrooms-ml:GetConfiguredAudienceModelPolicy',
  'cleanrooms-ml:PutConfiguredAudienceModelPolicy',
];

function associate(stack: Stack, props: Partial<ConfiguredAudienceModelAssociationProps> = {}, id = 'Association'): ConfiguredAudienceModelAssociation {
  return new ConfiguredAudienceModelAssociation(stack, id, {
    membership: CollaborationMembership.fromMembershipId(MEMBERSHIP_ID),
    configuredAudienceModel: importedConfiguredModel(stack),
    ...props,
  });
}

function cfnMembership(stack: Stack, collaborationIdentifier = COLLABORATION_ID): cleanrooms.CfnMembership {
  return new cleanrooms.CfnMembership(stack, 'Membership', { collaborationIdentifier, queryLogStatus: 'DISABLED' });
}

/** A long value as a message quotes it: its first 64 characters and its length. */
function quoted(value: string): string {
  return `${JSON.stringify(value.slice(0, 64))}… (${value.length} characters)`;
}

/** The handler statements about Clean Rooms (either service). */
function cleanRoomsStatements(template: Template): any[] {
  return handlerStatements(template).filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('cleanrooms')));
}

describe('ConfiguredAudienceModelAssociation', () => {
  test('defines a Custom::CleanRoomsConfiguredAudienceModelAssociation with the association\'s properties', () => {
    const stack = newStack();
    associate(stack, { name: 'lookalikes for Partner', description: 'Shared with the partner', manageResourcePolicies: false });

    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('CleanRoomsMlProviderframeworkonEvent'), 'Arn'] },
      MembershipId: MEMBERSHIP_ID,
      ConfiguredAudienceModelArn: CONFIGURED_ARN,
      Name: 'lookalikes for Partner',
      Description: 'Shared with the partner',
      ManageResourcePolicies: false,
      TimeoutSeconds: 600,
      // ServiceTimeout (3600) and the first AttributesRevision are CloudFormation's and the handler's defaults: not written.
    });
  });

  test('lets Clean Rooms manage the model\'s resource policy by default, and leaves name, description and tags out when not given', () => {
    const stack = newStack();
    associate(stack);

    const properties = onlyResource(Template.fromStack(stack), TYPE).resource.Properties;
    expect(properties.ManageResourcePolicies).toBe(true);
    for (const absent of ['Name', 'Description', 'Tags']) {
      expect(properties[absent]).toBeUndefined();
    }
  });

  test('exposes the id, ARN, name, collaboration and membership as attributes of the custom resource', () => {
    const stack = newStack();
    const association = associate(stack);
    const { id } = onlyResource(Template.fromStack(stack), TYPE);

    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
    expect(stack.resolve(association.associationId)).toEqual(getAtt('Id'));
    expect(stack.resolve(association.associationArn)).toEqual(getAtt('Arn'));
    expect(stack.resolve(association.associationName)).toEqual(getAtt('Name'));
    expect(stack.resolve(association.collaborationId)).toEqual(getAtt('CollaborationId'));
    expect(stack.resolve(association.collaborationArn)).toEqual(getAtt('CollaborationArn'));
    expect(stack.resolve(association.membershipArn)).toEqual(getAtt('MembershipArn'));
    expect(association.membershipId).toBe(MEMBERSHIP_ID);
  });

  test('passes the construct timeout to the handler', () => {
    const stack = newStack();
    associate(stack, { timeout: Duration.minutes(20) });

    Template.fromStack(stack).hasResourceProperties(TYPE, { TimeoutSeconds: 1200 });
  });

  test('is deleted with the stack by default, and kept with RemovalPolicy.RETAIN (prop or applyRemovalPolicy)', () => {
    const stack = newStack();
    associate(stack, { membership: CollaborationMembership.fromMembershipId(OTHER_MEMBERSHIP_ID) }, 'Destroyed');
    associate(stack, { removalPolicy: RemovalPolicy.RETAIN }, 'Retained');

    const template = Template.fromStack(stack);
    template.hasResource(TYPE, {
      Properties: Match.objectLike({ MembershipId: OTHER_MEMBERSHIP_ID }),
      DeletionPolicy: Match.absent(),
      UpdateReplacePolicy: Match.absent(),
    });
    template.hasResource(TYPE, { Properties: Match.objectLike({ MembershipId: MEMBERSHIP_ID }), DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });

    const later = newStack();
    associate(later).applyRemovalPolicy(RemovalPolicy.RETAIN);
    Template.fromStack(later).hasResource(TYPE, { DeletionPolicy: 'Retain' });
  });

  test('renders Tags.of() tags into the Tags property, and stack-wide tags too', () => {
    const stack = newStack();
    Tags.of(associate(stack)).add('team', 'growth');
    Tags.of(stack).add('environment', 'test');

    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: { team: 'growth', environment: 'test' } });
  });

  test('depends on the provider\'s handler policy', () => {
    const stack = newStack();
    associate(stack);

    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy')).find((id) => id.startsWith('CleanRoomsMlProviderHandlerPolicy'));
    expect(onlyResource(template, TYPE).resource.DependsOn).toContain(policyId);
  });

  describe('a membership of this app (CfnMembership)', () => {
    test('is referenced by its id, so CloudFormation creates the association after it and deletes it before', () => {
      const stack = newStack();
      const membership = cfnMembership(stack);
      const association = associate(stack, { membership: CollaborationMembership.fromCfnMembership(membership) });

      const template = Template.fromStack(stack);
      const membershipId = onlyResource(template, 'AWS::CleanRooms::Membership').id;
      template.hasResourceProperties(TYPE, { MembershipId: { 'Fn::GetAtt': [membershipId, 'MembershipIdentifier'] } });
      expect(stack.resolve(association.membershipId)).toEqual({ 'Fn::GetAtt': [membershipId, 'MembershipIdentifier'] });
    });

    test('its ARN scopes the handler\'s association permissions', () => {
      const stack = newStack();
      associate(stack, { membership: CollaborationMembership.fromCfnMembership(cfnMembership(stack)) });

      const template = Template.fromStack(stack);
      const membershipId = onlyResource(template, 'AWS::CleanRooms::Membership').id;
      const arn = { 'Fn::GetAtt': [membershipId, 'Arn'] };
      const associations = { 'Fn::Join': ['', [arn, '/configuredaudiencemodelassociation/*']] };
      expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: ASSOCIATION_ACTIONS, Resource: [arn, associations] });
      expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: TAG_ACTIONS, Resource: associations });
    });

    test('knows its collaboration from its collaborationIdentifier', () => {
      const stack = newStack();
      expect(CollaborationMembership.fromCfnMembership(cfnMembership(stack)).collaborationId).toBe(COLLABORATION_ID);
    });
  });

  describe('provider permissions', () => {
    test('gives the handler exactly the association actions on the membership and its associations, and the policy actions on the model', () => {
      const stack = newStack();
      associate(stack);

      expect(cleanRoomsStatements(Template.fromStack(stack))).toEqual([
        { Effect: 'Allow', Action: ASSOCIATION_ACTIONS, Resource: [membershipArn(MEMBERSHIP_ID), associationsOf(MEMBERSHIP_ID)] },
        { Effect: 'Allow', Action: TAG_ACTIONS, Resource: associationsOf(MEMBERSHIP_ID) },
        { Effect: 'Allow', Action: POLICY_ACTIONS, Resource: CONFIGURED_ARN },
      ]);
    });

    test('without manageResourcePolicies, the handler may only read the model, and not touch its policy', () => {
      const stack = newStack();
      associate(stack, { manageResourcePolicies: false });

      const statements = cleanRoomsStatements(Template.fromStack(stack));
      expect(statements.map((statement) => statement.Action)).toEqual([ASSOCIATION_ACTIONS, TAG_ACTIONS, 'cleanrooms-ml:GetConfiguredAudienceModel']);
      expect(statements[2].Resource).toEqual(CONFIGURED_ARN);
    });

    test('no statement of the handler names "*" as a resource or an action', () => {
      const stack = newStack();
      associate(stack);

      const statements = handlerStatements(Template.fromStack(stack));
      expect(statements.filter((statement) => [statement.Resource].flat().includes('*'))).toEqual([]);
      expect(JSON.stringify(statements)).not.toMatch(/"cleanrooms(-ml)?:\*"|"Action":"\*"/);
    });

    test('a configured model of the same stack is named by its type\'s pattern, without a dependency cycle through the handler policy', () => {
      const stack = newStack();
      const configured = createdConfiguredModel(stack);
      associate(stack, { configuredAudienceModel: configured });

      const template = Template.fromStack(stack);
      const configuredId = onlyResource(template, 'Custom::CleanRoomsMLConfiguredAudienceModel').id;
      template.hasResourceProperties(TYPE, { ConfiguredAudienceModelArn: { 'Fn::GetAtt': [configuredId, 'ConfiguredAudienceModelArn'] } });
      expect(JSON.stringify(handlerStatements(template))).not.toContain(configuredId);
      expect(handlerStatements(template)).toContainEqual({
        Effect: 'Allow',
        Action: POLICY_ACTIONS,
        Resource: partitionArn(`:cleanrooms-ml:${REGION}:${ACCOUNT}:configured-audience-model/*`),
      });
    });
  });

  describe('what the owner must grant without manageResourcePolicies', () => {
    test('an info annotation gives the statement to add to the model\'s resource policy, with what is known filled in', () => {
      const stack = newStack();
      associate(stack, {
        manageResourcePolicies: false,
        membership: CollaborationMembership.fromMembershipAttributes({ membershipId: MEMBERSHIP_ID, collaborationId: COLLABORATION_ID }),
      });

      const infos = Annotations.fromStack(stack).findInfo('/TestStack/Association', Match.anyValue());
      expect(infos).toHaveLength(1);
      const message = String(infos[0].entry.data);
      expect(message).toMatch(/^manageResourcePolicies is false, so AWS Clean Rooms does not let the collaboration's members use the configured audience model/);
      expect(message).toContain('allowAccountToStartGenerationJobs(memberAccountId, { collaborationId })');
      expect(JSON.parse(message.slice(message.indexOf('{"Effect"')))).toEqual({
        Effect: 'Allow',
        Principal: { AWS: '<member account id>' },
        Action: 'cleanrooms-ml:StartAudienceGenerationJob',
        Resource: [CONFIGURED_ARN, `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-generation-job/*`],
        Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } },
      });
    });

    test('there is no such annotation when Clean Rooms manages the policy', () => {
      const stack = newStack();
      associate(stack);

      expect(Annotations.fromStack(stack).findInfo('/TestStack/Association', Match.anyValue())).toEqual([]);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions findings on its own resources or the grants it adds to the provider', () => {
    const stack = newStack();
    associate(stack);
    associate(stack, { membership: CollaborationMembership.fromCfnMembership(cfnMembership(stack)) }, 'OfCfnMembership');
    associate(stack, {
      membership: CollaborationMembership.fromMembershipArn(`arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/${OTHER_MEMBERSHIP_ID}`),
      configuredAudienceModel: createdConfiguredModel(stack),
    }, 'ByArn');
    Aspects.of(stack).add(new AwsSolutionsChecks());

    const annotations = Annotations.fromStack(stack);
    const findings = [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
    ].filter((finding) => /^\/TestStack\/(Association|OfCfnMembership|ByArn|CleanRoomsMlProvider\/HandlerPolicy)\//.test(finding.id));
    expect(findings.map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`)).toEqual([]);
  });

  test('the handler policy\'s reviewed IAM5 suppression covers the associations under a membership only in stacks that have one', () => {
    const suppression = (stack: Stack) => {
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
      });
      return (Object.values(policies)[0] as any).Metadata.cdk_nag.rules_to_suppress;
    };
    const withAssociations = newStack();
    associate(withAssociations);
    associate(withAssociations, { membership: CollaborationMembership.fromMembershipId(OTHER_MEMBERSHIP_ID) }, 'Other');
    const without = newStack();
    createdConfiguredModel(without);

    const [review] = suppression(withAssociations);
    expect(review.applies_to.filter((entry: any) => JSON.stringify(entry).includes('configuredaudiencemodelassociation'))).toHaveLength(1);
    expect(review.reason).toContain('Configured audience model associations are scoped to those under one membership');
    expect(JSON.stringify(suppression(without))).not.toContain('configuredaudiencemodelassociation');
  });

  describe('validation', () => {
    test('fails when name is longer than 100 characters', () => {
      const error = validationErrorOf(() => associate(newStack(), { name: 'a'.repeat(101) }));
      expect(error.message).toMatch(/^TestStack\/Association: name must be 1–100 characters, got "a{64}"… \(101 characters\)$/);
    });

    test('accepts a name of 100 characters', () => {
      const stack = newStack();
      associate(stack, { name: 'a'.repeat(100) });
      Template.fromStack(stack).hasResourceProperties(TYPE, { Name: 'a'.repeat(100) });
    });

    test('fails when name is only white space', () => {
      const error = validationErrorOf(() => associate(newStack(), { name: ' \t ' }));
      expect(error.message).toBe('TestStack/Association: name must not be only white space, got " \\t "');
    });

    test('fails when name has a line break', () => {
      const error = validationErrorOf(() => associate(newStack(), { name: 'two\nlines' }));
      expect(error.message).toBe('TestStack/Association: name must contain only printable characters and tabs, got "two\\nlines"');
    });

    test('fails when description is longer than 255 characters', () => {
      const error = validationErrorOf(() => associate(newStack(), { description: 'd'.repeat(256) }));
      expect(error.message).toMatch(/^TestStack\/Association: description must be 0–255 characters, got "d{64}"… \(256 characters\)$/);
    });

    test('fails when the configured model belongs to another account', () => {
      const stack = newStack();
      const foreign = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Foreign', FOREIGN_CONFIGURED_ARN);
      const error = validationErrorOf(() => associate(stack, { configuredAudienceModel: foreign }));
      expect(error.message).toBe(
        `TestStack/Association: configuredAudienceModel must be a configured audience model of the stack's account (${ACCOUNT}): `
        + `AWS Clean Rooms associates only your own configured audience models, got ${quoted(FOREIGN_CONFIGURED_ARN)}`,
      );
    });

    test('fails when the membership id is not a lower-case UUID', () => {
      const membership = CollaborationMembership.fromMembershipId(MEMBERSHIP_ID.toUpperCase());
      const error = validationErrorOf(() => associate(newStack(), { membership }));
      expect(error.message).toBe(
        `TestStack/Association: membership.membershipId must be a membership id (a lower-case UUID, 36 characters), got "${MEMBERSHIP_ID.toUpperCase()}"`,
      );
    });

    test('fails when the membership ARN is not a membership ARN', () => {
      const arn = `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:collaboration/${COLLABORATION_ID}`;
      const error = validationErrorOf(() => associate(newStack(), { membership: CollaborationMembership.fromMembershipArn(arn) }));
      expect(error.message).toBe(
        'TestStack/Association: membership.membershipArn must be a membership ARN (arn:<partition>:cleanrooms:<region>:<account>:membership/<id>), '
        + `got ${quoted(arn)}`,
      );
    });

    test('fails when the membership belongs to another account', () => {
      const arn = `arn:aws:cleanrooms:${REGION}:${PARTNER}:membership/${MEMBERSHIP_ID}`;
      const error = validationErrorOf(() => associate(newStack(), { membership: CollaborationMembership.fromMembershipArn(arn) }));
      expect(error.message).toBe(
        `TestStack/Association: membership must be a membership of the stack's account (${ACCOUNT}): `
        + `a membership serves only the account that joined the collaboration, got ${quoted(arn)}`,
      );
    });

    test('fails when the membership\'s id and ARN disagree', () => {
      const membership = CollaborationMembership.fromMembershipAttributes({
        membershipId: OTHER_MEMBERSHIP_ID,
        membershipArn: `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/${MEMBERSHIP_ID}`,
      });
      const error = validationErrorOf(() => associate(newStack(), { membership }));
      expect(error.message).toBe(`TestStack/Association: membership.membershipId must be the id in membershipArn (${MEMBERSHIP_ID}), got "${OTHER_MEMBERSHIP_ID}"`);
    });

    test('fails when the membership names neither an id nor an ARN', () => {
      const error = validationErrorOf(() => associate(newStack(), { membership: CollaborationMembership.fromMembershipAttributes({}) }));
      expect(error.message).toBe('TestStack/Association: membership must name a membership by its id or ARN, got ""');
    });

    test('fails when the membership is not a CollaborationMembership (plain JavaScript)', () => {
      const error = validationErrorOf(() => associate(newStack(), { membership: { membershipId: MEMBERSHIP_ID } as any }));
      expect(error.message).toMatch(/^TestStack\/Association: membership must be a CollaborationMembership \(.*\), got an object with "membershipId"$/);
    });

    test('fails when manageResourcePolicies is not a boolean (plain JavaScript)', () => {
      const error = validationErrorOf(() => associate(newStack(), { manageResourcePolicies: 'false' as any }));
      expect(error.message).toBe('TestStack/Association: manageResourcePolicies must be true or false, got "false"');
    });

    test('fails when the timeout is longer than CloudFormation\'s hour', () => {
      const error = validationErrorOf(() => associate(newStack(), { timeout: Duration.minutes(61) }));
      expect(error.message).toMatch(/^TestStack\/Association: timeout must be between 5 minutes and 1 hour .*, got 1 hour 1 minute$/);
    });

    test('fails at synthesis when a tag key is reserved for the library', () => {
      const stack = newStack();
      Tags.of(associate(stack)).add('cdk-cleanrooms-ml:creation-token', 'forged');
      expect(synthErrorOf(stack)).toContain(
        'TestStack/Association: tags key must not start with aws: or cdk-cleanrooms-ml: (reserved), got "cdk-cleanrooms-ml:creation-token"',
      );
    });

    test('fails at synthesis with more tags than AWS Clean Rooms takes besides the library\'s own', () => {
      const stack = newStack();
      const association = associate(stack);
      for (let i = 0; i < 200; i++) {
        Tags.of(association).add(`key${i}`, 'value');
      }
      expect(synthErrorOf(stack)).toContain('TestStack/Association: tags must have at most 199 entries, got 200');
    });
  });

  describe('import', () => {
    test('fromConfiguredAudienceModelAssociationArn knows the ARN, id, membership, account and region', () => {
      const imported = ConfiguredAudienceModelAssociation.fromConfiguredAudienceModelAssociationArn(newStack(), 'Imported', ASSOCIATION_ARN);

      expect(imported.associationArn).toBe(ASSOCIATION_ARN);
      expect(imported.associationId).toBe(ASSOCIATION_ID);
      expect(imported.membershipId).toBe(MEMBERSHIP_ID);
      expect(imported.membershipArn).toBe(`arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/${MEMBERSHIP_ID}`);
      expect(imported.env).toEqual({ account: ACCOUNT, region: REGION });
    });

    test('an ARN known only at deployment is split there', () => {
      const stack = newStack();
      const arn = new cleanrooms.CfnMembership(stack, 'Membership', { collaborationIdentifier: COLLABORATION_ID, queryLogStatus: 'DISABLED' }).attrArn;
      const imported = ConfiguredAudienceModelAssociation.fromConfiguredAudienceModelAssociationArn(stack, 'Imported', arn);

      const path = { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', stack.resolve(arn)] }] }] };
      expect(stack.resolve(imported.associationId)).toEqual({ 'Fn::Select': [3, path] });
      expect(stack.resolve(imported.membershipId)).toEqual({ 'Fn::Select': [1, path] });
    });

    test('fails when the ARN is not an association ARN', () => {
      const arn = `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:membership/${MEMBERSHIP_ID}`;
      const error = validationErrorOf(() => ConfiguredAudienceModelAssociation.fromConfiguredAudienceModelAssociationArn(newStack(), 'Imported', arn));
      expect(error.message).toBe(
        'TestStack/Imported: associationArn must be a configured audience model association ARN '
        + `(arn:<partition>:cleanrooms:<region>:<account>:membership/<id>/configuredaudiencemodelassociation/<id>), got ${quoted(arn)}`,
      );
    });
  });

  describe('associateWith', () => {
    test('associates a configured model of this app through a membership, as a child of the model', () => {
      const stack = newStack();
      const configured = createdConfiguredModel(stack);
      const association = configured.associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID), {
        name: 'lookalikes',
        manageResourcePolicies: false,
        removalPolicy: RemovalPolicy.RETAIN,
      });

      const template = Template.fromStack(stack);
      const configuredId = onlyResource(template, 'Custom::CleanRoomsMLConfiguredAudienceModel').id;
      expect(association.node.scope).toBe(configured);
      expect(association.configuredAudienceModel).toBe(configured);
      template.hasResource(TYPE, {
        Properties: Match.objectLike({
          MembershipId: MEMBERSHIP_ID,
          ConfiguredAudienceModelArn: { 'Fn::GetAtt': [configuredId, 'ConfiguredAudienceModelArn'] },
          Name: 'lookalikes',
          ManageResourcePolicies: false,
        }),
        DeletionPolicy: 'Retain',
      });
    });

    test('associates an imported model of the stack\'s account, once per membership', () => {
      const stack = newStack();
      const imported = importedConfiguredModel(stack);
      imported.associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID));
      imported.associateWith(CollaborationMembership.fromCfnMembership(cfnMembership(stack)));

      const resources = Object.values(Template.fromStack(stack).findResources(TYPE)) as any[];
      expect(resources.map((resource) => resource.Properties.ConfiguredAudienceModelArn)).toEqual([CONFIGURED_ARN, CONFIGURED_ARN]);
    });

    test('keeps each association\'s logical id whatever the order the memberships are associated in', () => {
      const logicalIds = (order: string[]) => {
        const stack = newStack();
        const imported = importedConfiguredModel(stack);
        for (const id of order) {
          imported.associateWith(CollaborationMembership.fromMembershipId(id));
        }
        const resources = Template.fromStack(stack).findResources(TYPE);
        return Object.fromEntries(Object.entries(resources).map(([id, resource]: [string, any]) => [resource.Properties.MembershipId, id]));
      };

      expect(logicalIds([MEMBERSHIP_ID, OTHER_MEMBERSHIP_ID])).toEqual(logicalIds([OTHER_MEMBERSHIP_ID, MEMBERSHIP_ID]));
    });

    test('fails when the model is already associated through the membership', () => {
      const imported = importedConfiguredModel(newStack());
      imported.associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID));

      const error = validationErrorOf(() => imported.associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID)));
      expect(error.message).toBe(
        'TestStack/ImportedConfigured: membership must be one this configured audience model is not associated through yet '
        + `(one association per collaboration), got "${MEMBERSHIP_ID}"`,
      );
    });

    test('fails for an imported model of another account', () => {
      const stack = newStack();
      const foreign = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Foreign', FOREIGN_CONFIGURED_ARN);

      const error = validationErrorOf(() => foreign.associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID)));
      expect(error.message).toMatch(/^TestStack\/Foreign\/Association[0-9A-F]{8}: configuredAudienceModel must be a configured audience model of the stack's account/);
    });
  });

  test('works in an environment-agnostic stack: accounts are compared only when known', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const model = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Model', FOREIGN_CONFIGURED_ARN);
    new ConfiguredAudienceModelAssociation(stack, 'Association', {
      membership: CollaborationMembership.fromMembershipId(MEMBERSHIP_ID),
      configuredAudienceModel: model,
    });
    const role = new iam.Role(stack, 'Unrelated', { assumedBy: new iam.AccountRootPrincipal() });
    model.grantRead(role);

    Template.fromStack(stack).hasResourceProperties(TYPE, { ConfiguredAudienceModelArn: FOREIGN_CONFIGURED_ARN });
  });
});
