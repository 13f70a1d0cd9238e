/**
 * How the sizes of generated audiences are expressed.
 */
export enum AudienceSizeType {
  /** A number of users, e.g. 100,000. */
  ABSOLUTE = 'ABSOLUTE',
  /** A percentage (1–100) of the users in the audience model's training data. */
  PERCENTAGE = 'PERCENTAGE',
}

/**
 * The audience sizes a configured audience model offers: an audience
 * generation or export job must ask for one of these sizes ("bins").
 *
 * The service takes 1–25 whole-number bins, each between 1 and 20,000,000
 * (1–100 for percentages), without repeats; the configured audience model
 * checks them at synthesis.
 *
 * @example
 * AudienceSizeConfig.absolute([10_000, 100_000, 1_000_000]);
 * AudienceSizeConfig.percentage([5, 10, 25]);
 */
export class AudienceSizeConfig {
  /**
   * Sizes as numbers of users.
   *
   * @param bins the sizes offered, e.g. `[10_000, 100_000]`
   */
  public static absolute(bins: number[]): AudienceSizeConfig {
    return new AudienceSizeConfig(AudienceSizeType.ABSOLUTE, bins);
  }

  /**
   * Sizes as percentages (1–100) of the users in the training data.
   *
   * @param bins the percentages offered, e.g. `[5, 10, 25]`
   */
  public static percentage(bins: number[]): AudienceSizeConfig {
    return new AudienceSizeConfig(AudienceSizeType.PERCENTAGE, bins);
  }

  /** How the sizes are expressed. */
  public readonly sizeType: AudienceSizeType;

  /** The sizes offered, in the order given. */
  public readonly bins: number[];

  private constructor(sizeType: AudienceSizeType, bins: number[]) {
    this.sizeType = sizeType;
    // A copy: changing the caller's array later must not change what was
    // validated and deployed. Anything but a list (from JavaScript) is kept
    // as given, for the configured audience model to refuse with its path.
    this.bins = Array.isArray(bins) ? [...bins] : bins;
  }

  /**
   * Whether a job may ask for this size: it has this type and is one of the bins.
   *
   * @param sizeType the type of the size asked for
   * @param value the size asked for
   */
  public offers(sizeType: AudienceSizeType, value: number): boolean {
    return sizeType === this.sizeType && Array.isArray(this.bins) && this.bins.includes(value);
  }
}
