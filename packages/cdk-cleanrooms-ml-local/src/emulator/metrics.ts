/**
 * Plausible, repeatable quality figures for trained models and generated
 * audiences. They are derived from the resource's ARN, so the same resource
 * always reports the same numbers (also after a restart) and two resources
 * usually differ.
 */
import { createHash } from 'node:crypto';

/** @inline (shown in place in API.md: the client exports a type of the same name) */
export interface AudienceModelMetric {
  readonly type: 'NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN' | 'MEAN_RECIPROCAL_RANK' | 'PRECISION' | 'RECALL';
  readonly forTopKItemPredictions: number;
  readonly value: number;
}

/** @inline (shown in place in API.md: the client exports a type of the same name) */
export interface AudienceSize {
  readonly type: 'ABSOLUTE' | 'PERCENTAGE';
  readonly value: number;
}

/** @inline (shown in place in API.md: the client exports a type of the same name) */
export interface RelevanceMetric {
  readonly audienceSize: AudienceSize;
  readonly score: number;
}

/** @inline (shown in place in API.md: the client exports a type of the same name) */
export interface AudienceSizeConfig {
  readonly audienceSizeType: 'ABSOLUTE' | 'PERCENTAGE';
  readonly audienceSizeBins: readonly number[];
}

const TOP_K_ITEM_PREDICTIONS = 10;

/** A number in [0, 1) drawn from the seed text and a label. */
function fraction(seed: string, label: string): number {
  const digest = createHash('sha256').update(`${seed}\n${label}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The four metric types the service reports for a trained model. */
export function audienceModelMetrics(audienceModelArn: string): AudienceModelMetric[] {
  const ranges: Array<[AudienceModelMetric['type'], number, number]> = [
    ['NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN', 0.2, 0.45],
    ['MEAN_RECIPROCAL_RANK', 0.15, 0.4],
    ['PRECISION', 0.05, 0.25],
    ['RECALL', 0.1, 0.5],
  ];
  return ranges.map(([type, low, high]) => ({
    type,
    forTopKItemPredictions: TOP_K_ITEM_PREDICTIONS,
    value: round(low + (high - low) * fraction(audienceModelArn, type)),
  }));
}

/**
 * One relevance score per configured audience size. Larger audiences reach
 * further from the seed, so their scores fall as the size grows.
 */
export function relevanceMetrics(audienceGenerationJobArn: string, sizes: AudienceSizeConfig | undefined): RelevanceMetric[] {
  if (!sizes) {
    return [];
  }
  const top = 0.75 + 0.2 * fraction(audienceGenerationJobArn, 'relevance');
  const sorted = [...sizes.audienceSizeBins].sort((a, b) => a - b);
  return sorted.map((value, rank) => ({
    audienceSize: { type: sizes.audienceSizeType, value },
    score: round(top * (1 - (0.5 * rank) / Math.max(sorted.length, 1))),
  }));
}

/** Share of the seed found again in the generated audience. */
export function recallMetric(audienceGenerationJobArn: string): number {
  return round(0.3 + 0.4 * fraction(audienceGenerationJobArn, 'recall'));
}
