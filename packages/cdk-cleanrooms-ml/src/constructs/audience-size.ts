import { AudienceSizeType } from './audience-size-config';

/**
 * The size of an audience to export (or whose relevance score to read): a
 * number of users or a percentage. It must be one of the bins of the
 * configured audience model the audience was generated with.
 *
 * @example
 * AudienceSize.absolute(100_000);
 * AudienceSize.percentage(10);
 */
export class AudienceSize {
  /**
   * A number of users: 1–20,000,000.
   *
   * @param value the number of users, e.g. `100_000`
   */
  public static absolute(value: number): AudienceSize {
    return new AudienceSize(AudienceSizeType.ABSOLUTE, value);
  }

  /**
   * A percentage (1–100) of the users in the audience model's training data.
   *
   * @param value the percentage, e.g. `10`
   */
  public static percentage(value: number): AudienceSize {
    return new AudienceSize(AudienceSizeType.PERCENTAGE, value);
  }

  /** How the size is expressed. */
  public readonly sizeType: AudienceSizeType;

  /** The number of users, or the percentage. */
  public readonly value: number;

  private constructor(sizeType: AudienceSizeType, value: number) {
    this.sizeType = sizeType;
    this.value = value;
  }

  /** The size as messages show it, e.g. `ABSOLUTE 100000`. */
  public toString(): string {
    return `${this.sizeType} ${this.value}`;
  }
}
