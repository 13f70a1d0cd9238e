/**
 * Every custom resource type of the library and the class that handles it:
 * the whole dispatcher. A new resource type is one more entry.
 */
import { AUDIENCE_EXPORT_JOB_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-export-job';
import { AUDIENCE_GENERATION_JOB_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-generation-job';
import { AUDIENCE_MODEL_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-model';
import { CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model';
import { CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model-association';
import { WAIT_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { AudienceExportJobHandler } from '../audience-export-job/handler';
import { AudienceGenerationJobHandler } from '../audience-generation-job/handler';
import { AudienceModelHandler } from '../audience-model/handler';
import { ConfiguredAudienceModelHandler } from '../configured-audience-model/handler';
import { ConfiguredAudienceModelAssociationHandler } from '../configured-audience-model-association/handler';
import type { ResourceHandlerMap } from '../framework/dispatch';
import { WaitHandler } from '../wait/handler';

export const RESOURCE_HANDLERS: ResourceHandlerMap = {
  [AUDIENCE_MODEL_RESOURCE_TYPE]: AudienceModelHandler,
  [CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE]: ConfiguredAudienceModelHandler,
  [CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE]: ConfiguredAudienceModelAssociationHandler,
  [AUDIENCE_GENERATION_JOB_RESOURCE_TYPE]: AudienceGenerationJobHandler,
  [AUDIENCE_EXPORT_JOB_RESOURCE_TYPE]: AudienceExportJobHandler,
  [WAIT_RESOURCE_TYPE]: WaitHandler,
};
