// The lookalike pipeline example (examples/lookalike-pipeline/stack.ts,
// default options) written in Go with the cdk-cleanrooms-ml module that
// the library's `package:go` task builds into packages/cdk-cleanrooms-ml/dist/go
// (`npx projen build:packages` runs it). Its template must equal the
// TypeScript example's, resource by resource (`npx projen verify:go`), so
// construct ids, descriptions and the feature flag are the TypeScript
// example's, word for word. The output directory comes from CDK_OUTDIR.
package main

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	cleanroomsml "github.com/cdk-cleanrooms-ml/cdk-cleanrooms-ml-go/cdkcleanroomsml"
)

var audienceSizes = []*float64{jsii.Number(10_000), jsii.Number(50_000), jsii.Number(100_000)}

const exportedSize = 50_000

type pipelineProps struct {
	tableName, dataPrefix, seedKey, outputPrefix, partnerAccountID string
	dataBucket, audienceBucket                                     awss3.IBucket
}

// newLookalikePipeline declares the dataset, model, configured model, generation job and export.
func newLookalikePipeline(scope constructs.Construct, id string, props pipelineProps) constructs.Construct {
	pipeline := constructs.NewConstruct(scope, jsii.String(id))

	column := func(name string, columnType cleanroomsml.ColumnType) *cleanroomsml.ColumnSchema {
		return &cleanroomsml.ColumnSchema{ColumnName: jsii.String(name), ColumnType: columnType}
	}
	dataset := cleanroomsml.NewTrainingDataset(pipeline, jsii.String("Interactions"), &cleanroomsml.TrainingDatasetProps{
		Description: jsii.String(fmt.Sprintf("Purchases and page views of the %s table", props.tableName)),
		DataSource: cleanroomsml.TrainingDataSource_FromGlueTable(&cleanroomsml.GlueTableSourceOptions{
			DatabaseName: jsii.String("retail"),
			TableName:    jsii.String(props.tableName),
			Bucket:       props.dataBucket,
			Prefix:       jsii.String(props.dataPrefix),
		}),
		Columns: &[]*cleanroomsml.ColumnSchema{
			column("user_id", cleanroomsml.ColumnType_USER_ID),
			column("item_id", cleanroomsml.ColumnType_ITEM_ID),
			column("event_time", cleanroomsml.ColumnType_TIMESTAMP),
			column("category", cleanroomsml.ColumnType_CATEGORICAL_FEATURE),
			column("price", cleanroomsml.ColumnType_NUMERICAL_FEATURE),
		},
	})

	// No Timeout: the construct's default (24 hours), as in the TypeScript example.
	model := cleanroomsml.NewAudienceModel(pipeline, jsii.String("Model"), &cleanroomsml.AudienceModelProps{
		TrainingDataset:       dataset,
		Description:           jsii.String("Lookalikes of our buyers, trained on 2026 interactions"),
		TrainingDataStartTime: jsii.Time(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		TrainingDataEndTime:   jsii.Time(time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)),
	})

	configured := cleanroomsml.NewConfiguredAudienceModel(pipeline, jsii.String("Shared"), &cleanroomsml.ConfiguredAudienceModelProps{
		AudienceModel:       model,
		Description:         jsii.String("Lookalike audiences of our buyers, shared with our media partner"),
		OutputBucket:        props.audienceBucket,
		OutputPrefix:        jsii.String(props.outputPrefix),
		AudienceSizeConfig:  cleanroomsml.AudienceSizeConfig_Absolute(&audienceSizes),
		MinMatchingSeedSize: jsii.Number(500),
	})
	configured.AllowAccountToStartGenerationJobs(jsii.String(props.partnerAccountID), nil)

	job := cleanroomsml.NewAudienceGenerationJob(pipeline, jsii.String("Buyers"), &cleanroomsml.AudienceGenerationJobProps{
		ConfiguredAudienceModel: configured,
		SeedAudience:            cleanroomsml.SeedAudience_FromS3(props.dataBucket, jsii.String(props.seedKey), nil),
		Description:             jsii.String("Lookalikes of this quarter's buyers"),
	})
	job.Export(jsii.String("Export"), &cleanroomsml.AudienceExportOptions{
		AudienceSize: cleanroomsml.AudienceSize_Absolute(jsii.Number(exportedSize)),
		Description:  jsii.String("The 50,000 users most like our buyers"),
	})
	return pipeline
}

func newLookalikePipelineStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	props.Description = jsii.String("cdk-cleanrooms-ml example: a Clean Rooms ML lookalike-audience pipeline")
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	// Access logs delivered through the log bucket's policy, not the legacy ACL (EXAMPLE_FEATURE_FLAGS).
	stack.Node().SetContext(jsii.String("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"), true)

	dataBucket := awss3.Bucket_FromBucketName(stack, jsii.String("Data"), jsii.String("retail-interactions-data"))
	accessLogs := awss3.NewBucket(stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(365))}},
	})
	audienceBucket := awss3.NewBucket(stack, jsii.String("Audiences"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: accessLogs,
		ServerAccessLogsPrefix: jsii.String("audiences/"),
	})

	newLookalikePipeline(stack, "Retail", pipelineProps{
		tableName:        "interactions",
		dataPrefix:       "interactions/",
		seedKey:          "seeds/buyers.csv",
		outputPrefix:     "lookalike/",
		partnerAccountID: "111122223333",
		dataBucket:       dataBucket,
		audienceBucket:   audienceBucket,
	})

	awscdk.Tags_Of(stack).Add(jsii.String("project"), jsii.String("lookalike-audiences"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("team"), jsii.String("growth"), nil)
	return stack
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	// The TypeScript example's fixed account and Region (EXAMPLE_ENV).
	newLookalikePipelineStack(app, "LookalikePipeline", &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	app.Synth(nil)
}
