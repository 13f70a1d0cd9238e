// cdk-cleanrooms-ml-local: run and test Clean Rooms ML stacks on one machine.
// The emulator of the service, the local deploy runner that carries out a
// synthesized stack on it (CloudFormation and the custom-resource Provider
// framework, running the stack's own Lambda code), the typed Clean Rooms ML
// client, and helpers for tests.
export * from './emulator';
export * from './runner';
export * from './client';
export * from './secrets-manager/secrets-manager-emulator';
export * from './testing/template-snapshot';
