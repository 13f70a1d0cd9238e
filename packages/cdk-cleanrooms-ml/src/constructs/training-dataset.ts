import { createHash } from 'crypto';
import { Arn, ArnFormat, CfnResource, IResource, Lazy, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import { CfnTrainingDataset } from 'aws-cdk-lib/aws-cleanroomsml';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { cleanRoomsMlResourceIdOf, environmentFromCleanRoomsMlArn } from './private/arns';
import { bindableKind, checkKind, checkRequired, enumKind, LIST, objectKind, REMOVAL_POLICY, ROLE, STRING } from './private/input-types';
import { registerReplacementKey } from './private/replacement-key';
import { createCleanRoomsMlServiceRole } from './private/service-role';
import {
  DESCRIPTION_RULES,
  NAME_RULES,
  ROLE_ARN_RULES,
  describeValue,
  validateCount,
  validateString,
  validateUnique,
  validationError,
} from './private/validation';
import { TrainingDataSource } from './training-data-source';

/** The resource type of training datasets in ARNs and in `aws:SourceArn`. */
const RESOURCE_TYPE = 'training-dataset';

/**
 * What a column of the training data holds.
 */
export enum ColumnType {
  /** The user's identifier. Exactly one column has this type. */
  USER_ID = 'USER_ID',
  /** The identifier of the item the user interacted with. Exactly one column has this type. */
  ITEM_ID = 'ITEM_ID',
  /** When the interaction happened. Exactly one column has this type. */
  TIMESTAMP = 'TIMESTAMP',
  /** A feature with a fixed set of values (e.g. a category). */
  CATEGORICAL_FEATURE = 'CATEGORICAL_FEATURE',
  /** A numeric feature. */
  NUMERICAL_FEATURE = 'NUMERICAL_FEATURE',
}

/**
 * A column of the training data: its name in the Glue table and what it holds.
 */
export interface ColumnSchema {
  /**
   * The column's name in the Glue table.
   *
   * 1–128 characters: letters, digits, `_` and spaces, with single `-`
   * between them.
   */
  readonly columnName: string;

  /**
   * What the column holds.
   */
  readonly columnType: ColumnType;
}

/**
 * A Clean Rooms ML training dataset, created in this app or imported.
 */
export interface ITrainingDataset extends IResource {
  /**
   * The ARN of the training dataset.
   *
   * @attribute
   */
  readonly trainingDatasetArn: string;

  /**
   * The identifier of the training dataset (the last part of its ARN).
   *
   * @attribute
   */
  readonly trainingDatasetId: string;

  /**
   * The name of the training dataset, if known.
   */
  readonly trainingDatasetName?: string;

  /**
   * The role Clean Rooms ML assumes to read the training data, if known.
   */
  readonly role?: iam.IRole;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this training dataset.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetTrainingDataset`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `grantee` permission to describe this training dataset
   * (`cleanrooms-ml:GetTrainingDataset`).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What a created and an imported training dataset have in common.
 */
export abstract class TrainingDatasetBase extends Resource implements ITrainingDataset {
  /** The ARN of the training dataset. */
  public abstract readonly trainingDatasetArn: string;
  /** The identifier of the training dataset (the last part of its ARN). */
  public abstract readonly trainingDatasetId: string;
  /** The name of the training dataset, if known. */
  public abstract readonly trainingDatasetName?: string;
  /** The role Clean Rooms ML assumes to read the training data, if known. */
  public abstract readonly role?: iam.IRole;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this training dataset.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetTrainingDataset`
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.trainingDatasetArn],
    });
  }

  /**
   * Grants `grantee` permission to describe this training dataset
   * (`cleanrooms-ml:GetTrainingDataset`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'cleanrooms-ml:GetTrainingDataset');
  }
}

/**
 * Attributes of a training dataset defined outside this app.
 */
export interface TrainingDatasetAttributes {
  /**
   * The ARN of the training dataset:
   * `arn:<partition>:cleanrooms-ml:<region>:<account>:training-dataset/<id>`.
   */
  readonly trainingDatasetArn: string;

  /**
   * The name of the training dataset.
   *
   * @default - unknown
   */
  readonly trainingDatasetName?: string;

  /**
   * The role Clean Rooms ML assumes to read the training data.
   *
   * @default - unknown
   */
  readonly role?: iam.IRole;
}

