/**
 * The collaboration example as a CDK app: two stacks for two accounts.
 *
 *   npx projen synth:collaboration   # writes examples/collaboration/cdk.out
 *
 * Deploy the model owner's stack first (as the owner's account), then the
 * seed provider's (as the partner's account) with the owner's outputs as
 * parameters; destroy the seed provider's first. On the local emulator:
 * see the README, "Two accounts: a collaboration".
 */
import { App } from 'aws-cdk-lib';
import { MODEL_OWNER_ENV, SEED_PROVIDER_ENV } from './accounts';
import { ModelOwnerStack } from './model-owner-stack';
import { SeedProviderStack } from './seed-provider-stack';

const app = new App();
new ModelOwnerStack(app, 'CollaborationModelOwner', { env: MODEL_OWNER_ENV, seedProviderAccountId: SEED_PROVIDER_ENV.account });
new SeedProviderStack(app, 'CollaborationSeedProvider', { env: SEED_PROVIDER_ENV });
app.synth();
