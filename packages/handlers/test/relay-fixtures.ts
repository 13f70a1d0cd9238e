/**
 * What the tests of the provider's relay (onEvent, isComplete's answers, and
 * isComplete as onEvent's on-failure destination) share: a CloudFormation
 * request, and relay dependencies that record what is answered and logged.
 */
import type { CloudFormationResponse } from '../src/framework/cloudformation-response';
import type { CustomResourceEvent } from '../src/framework/events';
import { Logger } from '../src/framework/logger';

/** A ResponseURL with a signature, which nothing may log. */
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com/key?X-Amz-Signature=secret-signature';

export const ON_EVENT_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Lookalike-CleanRoomsMlProviderframeworkonEv-abc';

/** A Create of an audience model, as CloudFormation sends it. */
export function cloudFormationRequest(overrides: Partial<CustomResourceEvent> = {}): CustomResourceEvent {
  return {
    RequestType: 'Create',
    ResponseURL: RESPONSE_URL,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Lookalike/5b0e6f70-1f2a-11ef-9a4b-0a1b2c3d4e5f',
    RequestId: '0b6a2f7e-8f0c-4d35-9a2b-1c3d4e5f6a7b',
    ResourceType: 'Custom::CleanRoomsMLAudienceModel',
    LogicalResourceId: 'Model0301700E',
    ResourceProperties: { ServiceToken: ON_EVENT_ARN },
    ...overrides,
  };
}

/** The relay's dependencies at a fixed time, recording the answers it sends and the lines it logs. */
export function recordingRelayDependencies(now = 1_000_000) {
  const sent: Array<{ url: string; response: CloudFormationResponse }> = [];
  const logs: string[] = [];
  return {
    sent,
    logs,
    deps: {
      respond: async (url: string, response: CloudFormationResponse) => {
        sent.push({ url, response });
      },
      now: () => now,
      log: new Logger({ handler: 'test' }, [RESPONSE_URL], (line) => logs.push(line)),
    },
  };
}