/**
 * Properties of a `TrainingDataset`.
 */
export interface TrainingDatasetProps {
  /**
   * The name of the training dataset: 1–63 printable characters, not only
   * white space, unique among the account's training datasets in the Region.
   *
   * A given name pins the dataset. Every property of a training dataset but
   * its tags is fixed at creation, so a change to the description, the
   * role, the data source or the columns makes CloudFormation replace the
   * dataset, and the new one cannot take the name the old one still holds:
   * the update fails ("CloudFormation cannot update a stack when a
   * custom-named resource requires replacing") unless the name changes in
   * the same update.
   *
   * @default - a name generated from the construct's path and a hash of the
   * dataset's fixed properties, so any change to them gives the new dataset
   * a new name: CloudFormation creates it, replaces the audience models
   * trained on the old one (they train again, on the new dataset) and then
   * deletes the old dataset. (Releases that generated the name from the path
   * alone replace the dataset once on upgrade; give its current name here to
   * keep it.)
   */
  readonly trainingDatasetName?: string;

  /**
   * A description of the training dataset, at most 255 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The data: a table of user–item interactions in the AWS Glue Data
   * Catalog, e.g. `TrainingDataSource.fromGlueTable({ databaseName, tableName, bucket, prefix })`.
   */
  readonly dataSource: TrainingDataSource;

  /**
   * The columns of the table that Clean Rooms ML uses: exactly one
   * `USER_ID`, one `ITEM_ID` and one `TIMESTAMP` column, and at most 10
   * feature columns; 1–100 columns in all, with unique names.
   */
  readonly columns: ColumnSchema[];

  /**
   * The role Clean Rooms ML assumes to read the data. It must trust
   * `cleanrooms-ml.amazonaws.com` and be in the stack's account. It is
   * granted read access to the data like a created role, unless it is
   * immutable (e.g. `Role.fromRoleArn(this, 'Role', arn, { mutable: false })`),
   * in which case it must already have that access.
   *
   * @default - a role trusted by Clean Rooms ML for training datasets of this
   * account and Region, with read access to exactly the Glue table, its S3
   * objects and its KMS key
   */
  readonly role?: iam.IRole;

  /**
   * What happens to the training dataset when it leaves the stack (or is
   * replaced). The dataset is metadata pointing at the Glue table (the data
   * stays where it is), so by default it is deleted with the stack. A
   * retained dataset keeps pointing at its role; a role this construct
   * created is deleted with the stack all the same.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Clean Rooms ML training dataset: metadata pointing at a Glue table of
 * user–item interactions, which Clean Rooms ML reads when it trains an
 * audience model.
 *
 * Unless a role is given, a role is created that Clean Rooms ML can assume
 * only for training datasets of this account and Region, and that can read
 * exactly the Glue table, its S3 objects and its KMS key.
 *
 * @resource AWS::CleanRoomsML::TrainingDataset
 */
export class TrainingDataset extends TrainingDatasetBase {
  /**
   * Imports a training dataset by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param trainingDatasetArn `arn:<partition>:cleanrooms-ml:<region>:<account>:training-dataset/<id>`
   */
  public static fromTrainingDatasetArn(scope: Construct, id: string, trainingDatasetArn: string): ITrainingDataset {
    return TrainingDataset.fromTrainingDatasetAttributes(scope, id, { trainingDatasetArn });
  }

  /**
   * Imports a training dataset by its ARN, with its name and role when known.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the dataset's attributes
   */
  public static fromTrainingDatasetAttributes(scope: Construct, id: string, attrs: TrainingDatasetAttributes): ITrainingDataset {
    const arn = attrs?.trainingDatasetArn;

    class Import extends TrainingDatasetBase {
      public readonly trainingDatasetArn = arn;
      public readonly trainingDatasetId: string;
      public readonly trainingDatasetName = attrs?.trainingDatasetName;
      public readonly role = attrs?.role;

      constructor() {
        super(scope, id, { environmentFromArn: environmentFromCleanRoomsMlArn(arn, RESOURCE_TYPE) });
        checkRequired(this, 'attrs', attrs, objectKind('TrainingDatasetAttributes'));
        this.trainingDatasetId = cleanRoomsMlResourceIdOf(this, 'trainingDatasetArn', arn, RESOURCE_TYPE, 'a training dataset');
        validateString(this, 'trainingDatasetName', attrs.trainingDatasetName, NAME_RULES);
        checkKind(this, 'role', attrs.role, ROLE);
      }
    }
    return new Import();
  }

