import { App, Duration, Errors, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance, rules } from 'cdk-nag';
import { AudienceModel, TrainingDataset } from '../../../src';
import {
  CleanRoomsMlProvider,
  QUERY_INTERVAL,
  SERVICE_TIMEOUT,
  TOTAL_TIMEOUT,
  validateProviderTiming,
} from '../../../src/constructs/private/provider';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const datasetArn = (id: string) => `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/${id}`;

function newStack(id = 'TestStack', app = new App()): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION } });
}

/** `count` audience models, spread over two training datasets. */
function models(stack: Stack, count: number): void {
  const datasets = ['dataset-a', 'dataset-b'].map((id) => TrainingDataset.fromTrainingDatasetArn(stack, id, datasetArn(id)));
  for (let i = 0; i < count; i++) {
    new AudienceModel(stack, `Model${i}`, { trainingDataset: datasets[i % 2] });
  }
}

function handlerPolicies(template: Template): Record<string, any> {
  return template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
  });
}

function handlerStatements(template: Template): any[] {
  return Object.values(handlerPolicies(template)).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** The logical ids a template value names through Ref, Fn::GetAtt or Fn::Sub. */
function referencesOf(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((item) => referencesOf(item, found));
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        found.add(inner);
      } else if (key === 'Fn::GetAtt') {
        found.add((Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]) as string);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([^!.}][^.}]*)/g)) found.add(match[1]);
      }
      referencesOf(inner, found);
    }
  }
  return found;
}

