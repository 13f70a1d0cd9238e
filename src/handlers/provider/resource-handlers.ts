/**
 * Every custom resource type of the library and the class that handles it:
 * the whole dispatcher. A new resource type is one more entry.
 */
import { AudienceModelHandler } from '../audience-model/handler';
import { AUDIENCE_MODEL_RESOURCE_TYPE } from '../audience-model/types';
import { ConfiguredAudienceModelHandler } from '../configured-audience-model/handler';
import { CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE } from '../configured-audience-model/types';
import type { ResourceHandlerMap } from '../framework/dispatch';

export const RESOURCE_HANDLERS: ResourceHandlerMap = {
  [AUDIENCE_MODEL_RESOURCE_TYPE]: AudienceModelHandler,
  [CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE]: ConfiguredAudienceModelHandler,
};
