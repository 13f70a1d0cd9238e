// Public, jsii-compatible API of cdk-cleanrooms-ml: the constructs, visible
// in every jsii language. The local emulator, deploy runner and client are the
// separate npm package cdk-cleanrooms-ml-local.
export * from './constructs/clean-rooms-ml';
export * from './constructs/training-data-source';
export * from './constructs/training-dataset';
export * from './constructs/audience-model';
export * from './constructs/audience-size-config';
export * from './constructs/configured-audience-model';
export * from './constructs/collaboration-membership';
export * from './constructs/configured-audience-model-association';
export * from './constructs/audience-size';
export * from './constructs/seed-audience';
export * from './constructs/audience-generation-job';
export * from './constructs/audience-export-job';
