import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AudienceModel, AudienceSizeConfig, AudienceSizeType, ConfiguredAudienceModel } from '../../src';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e`;

/** Defines a configured audience model offering `sizes`, and returns its stack. */
function configuredWith(sizes: AudienceSizeConfig): Stack {
  const stack = new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
  new ConfiguredAudienceModel(stack, 'Configured', {
    audienceModel: AudienceModel.fromAudienceModelArn(stack, 'Model', MODEL_ARN),
    outputBucket: s3.Bucket.fromBucketName(stack, 'Output', 'audiences'),
    audienceSizeConfig: sizes,
  });
  return stack;
}

function validationErrorOf(define: () => void): Error {
  try {
    define();
  } catch (error) {
    expect(Errors.isValidationError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a validation error');
}

describe('AudienceSizeConfig', () => {
  test('absolute() offers numbers of users', () => {
    const sizes = AudienceSizeConfig.absolute([10_000, 100_000]);

    expect(sizes.sizeType).toBe(AudienceSizeType.ABSOLUTE);
    expect(sizes.bins).toEqual([10_000, 100_000]);
  });

  test('percentage() offers percentages of the training data\'s users', () => {
    const sizes = AudienceSizeConfig.percentage([5, 25]);

    expect(sizes.sizeType).toBe(AudienceSizeType.PERCENTAGE);
    expect(sizes.bins).toEqual([5, 25]);
  });

  test('keeps its own copy of the bins', () => {
    const bins = [1000, 2000];
    const sizes = AudienceSizeConfig.absolute(bins);
    bins.push(3000);

    expect(sizes.bins).toEqual([1000, 2000]);
  });

  test('offers() is true only for one of the bins of the same type', () => {
    const sizes = AudienceSizeConfig.absolute([1000, 2000]);

    expect(sizes.offers(AudienceSizeType.ABSOLUTE, 2000)).toBe(true);
    expect(sizes.offers(AudienceSizeType.ABSOLUTE, 1500)).toBe(false);
    expect(sizes.offers(AudienceSizeType.PERCENTAGE, 2000)).toBe(false);
  });

  test('is written to the configured audience model as its type and bins', () => {
    const stack = configuredWith(AudienceSizeConfig.percentage([5, 10, 20]));

    Template.fromStack(stack).hasResourceProperties('Custom::CleanRoomsMLConfiguredAudienceModel', {
      AudienceSizeType: 'PERCENTAGE',
      AudienceSizeBins: [5, 10, 20],
    });
  });

  test('accepts 25 bins up to 20,000,000', () => {
    const bins = Array.from({ length: 25 }, (_, index) => 20_000_000 - index);
    expect(() => configuredWith(AudienceSizeConfig.absolute(bins))).not.toThrow();
  });

  describe('validation', () => {
    test('fails with no bins', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute([])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins must have 1–25 entries, got 0');
    });

    test('fails with more than 25 bins', () => {
      const bins = Array.from({ length: 26 }, (_, index) => (index + 1) * 1000);
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute(bins)));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins must have 1–25 entries, got 26');
    });

    test('fails when a bin is not a whole number', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute([1000, 1500.5])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins[1] must be a whole number, got 1500.5');
    });

    test('fails when a bin is below 1', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute([0])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins[0] must be between 1 and 20000000, got 0');
    });

    test('fails when an absolute bin is above 20,000,000', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute([1000, 20_000_001])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins[1] must be between 1 and 20000000, got 20000001');
    });

    test('fails when a percentage bin is above 100', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.percentage([50, 101])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins[1] must be between 1 and 100, got 101');
    });

    test('fails when a bin is repeated', () => {
      const error = validationErrorOf(() => configuredWith(AudienceSizeConfig.absolute([1000, 2000, 1000])));
      expect(error.message).toBe('TestStack/Configured: audienceSizeConfig.bins must not repeat a size, got "1000" twice');
    });

    test('fails when an imported configured model names invalid sizes', () => {
      const stack = new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
      const error = validationErrorOf(() => ConfiguredAudienceModel.fromConfiguredAudienceModelAttributes(stack, 'Imported', {
        configuredAudienceModelArn: `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:configured-audience-model/c1`,
        audienceSizeConfig: AudienceSizeConfig.percentage([150]),
      }));
      expect(error.message).toBe('TestStack/Imported: audienceSizeConfig.bins[0] must be between 1 and 100, got 150');
    });
  });
});
