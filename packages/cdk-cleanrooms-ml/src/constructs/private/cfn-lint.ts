import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// cfn-lint (the CloudFormation linter) reads a resource's
// `Metadata: cfn-lint: config: ignore_checks` and skips those rules on that
// resource only. The library sets it where a finding is not its own to fix,
// so that users who lint their templates see only findings about their code.

/**
 * Ignores cfn-lint `checks` on one resource (a CfnResource, or the default
 * child of an L2), keeping whatever cfn-lint configuration it already has.
 */
export function ignoreCfnLintChecks(construct: IConstruct | undefined, checks: string[]): void {
  const resource = construct instanceof CfnResource ? construct : construct?.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    return;
  }
  const existing = resource.getMetadata('cfn-lint') ?? {};
  const ignored: string[] = existing.config?.ignore_checks ?? [];
  resource.addMetadata('cfn-lint', {
    ...existing,
    config: { ...existing.config, ignore_checks: [...new Set([...ignored, ...checks])] },
  });
}
