/**
 * What the local deploy runner tells the functions it runs, beside what
 * Lambda itself sets. The library's handlers read it (packages/handlers).
 */

/**
 * Real time per unit of CloudFormation time. The handlers' clock runs that
 * much faster, so their deadlines fall where the runner's scaled waiter
 * expects them. Never set in a deployed function.
 */
export const LOCAL_TIME_SCALE_ENV = 'CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE';
