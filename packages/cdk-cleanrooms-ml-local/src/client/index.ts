export * from './client';
export * from './endpoint';
export * from './errors';
export * from './operations';
export * from './paginate';
export * from './response-timestamps';
export * from './retry';
export * from './types';
