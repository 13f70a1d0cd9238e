/**
 * Run and test cdk-cleanrooms-ml stacks on one machine: the emulator of AWS
 * Clean Rooms ML (`CleanRoomsMlEmulator`), the local deploy runner that
 * carries out a synthesized stack on it the way CloudFormation and the
 * custom-resource Provider framework would, running the stack's own Lambda
 * code (`deployStack`, `destroyStack`, `stackStatus`), the typed Clean Rooms
 * ML client (`CleanRoomsMlClient`), and helpers for tests
 * (`templateForSnapshot`, `SecretsManagerEmulator`). The README shows them
 * at work; this page lists everything the package exports.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './runner';
export * from './client';
export * from './secrets-manager/secrets-manager-emulator';
export * from './testing/template-snapshot';