  /** The ARN of the training dataset. */
  public readonly trainingDatasetArn: string;
  /** The identifier of the training dataset (the last part of its ARN). */
  public readonly trainingDatasetId: string;
  /**
   * The name of the training dataset, given or generated (always set on a
   * created dataset; optional only because an imported one may not know
   * it). A generated name is a token: it depends on the dataset's final
   * properties, known at synthesis.
   */
  public readonly trainingDatasetName?: string;
  /**
   * The role Clean Rooms ML assumes to read the training data (always set on
   * a created dataset: the given or the created role).
   */
  public readonly role?: iam.IRole;

  constructor(scope: Construct, id: string, props: TrainingDatasetProps) {
    super(scope, id);

    checkRequired(this, 'props', props, objectKind('TrainingDatasetProps'));
    checkRequired(this, 'dataSource', props.dataSource, TRAINING_DATA_SOURCE);
    checkKind(this, 'role', props.role, ROLE);
    checkKind(this, 'removalPolicy', props.removalPolicy, REMOVAL_POLICY);
    validateString(this, 'trainingDatasetName', props.trainingDatasetName, NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    validateColumns(this, props.columns);
    const { dataSource } = props.dataSource.bind(this);

    const role = props.role ?? createCleanRoomsMlServiceRole(this, 'Role', {
      resourceType: RESOURCE_TYPE,
      description: 'Lets Clean Rooms ML read the training data of a training dataset',
    });
    validateRole(this, role);
    const readGrant = props.dataSource.grantRead(this, role);
    // cdk-nag AwsSolutions-IAM5 on a created role, reviewed (cdk-nag's metadata
    // format; cdk-nag is a development tool, so it is not imported here).
    (props.role ? undefined : role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined)?.addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM5',
        reason: 'The training data of a Glue table is every object under its S3 location (one bucket and key prefix), '
          + 'which Clean Rooms ML reads when it trains a model.',
        applies_to: [{ regex: '/^Resource::(arn:<AWS::Partition>:s3:::[^/]+|<[^>]+\\.Arn>)\\/[^*]*\\*$/g' }],
      }],
    });

    const name: string = props.trainingDatasetName ?? Lazy.string({ produce: (): string => generatedName(resource) });
    // Every property but the tags is create-only (the resource type's schema), so they are what replaces it.
    const createOnly = {
      name,
      description: props.description,
      roleArn: role.roleArn,
      trainingData: [{
        type: 'INTERACTIONS',
        inputConfig: {
          dataSource,
          schema: props.columns.map((column) => ({
            columnName: column.columnName,
            columnTypes: [column.columnType],
          })),
        },
      }],
    };
    const resource: CfnTrainingDataset = new CfnTrainingDataset(this, 'Resource', createOnly);
    registerReplacementKey(this, createOnly);
    // The role's permissions exist before the dataset is created and are
    // removed only after it is deleted, so the service never holds a role
    // that cannot read the table.
    readGrant.applyBefore(resource);
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

    this.trainingDatasetName = name;
    this.role = role;
    this.trainingDatasetArn = resource.attrTrainingDatasetArn;
    this.trainingDatasetId = Arn.split(this.trainingDatasetArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
  }

  /**
   * Sets what happens to the training dataset when it leaves the stack (or
   * is replaced), as the `removalPolicy` prop does.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    super.applyRemovalPolicy(policy);
  }
}

/** What `TrainingDataSource.fromGlueTable(...)` makes. */
const TRAINING_DATA_SOURCE = bindableKind('be a training data source (e.g. TrainingDataSource.fromGlueTable({ databaseName, tableName }))');

/** The longest name the service takes. */
const MAX_NAME_LENGTH = 63;

/** Hex digits of the hash of the fixed properties at the end of a generated name. */
const FIXED_PROPERTIES_HASH_LENGTH = 8;

