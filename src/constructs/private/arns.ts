import { Arn, ArnFormat, Token } from 'aws-cdk-lib';

/**
 * The id (last part) of a Clean Rooms ML ARN of `resourceType`
 * (`arn:<partition>:cleanrooms-ml:<region>:<account>:<resourceType>/<id>`),
 * or `undefined` when the ARN is not one. A token ARN (known only at deploy
 * time) is not checked: its id is a token too.
 */
export function cleanRoomsMlResourceId(arn: string, resourceType: string): string | undefined {
  if (Token.isUnresolved(arn)) {
    return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
  }
  let components;
  try {
    components = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  } catch {
    return undefined;
  }
  const matches = components.service === 'cleanrooms-ml' && components.resource === resourceType;
  return matches && components.resourceName ? components.resourceName : undefined;
}
