/**
 * The two accounts of the collaboration example, fixed so that its
 * templates are the same on every machine: the model owner is the local
 * emulator's default account, the seed provider a second one.
 */
export const REGION = 'us-east-1';

/** The retailer: trains the model, configures it and associates it with the collaboration. */
export const MODEL_OWNER_ENV = { account: '123456789012', region: REGION };

/** The media partner: brings the seed audience and generates lookalikes with the owner's model. */
export const SEED_PROVIDER_ENV = { account: '111122223333', region: REGION };
