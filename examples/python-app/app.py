"""The lookalike pipeline example (examples/lookalike-pipeline/stack.ts,
default options) written in Python with the cdk-cleanrooms-ml wheel.

Its template must equal the TypeScript example's, resource by resource:
`npx projen verify:python` synthesizes both and compares them. Construct ids,
descriptions and the feature flag are therefore the TypeScript example's,
word for word. The output directory comes from CDK_OUTDIR (set by the cdk CLI
and by the verify task).
"""
from datetime import datetime, timezone

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_cleanrooms_ml import (
    AudienceGenerationJob,
    AudienceModel,
    AudienceSize,
    AudienceSizeConfig,
    ColumnSchema,
    ColumnType,
    ConfiguredAudienceModel,
    SeedAudience,
    TrainingDataSource,
    TrainingDataset,
)

# The TypeScript example's fixed account and Region (EXAMPLE_ENV).
EXAMPLE_ENV = cdk.Environment(account="123456789012", region="us-east-1")
AUDIENCE_SIZES = [10_000, 50_000, 100_000]
EXPORTED_SIZE = 50_000


class LookalikePipeline(Construct):
    """Dataset, model, configured model, generation job and export."""

    def __init__(self, scope: Construct, id: str, *, table_name: str, data_prefix: str, seed_key: str,
                 output_prefix: str, partner_account_id: str, data_bucket: s3.IBucket,
                 audience_bucket: s3.IBucket) -> None:
        super().__init__(scope, id)

        training_dataset = TrainingDataset(
            self, "Interactions",
            description=f"Purchases and page views of the {table_name} table",
            data_source=TrainingDataSource.from_glue_table(
                database_name="retail", table_name=table_name, bucket=data_bucket, prefix=data_prefix,
            ),
            columns=[
                ColumnSchema(column_name="user_id", column_type=ColumnType.USER_ID),
                ColumnSchema(column_name="item_id", column_type=ColumnType.ITEM_ID),
                ColumnSchema(column_name="event_time", column_type=ColumnType.TIMESTAMP),
                ColumnSchema(column_name="category", column_type=ColumnType.CATEGORICAL_FEATURE),
                ColumnSchema(column_name="price", column_type=ColumnType.NUMERICAL_FEATURE),
            ],
        )

        # No timeout: the construct's default (24 hours), as in the TypeScript example.
        audience_model = AudienceModel(
            self, "Model",
            training_dataset=training_dataset,
            description="Lookalikes of our buyers, trained on 2026 interactions",
            training_data_start_time=datetime(2026, 1, 1, tzinfo=timezone.utc),
            training_data_end_time=datetime(2026, 10, 31, tzinfo=timezone.utc),
        )

        configured = ConfiguredAudienceModel(
            self, "Shared",
            audience_model=audience_model,
            description="Lookalike audiences of our buyers, shared with our media partner",
            output_bucket=audience_bucket,
            output_prefix=output_prefix,
            audience_size_config=AudienceSizeConfig.absolute(AUDIENCE_SIZES),
            min_matching_seed_size=500,
        )
        configured.allow_account_to_start_generation_jobs(partner_account_id)

        job = AudienceGenerationJob(
            self, "Buyers",
            configured_audience_model=configured,
            seed_audience=SeedAudience.from_s3(data_bucket, seed_key),
            description="Lookalikes of this quarter's buyers",
        )
        job.export(
            "Export",
            audience_size=AudienceSize.absolute(EXPORTED_SIZE),
            description=f"The {EXPORTED_SIZE:,} users most like our buyers",
        )


class LookalikePipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(
            scope, id,
            description="cdk-cleanrooms-ml example: a Clean Rooms ML lookalike-audience pipeline",
            **kwargs,
        )
        # Access logs delivered through the log bucket's policy, not the legacy ACL (EXAMPLE_FEATURE_FLAGS).
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)

        data_bucket = s3.Bucket.from_bucket_name(self, "Data", "retail-interactions-data")
        access_logs = s3.Bucket(
            self, "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(365))],
        )
        audience_bucket = s3.Bucket(
            self, "Audiences",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="audiences/",
        )

        LookalikePipeline(
            self, "Retail",
            table_name="interactions",
            data_prefix="interactions/",
            seed_key="seeds/buyers.csv",
            output_prefix="lookalike/",
            partner_account_id="111122223333",
            data_bucket=data_bucket,
            audience_bucket=audience_bucket,
        )

        cdk.Tags.of(self).add("project", "lookalike-audiences")
        cdk.Tags.of(self).add("team", "growth")


app = cdk.App()
LookalikePipelineStack(app, "LookalikePipeline", env=EXAMPLE_ENV)
app.synth()