/**
 * A name for a dataset given none: its construct path (as
 * `Names.uniqueResourceName` makes it unique within the app) and a hash of
 * the properties CloudFormation cannot change in place. Every property of
 * AWS::CleanRoomsML::TrainingDataset but Tags is create-only (its resource
 * schema's createOnlyProperties: Description, Name, RoleArn, TrainingData;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cleanroomsml-trainingdataset.html),
 * and a name is unique in the account and Region
 * (https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_CreateTrainingDataset.html):
 * a replacement needs a new name, which the hash gives it, while a tag
 * change keeps it. The properties hash as the template writes them, so a
 * reference (the created role's `Fn::GetAtt`) counts as itself, not as the
 * value it will have; a value that changes at deployment only (a
 * parameter's) does not change the name.
 */
function generatedName(resource: CfnTrainingDataset): string {
  const prefix = Names.uniqueResourceName(resource.node.scope!, {
    maxLength: MAX_NAME_LENGTH - FIXED_PROPERTIES_HASH_LENGTH - 1,
    separator: '-',
    allowedSpecialCharacters: '-_',
  });
  const fixed = Stack.of(resource).resolve({
    Description: resource.description,
    RoleArn: resource.roleArn,
    TrainingData: resource.trainingData,
  });
  const hash = createHash('sha256').update(JSON.stringify(fixed)).digest('hex').slice(0, FIXED_PROPERTIES_HASH_LENGTH);
  return `${prefix}-${hash}`;
}

/** Column name pattern of the Clean Rooms ML API (ColumnSchema). */
const COLUMN_NAME = /^[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?$/;

/** Column types of which a schema has exactly one column. */
const REQUIRED_COLUMN_TYPES = [ColumnType.USER_ID, ColumnType.ITEM_ID, ColumnType.TIMESTAMP];

/** Column types that count as features. */
const FEATURE_COLUMN_TYPES = [ColumnType.CATEGORICAL_FEATURE, ColumnType.NUMERICAL_FEATURE];

const MAX_FEATURE_COLUMNS = 10;

const COLUMN_TYPE = enumKind(Object.values(ColumnType));

function validateColumns(scope: Construct, columns: ColumnSchema[]): void {
  checkRequired(scope, 'columns', columns, LIST);
  validateCount(scope, 'columns', columns, { min: 1, max: 100 });
  columns.forEach((column, index) => {
    checkRequired(scope, `columns[${index}]`, column, objectKind('ColumnSchema: { columnName, columnType }'));
    checkRequired(scope, `columns[${index}].columnName`, column.columnName, STRING);
    validateString(scope, `columns[${index}].columnName`, column.columnName, { minLength: 1, maxLength: 128, pattern: COLUMN_NAME });
    checkRequired(scope, `columns[${index}].columnType`, column.columnType, COLUMN_TYPE);
  });
  // Glue keeps column names in lower case, so names differing only in case
  // would point at the same column.
  validateUnique(
    scope,
    'columns',
    columns.map((column) => column.columnName),
    'have unique column names (compared case-insensitively, as Glue does)',
    (name) => name.toLowerCase(),
  );

  for (const type of REQUIRED_COLUMN_TYPES) {
    const matching = columns.filter((column) => column.columnType === type);
    if (matching.length !== 1) {
      const got = matching.length === 0 ? 'none' : `${matching.length} (${matching.map((column) => describeValue(column.columnName)).join(', ')})`;
      throw validationError(scope, 'columns', `have exactly one ${type} column`, got);
    }
  }

  const features = columns.filter((column) => FEATURE_COLUMN_TYPES.includes(column.columnType));
  if (features.length > MAX_FEATURE_COLUMNS) {
    throw validationError(
      scope,
      'columns',
      `have at most ${MAX_FEATURE_COLUMNS} feature columns (${FEATURE_COLUMN_TYPES.join(' or ')})`,
      `${features.length}`,
    );
  }
}

/** The service only accepts a role of the caller's account. */
function validateRole(scope: Construct, role: iam.IRole): void {
  const roleArn = role.roleArn;
  validateString(scope, 'role', roleArn, ROLE_ARN_RULES);
  if (Token.isUnresolved(roleArn)) {
    return;
  }
  const roleAccount = Arn.split(roleArn, ArnFormat.SLASH_RESOURCE_NAME).account;
  const stackAccount = Stack.of(scope).account;
  if (!Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
    throw validationError(scope, 'role', `be in the stack's account (${stackAccount})`, describeValue(roleArn));
  }
}
