import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CleanRoomsMl } from '../../../src';
import {
  CLEAN_ROOMS_ML_PRINCIPAL,
  createCleanRoomsMlServiceRole,
  grantPassRoleToCleanRoomsMl,
} from '../../../src/constructs/private/service-role';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
}

describe('Clean Rooms ML service roles', () => {
  test('roles trust the public service principal, the one AWS documents for Clean Rooms ML', () => {
    expect(CleanRoomsMl.SERVICE_PRINCIPAL).toBe('cleanrooms-ml.amazonaws.com');
    expect(CLEAN_ROOMS_ML_PRINCIPAL).toBe(CleanRoomsMl.SERVICE_PRINCIPAL);
  });

  test('a role for another resource type is trusted only for that type, with no permissions', () => {
    const stack = newStack();
    createCleanRoomsMlServiceRole(stack, 'Role', { resourceType: 'configured-audience-model' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'cleanrooms-ml.amazonaws.com' },
          Condition: {
            StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' },
            ArnLikeIfExists: {
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cleanrooms-ml:us-east-1:111122223333:configured-audience-model/*']],
              },
            },
          },
        }],
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('iam:PassRole is granted on the role only for passing it to Clean Rooms ML', () => {
    const stack = newStack();
    const role = createCleanRoomsMlServiceRole(stack, 'Role', { resourceType: 'audience-generation-job' });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    grantPassRoleToCleanRoomsMl(role, caller);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'cleanrooms-ml.amazonaws.com' } },
        }],
      },
    });
  });
});
