/**
 * Facts about the AWS Clean Rooms ML service that a stack may need beside
 * the constructs, e.g. to write its own trust policies or conditions.
 *
 * A class of static members rather than a module constant, so that Python,
 * Java, .NET and Go users see it too (jsii exports no top-level constants).
 */
export class CleanRoomsMl {
  /** The service principal Clean Rooms ML assumes roles as: `cleanrooms-ml.amazonaws.com`. */
  public static readonly SERVICE_PRINCIPAL = 'cleanrooms-ml.amazonaws.com';

  private constructor() {}
}
