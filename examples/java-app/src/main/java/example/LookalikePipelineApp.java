package example;

import java.time.Instant;
import java.util.List;

import io.github.cdk_cleanrooms_ml.AudienceExportOptions;
import io.github.cdk_cleanrooms_ml.AudienceGenerationJob;
import io.github.cdk_cleanrooms_ml.AudienceModel;
import io.github.cdk_cleanrooms_ml.AudienceSize;
import io.github.cdk_cleanrooms_ml.AudienceSizeConfig;
import io.github.cdk_cleanrooms_ml.ColumnSchema;
import io.github.cdk_cleanrooms_ml.ColumnType;
import io.github.cdk_cleanrooms_ml.ConfiguredAudienceModel;
import io.github.cdk_cleanrooms_ml.GlueTableSourceOptions;
import io.github.cdk_cleanrooms_ml.SeedAudience;
import io.github.cdk_cleanrooms_ml.TrainingDataSource;
import io.github.cdk_cleanrooms_ml.TrainingDataset;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The lookalike pipeline example (examples/lookalike-pipeline/stack.ts,
 * default options) written in Java with the cdk-cleanrooms-ml jar. Its
 * template must equal the TypeScript example's, resource by resource, so
 * construct ids, descriptions and the feature flag are the TypeScript
 * example's, word for word. The output directory comes from CDK_OUTDIR.
 */
public final class LookalikePipelineApp {
    static final List<Number> AUDIENCE_SIZES = List.of(10_000, 50_000, 100_000);
    static final int EXPORTED_SIZE = 50_000;

    /** Dataset, model, configured model, generation job and export. */
    static final class LookalikePipeline extends Construct {
        LookalikePipeline(Construct scope, String id, String tableName, String dataPrefix, String seedKey,
                          String outputPrefix, String partnerAccountId, IBucket dataBucket, IBucket audienceBucket) {
            super(scope, id);

            TrainingDataset trainingDataset = TrainingDataset.Builder.create(this, "Interactions")
                .description("Purchases and page views of the " + tableName + " table")
                .dataSource(TrainingDataSource.fromGlueTable(GlueTableSourceOptions.builder()
                    .databaseName("retail").tableName(tableName).bucket(dataBucket).prefix(dataPrefix).build()))
                .columns(List.of(
                    column("user_id", ColumnType.USER_ID),
                    column("item_id", ColumnType.ITEM_ID),
                    column("event_time", ColumnType.TIMESTAMP),
                    column("category", ColumnType.CATEGORICAL_FEATURE),
                    column("price", ColumnType.NUMERICAL_FEATURE)))
                .build();

            // No timeout: the construct's default (24 hours), as in the TypeScript example.
            AudienceModel audienceModel = AudienceModel.Builder.create(this, "Model")
                .trainingDataset(trainingDataset)
                .description("Lookalikes of our buyers, trained on 2026 interactions")
                .trainingDataStartTime(Instant.parse("2026-01-01T00:00:00Z"))
                .trainingDataEndTime(Instant.parse("2026-10-31T00:00:00Z"))
                .build();

            ConfiguredAudienceModel configured = ConfiguredAudienceModel.Builder.create(this, "Shared")
                .audienceModel(audienceModel)
                .description("Lookalike audiences of our buyers, shared with our media partner")
                .outputBucket(audienceBucket)
                .outputPrefix(outputPrefix)
                .audienceSizeConfig(AudienceSizeConfig.absolute(AUDIENCE_SIZES))
                .minMatchingSeedSize(500)
                .build();
            configured.allowAccountToStartGenerationJobs(partnerAccountId);

            AudienceGenerationJob job = AudienceGenerationJob.Builder.create(this, "Buyers")
                .configuredAudienceModel(configured)
                .seedAudience(SeedAudience.fromS3(dataBucket, seedKey))
                .description("Lookalikes of this quarter's buyers")
                .build();
            job.export("Export", AudienceExportOptions.builder()
                .audienceSize(AudienceSize.absolute(EXPORTED_SIZE))
                .description(String.format(java.util.Locale.US, "The %,d users most like our buyers", EXPORTED_SIZE))
                .build());
        }

        private static ColumnSchema column(String name, ColumnType type) {
            return ColumnSchema.builder().columnName(name).columnType(type).build();
        }
    }

    static final class LookalikePipelineStack extends Stack {
        LookalikePipelineStack(Construct scope, String id, StackProps props) {
            super(scope, id, StackProps.builder()
                .env(props.getEnv())
                .description("cdk-cleanrooms-ml example: a Clean Rooms ML lookalike-audience pipeline")
                .build());
            // Access logs delivered through the log bucket's policy, not the legacy ACL (EXAMPLE_FEATURE_FLAGS).
            getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

            IBucket dataBucket = Bucket.fromBucketName(this, "Data", "retail-interactions-data");
            Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(365)).build()))
                .build();
            Bucket audienceBucket = Bucket.Builder.create(this, "Audiences")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("audiences/")
                .build();

            new LookalikePipeline(this, "Retail", "interactions", "interactions/", "seeds/buyers.csv", "lookalike/",
                "111122223333", dataBucket, audienceBucket);

            Tags.of(this).add("project", "lookalike-audiences");
            Tags.of(this).add("team", "growth");
        }
    }

    public static void main(String[] args) {
        App app = new App();
        // The TypeScript example's fixed account and Region (EXAMPLE_ENV).
        new LookalikePipelineStack(app, "LookalikePipeline", StackProps.builder()
            .env(Environment.builder().account("123456789012").region("us-east-1").build())
            .build());
        app.synth();
    }
}
