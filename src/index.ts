// Public, jsii-compatible API of cdk-cleanrooms-ml. The constructs are exported
// from here; the local emulator and runner are Node.js tooling and live under
// `cdk-cleanrooms-ml/lib/local` (not part of the jsii assembly's API).
export const CLEAN_ROOMS_ML_SERVICE_PRINCIPAL = 'cleanrooms-ml.amazonaws.com';
export * from './constructs/training-data-source';
export * from './constructs/training-dataset';
export * from './constructs/audience-model';
export * from './constructs/audience-size-config';
export * from './constructs/configured-audience-model';
export * from './constructs/audience-size';
export * from './constructs/seed-audience';
export * from './constructs/audience-generation-job';
export * from './constructs/audience-export-job';
