/**
 * Every custom resource type of the library and the class that handles it:
 * the whole dispatcher. A new resource type is one more entry.
 */
import { AudienceExportJobHandler } from '../audience-export-job/handler';
import { AUDIENCE_EXPORT_JOB_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-export-job';
import { AudienceGenerationJobHandler } from '../audience-generation-job/handler';
import { AUDIENCE_GENERATION_JOB_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-generation-job';
import { AudienceModelHandler } from '../audience-model/handler';
import { AUDIENCE_MODEL_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/audience-model';
import { ConfiguredAudienceModelHandler } from '../configured-audience-model/handler';
import { CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model';
import type { ResourceHandlerMap } from '../framework/dispatch';
import { WaitHandler } from '../wait/handler';
import { WAIT_RESOURCE_TYPE } from 'cdk-cleanrooms-ml/lib/contracts/wait';

export const RESOURCE_HANDLERS: ResourceHandlerMap = {
  [AUDIENCE_MODEL_RESOURCE_TYPE]: AudienceModelHandler,
  [CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE]: ConfiguredAudienceModelHandler,
  [AUDIENCE_GENERATION_JOB_RESOURCE_TYPE]: AudienceGenerationJobHandler,
  [AUDIENCE_EXPORT_JOB_RESOURCE_TYPE]: AudienceExportJobHandler,
  [WAIT_RESOURCE_TYPE]: WaitHandler,
};