describe('CleanRoomsMlProvider', () => {
  test('one provider serves every custom resource of a stack: the Lambda count does not grow with the resources', () => {
    const one = newStack('One');
    models(one, 1);
    const five = newStack('Five');
    models(five, 5);

    const functions = (stack: Stack) => Template.fromStack(stack).findResources('AWS::Lambda::Function');
    // onEvent and isComplete.
    expect(Object.keys(functions(one))).toHaveLength(2);
    expect(Object.keys(functions(five))).toHaveLength(2);
    Template.fromStack(five).resourceCountIs('Custom::CleanRoomsMLAudienceModel', 5);
    // The poller, which completes every operation and signals the long waits' wait conditions: one whatever the count.
    Template.fromStack(five).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  test('CloudFormation calls the onEvent function itself, under the logical id earlier releases gave the Provider framework\'s, so upgrades keep every ServiceToken', () => {
    const stack = newStack();
    models(stack, 2);

    const template = Template.fromStack(stack);
    const onEvent = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'on-event/index.handler' } });
    // CloudFormation refuses to change a custom resource's ServiceToken: the function keeps the id, and so its ARN.
    expect(Object.keys(onEvent)).toEqual(['CleanRoomsMlProviderframeworkonEventC031393D']);
    for (const model of Object.values(template.findResources('Custom::CleanRoomsMLAudienceModel'))) {
      expect(model.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': ['CleanRoomsMlProviderframeworkonEventC031393D', 'Arn'] });
    }
  });

  test('a stack whose resources all wait under an hour still gets the poller: it completes their operations', () => {
    const stack = newStack();
    const dataset = TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset', datasetArn('dataset-a'));
    new AudienceModel(stack, 'Model', { trainingDataset: dataset, timeout: Duration.minutes(30) });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFormation::WaitCondition', 0);
    const [definition] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))
      .map((machine: any) => JSON.parse(machine.Properties.DefinitionString['Fn::Sub'][0]));
    expect(definition.States.Check.Resource).toBe('${IsCompleteArn}');
    expect(template.toJSON().Resources.CleanRoomsMlProviderframeworkonEventC031393D.Properties.Environment.Variables)
      .toHaveProperty('CLEANROOMS_ML_TRAINING_POLLER_ARN');
  });

  test('a request whose onEvent invocations all fail goes to the isComplete function, which the handler role may invoke, and nothing else', () => {
    const stack = newStack();
    models(stack, 2);

    const template = Template.fromStack(stack);
    const isCompleteId = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'is-complete/index.handler' } }))[0];
    const configsById = template.findResources('AWS::Lambda::EventInvokeConfig');
    const configs = Object.values(configsById);
    // Lambda's two retries (the default: no MaximumRetryAttempts), then the record goes to isComplete, which answers FAILED.
    expect(configs).toEqual([expect.objectContaining({
      Properties: {
        FunctionName: { Ref: 'CleanRoomsMlProviderframeworkonEventC031393D' },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [isCompleteId, 'Arn'] } } },
      },
    })]);
    // Lambda sends the record with onEvent's role: the one statement that allows an invocation names isComplete alone,
    // in a policy the configuration comes after (Lambda refuses a destination the role may not use).
    const invoking = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]: [string, any]) =>
      policy.Properties.PolicyDocument.Statement
        .filter((statement: any) => asList(statement.Action).some((action) => String(action).startsWith('lambda:')))
        .map((statement: any) => ({ id, action: statement.Action, resource: statement.Resource })));
    expect(invoking).toEqual([{ id: expect.stringMatching(/^CleanRoomsMlTrainingPollerPolicy/), action: 'lambda:InvokeFunction', resource: { 'Fn::GetAtt': [isCompleteId, 'Arn'] } }]);
    expect((configs[0] as any).DependsOn).toContain(invoking[0].id);
    // In place before the first request, and until the last Delete: every custom resource depends on the handler
    // policy, which depends on the configuration (one DependsOn in the stack, not one more per custom resource).
    const handlerPolicyId = Object.keys(template.findResources('AWS::IAM::Policy')).find((id) => id.startsWith('CleanRoomsMlProviderHandlerPolicy'))!;
    expect(template.toJSON().Resources[handlerPolicyId].DependsOn).toEqual([Object.keys(configsById)[0]]);
    for (const model of Object.values(template.findResources('Custom::CleanRoomsMLAudienceModel'))) {
      expect(model.DependsOn).toEqual([handlerPolicyId]);
    }
    // isComplete finds the poller (whose definition names isComplete, so not by its ARN) by the poller's logical id.
    const pollerId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(template.toJSON().Resources[isCompleteId].Properties.Environment.Variables).toEqual({ CLEANROOMS_ML_POLLER_LOGICAL_ID: pollerId });
  });

  test('every custom resource uses the same service token', () => {
    const stack = newStack();
    models(stack, 3);

    const tokens = Object.values(Template.fromStack(stack).findResources('Custom::CleanRoomsMLAudienceModel'))
      .map((resource: any) => JSON.stringify(resource.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });

  test('each stack gets its own provider', () => {
    const app = new App();
    const first = newStack('First', app);
    const second = newStack('Second', app);
    models(first, 1);
    models(second, 1);

    expect(CleanRoomsMlProvider.of(first)).not.toBe(CleanRoomsMlProvider.of(second));
    expect(CleanRoomsMlProvider.of(first.node.findChild('Model0'))).toBe(CleanRoomsMlProvider.of(first));
  });

  test('the handlers run on Node.js 22 with their own log groups', () => {
    const stack = newStack();
    models(stack, 1);

    const template = Template.fromStack(stack);
    // One asset holds both bundles: each function runs its own.
    const handlers = template.findResources('AWS::Lambda::Function', { Properties: { Handler: Match.stringLikeRegexp('^(on-event|is-complete)/index\\.handler$') } });
    expect(Object.values(handlers).map((handler: any) => handler.Properties.Handler).sort()).toEqual(['is-complete/index.handler', 'on-event/index.handler']);
    expect(new Set(Object.values(handlers).map((handler: any) => JSON.stringify(handler.Properties.Code))).size).toBe(1);
    for (const handler of Object.values(handlers)) {
      expect(handler.Properties.Runtime).toBe('nodejs24.x');
      expect(handler.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/LogGroup/) });
    }
  });

  describe('handler role', () => {
    test('has two policies (the resources\' and the training poller\'s), whatever the number of resources, and no managed policy', () => {
      const stack = newStack();
      models(stack, 5);

      const template = Template.fromStack(stack);
      expect(Object.keys(handlerPolicies(template))).toHaveLength(1);
      const roleId = Object.keys(template.findResources('AWS::IAM::Role', {
        Properties: { Description: Match.stringLikeRegexp('cdk-cleanrooms-ml') },
      }))[0];
      const attached = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes(roleId));
      expect(attached.map((policy: any) => policy.Properties.PolicyName)).toEqual([
        expect.stringMatching(/^CleanRoomsMlProviderHandlerPolicy/),
        expect.stringMatching(/^CleanRoomsMlTrainingPollerPolicy/),
      ]);
      expect(template.findResources('AWS::IAM::Role')[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    });

    test('merges repeated grants: one statement per set of actions, each resource once', () => {
      const stack = newStack();
      models(stack, 5);

      const statements = handlerStatements(Template.fromStack(stack));
      const actionSets = statements.map((statement) => JSON.stringify(statement.Action));
      expect(new Set(actionSets).size).toBe(actionSets.length);
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: 'cleanrooms-ml:CreateAudienceModel',
        Resource: [datasetArn('dataset-a'), datasetArn('dataset-b')],
      });
    });

    test('never gets cleanrooms-ml:* or Action *, and Resource * only for actions without resource-level permissions', () => {
      const stack = newStack();
      models(stack, 2);

      const statements = handlerStatements(Template.fromStack(stack));
      const actions = statements.flatMap((statement) => asList(statement.Action));
      expect(actions).not.toContain('*');
      expect(actions.filter((action) => String(action).endsWith(':*'))).toEqual([]);
      for (const statement of statements) {
        if (asList(statement.Resource).includes('*')) {
          expect(asList(statement.Action).every((action) => /^cleanrooms-ml:List[A-Za-z]+$/.test(String(action)))).toBe(true);
          expect(asList(statement.Action)).not.toContain('cleanrooms-ml:ListTagsForResource');
        }
      }
    });

    test('scopes Clean Rooms ML actions to the stack\'s account and region', () => {
      const stack = newStack();
      models(stack, 1);

      const resources = handlerStatements(Template.fromStack(stack))
        .filter((statement) => asList(statement.Action).some((action) => String(action).startsWith('cleanrooms-ml:')))
        .flatMap((statement) => asList(statement.Resource))
        .map((resource) => JSON.stringify(resource));
      for (const resource of resources) {
        expect(resource === '"*"' || resource.includes(`:cleanrooms-ml:${REGION}:${ACCOUNT}:`)).toBe(true);
      }
    });

    test('passes roles only to Clean Rooms ML', () => {
      const stack = newStack();
      const role = new iam.Role(stack, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('cleanrooms-ml.amazonaws.com') });
      CleanRoomsMlProvider.of(stack).grantPassRole(role);
      CleanRoomsMlProvider.of(stack).grantPassRole(role);

      const passRole = handlerStatements(Template.fromStack(stack)).filter((statement) => statement.Action === 'iam:PassRole');
      expect(passRole).toEqual([{
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ServiceRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'cleanrooms-ml.amazonaws.com' } },
      }]);
    });

    test('carries reviewed cdk-nag IAM5 suppressions for its wildcard resources', () => {
      const stack = newStack();
      models(stack, 1);

      const [policy] = Object.values(handlerPolicies(Template.fromStack(stack)));
      expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([
        expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: expect.any(String), applies_to: expect.arrayContaining(['Resource::*']) }),
      ]);
    });
  });

  test('the functions and the poller carry reviewed, resource-scoped cdk-nag suppressions', () => {
    const stack = newStack();
    models(stack, 1);

    const template = Template.fromStack(stack);
    const suppressed = (resource: any) => (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule: any) => rule.id);
    // cdk-nag's L1 wants the newest Node.js runtime the installed
    // aws-cdk-lib knows: whether a function breaks it depends on the
    // aws-cdk-lib release, so its suppression must follow the rule itself.
    const functions = stack.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const breaksL1 = rules.lambda.LambdaLatestVersion(fn) === NagRuleCompliance.NON_COMPLIANT;
      expect(suppressed(template.toJSON().Resources[stack.resolve(fn.logicalId)])
        .filter((id: string) => id === 'AwsSolutions-L1')).toEqual(breaksL1 ? ['AwsSolutions-L1'] : []);
    }
    for (const stateMachine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
      expect(suppressed(stateMachine)).toEqual(['AwsSolutions-SF1', 'AwsSolutions-SF2']);
    }
    // No managed policy anywhere (the framework's basic execution roles are gone).
    expect(Object.values(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } }))).toEqual([]);
  });

  test('cfn-lint\'s W3005 (a DependsOn that a Ref or GetAtt already enforces) is ignored on exactly the resources that have one, aws-cdk-lib\'s functions', () => {
    const stack = newStack();
    models(stack, 1); // the default 24-hour timeout: a model, its wait conditions and its ready resource

    const resources: Record<string, any> = Template.fromStack(stack).toJSON().Resources;
    const redundant = Object.entries(resources)
      .filter(([, resource]) => asList(resource.DependsOn ?? []).some((id) => referencesOf(resource.Properties).has(id as string)))
      .map(([id, resource]) => `${resource.Type} ${id}`);
    const ignored = Object.entries(resources)
      .filter(([, resource]) => resource.Metadata?.['cfn-lint'] !== undefined)
      .map(([id, resource]) => {
        expect(resource.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W3005'] } });
        return `${resource.Type} ${id}`;
      });
    expect(ignored.sort()).toEqual(redundant.sort());
    // The library's two handlers: each depends on its role and names its ARN.
    expect(redundant.map((entry) => entry.split(' ')[0]).sort()).toEqual(Array(2).fill('AWS::Lambda::Function'));
  });

  describe('logs', () => {
    test('every log group is an explicit resource with a retention: one per function', () => {
      const stack = newStack();
      models(stack, 1);

      const groups = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
      expect(groups).toHaveLength(2);
      for (const group of groups) {
        expect(group.Properties.RetentionInDays).toBe(90);
      }
    });
  });

  describe('timing', () => {
    test('waits a whole number of query intervals, under an hour, and below ServiceTimeout', () => {
      const attempts = TOTAL_TIMEOUT.toSeconds() / QUERY_INTERVAL.toSeconds();
      expect(Number.isInteger(attempts)).toBe(true);
      expect(TOTAL_TIMEOUT.toSeconds()).toBeLessThanOrEqual(3600);
      expect(SERVICE_TIMEOUT.toSeconds()).toBeGreaterThan(TOTAL_TIMEOUT.toSeconds());
      expect(SERVICE_TIMEOUT.toSeconds()).toBeLessThanOrEqual(3600);
    });

    const valid = { queryInterval: Duration.seconds(30), totalTimeout: Duration.minutes(30), serviceTimeout: Duration.minutes(40) };
    const refusal = (timing: Partial<typeof valid>): string => {
      try {
        validateProviderTiming(newStack(), { ...valid, ...timing });
      } catch (error) {
        expect(Errors.isValidationError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected the timing to be refused');
    };

    test('fails when totalTimeout is not a whole number of query intervals', () => {
      expect(refusal({ totalTimeout: Duration.seconds(1000) })).toBe(
        'TestStack: totalTimeout must be a whole number of query intervals (30 seconds), got 1000 seconds',
      );
    });

    test('fails when totalTimeout is over an hour', () => {
      expect(refusal({ totalTimeout: Duration.minutes(61) })).toBe('TestStack: totalTimeout must be at most 3600 seconds (1 hour), got 3660 seconds');
    });

    test('fails when ServiceTimeout is out of CloudFormation\'s range', () => {
      expect(refusal({ serviceTimeout: Duration.seconds(3601) })).toBe(
        'TestStack: serviceTimeout must be a whole number of seconds between 1 and 3600, got 3601 seconds',
      );
    });

    test('fails when ServiceTimeout is not above totalTimeout', () => {
      expect(refusal({ serviceTimeout: Duration.minutes(30) })).toBe(
        'TestStack: serviceTimeout must be longer than the provider\'s totalTimeout (1800 seconds), got 1800 seconds',
      );
    });
  });
});
