// The AppSync stack: the GraphQL API from schema.graphql (Cognito user pools by default), the messages table,
// the users database (Aurora PostgreSQL with the Data API, or an existing cluster), one data source per filename
// data source, each with its own least-privilege role, and every resolver and pipeline function from the bundles.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { GROUP_INDEX, INBOX_INDEX } from '../src/data/table.ts';
import { bundlesFor, dataSourceNames, type ResolverBundles } from './bundles.ts';
import { deriveDynamoDbAccess, type DynamoDbAccess } from './dynamodb-access.ts';
import { dynamoDbStatements, rdsDataApiStatements } from './policies.ts';
import type { Settings } from './settings.ts';
import { createMessagesTable } from './table.ts';

/** The data sources our filenames name, and what backs each. */
export const DATA_SOURCES = { messages: 'dynamodb', users: 'postgres' } as const;
export const NONE_DATA_SOURCE = 'none';
export const USERS_DATABASE = 'cruddur';
export const USERS_DB_USER = 'cruddur';

const RUNTIME = { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' } as const;

export interface AppSyncStackProps extends StackProps {
  readonly settings: Settings;
  readonly bundles: ResolverBundles;
  readonly schemaPath: string;
}

/** A created users cluster, which the containers stack reaches over the network. */
export interface UsersCluster {
  readonly vpc: ec2.IVpc;
  readonly cluster: rds.DatabaseCluster;
}

/** AppSync function names allow only letters, digits and `_`. */
const functionName = (typeName: string, fieldName: string, order: number, name: string) =>
  `${typeName}_${fieldName}_${order}_${name}`;

export class AppSyncStack extends Stack {
  readonly api: appsync.GraphqlApi;
  readonly table: dynamodb.Table;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClientId: string;
  readonly users: UsersCluster | undefined;
  /** What the messages resolvers do in DynamoDB; the server's task role holds the same. */
  readonly messagesAccess: DynamoDbAccess;

  constructor(scope: Construct, id: string, props: AppSyncStackProps) {
    super(scope, id, props);
    const { settings, bundles } = props;
    const names = dataSourceNames(bundles);
    const unknown = [...names].filter((n) => n !== null && !Object.hasOwn(DATA_SOURCES, n));
    if (unknown.length) {
      throw new Error(`resolvers name data sources the AppSync stack does not define: ${unknown.join(', ')}`);
    }

    this.table = createMessagesTable(this, 'Messages', settings.tableName);
    this.messagesAccess = deriveDynamoDbAccess(bundlesFor(bundles, 'messages'), [GROUP_INDEX, INBOX_INDEX]);

    if (settings.userPool) {
      this.userPool = cognito.UserPool.fromUserPoolId(this, 'UserPool', settings.userPool.userPoolId);
      this.userPoolClientId = settings.userPool.userPoolClientId;
    } else {
      const pool = new cognito.UserPool(this, 'UserPool', {
        selfSignUpEnabled: true,
        signInAliases: { email: true },
        autoVerify: { email: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // A public client (no secret) for browsers: SRP sign-in, no user-existence hints; admin password sign-in
      // (callable only with IAM credentials) lets an operator get a token from the CLI (README).
      const client = pool.addClient('WebClient', {
        authFlows: { userSrp: true, adminUserPassword: true },
        preventUserExistenceErrors: true,
      });
      this.userPool = pool;
      this.userPoolClientId = client.userPoolClientId;
    }

    // AppSync writes its logs with this role; the log group is created below with a retention.
    const logsRole = new iam.Role(this, 'ApiLogsRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
    });
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: 'cruddur-messages',
      definition: appsync.Definition.fromFile(props.schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          userPoolConfig: {
            userPool: this.userPool,
            defaultAction: appsync.UserPoolDefaultAction.ALLOW,
            appIdClientRegex: this.userPoolClientId,
          },
        },
      },
      environmentVariables: { MESSAGES_TABLE: this.table.tableName },
    });
    // Set on the L1 resource: the L2 logConfig adds a log-retention custom resource (a Lambda allowed
    // logs:PutRetentionPolicy on `*`); the log group below, with its retention, replaces it.
    // ERROR: every failed field is logged with its errorType; ALL would log every argument and result
    // (message bodies) and cost per request. No verbose content: request headers carry the JWT.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: logsRole.roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    const logGroup = new logs.LogGroup(this, 'ApiLogs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    const users = this.usersDatabase(settings);
    this.users = users.created;

    const dataSources = new Map<string, appsync.CfnDataSource>();
    dataSources.set(
      'messages',
      new appsync.CfnDataSource(this, 'MessagesDataSource', {
        apiId: this.api.apiId,
        name: 'messages',
        type: 'AMAZON_DYNAMODB',
        dynamoDbConfig: { tableName: this.table.tableName, awsRegion: this.region },
        serviceRoleArn: this.dataSourceRole('MessagesRole', dynamoDbStatements(this.messagesAccess, this.table))
          .roleArn,
      }),
    );
    dataSources.set(
      'users',
      new appsync.CfnDataSource(this, 'UsersDataSource', {
        apiId: this.api.apiId,
        name: 'users',
        type: 'RELATIONAL_DATABASE',
        relationalDatabaseConfig: {
          relationalDatabaseSourceType: 'RDS_HTTP_ENDPOINT',
          rdsHttpEndpointConfig: {
            awsRegion: this.region,
            dbClusterIdentifier: users.clusterArn,
            awsSecretStoreArn: users.secretArn,
            databaseName: users.databaseName,
          },
        },
        serviceRoleArn: this.dataSourceRole('UsersRole', rdsDataApiStatements(users.clusterArn, users.secretArn))
          .roleArn,
      }),
    );
    if (names.has(null)) {
      dataSources.set(
        NONE_DATA_SOURCE,
        new appsync.CfnDataSource(this, 'NoneDataSource', {
          apiId: this.api.apiId,
          name: NONE_DATA_SOURCE,
          type: 'NONE',
        }),
      );
    }
    this.addResolvers(bundles, dataSources);

    new CfnOutput(this, 'GraphqlUrl', { value: this.api.graphqlUrl });
    new CfnOutput(this, 'ApiId', { value: this.api.apiId });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UsersClusterArn', { value: users.clusterArn });
    new CfnOutput(this, 'UsersSecretArn', { value: users.secretArn });
  }

  /** A role only AppSync, for this API, can assume, holding exactly `statements`. */
  private dataSourceRole(id: string, statements: iam.PolicyStatement[]): iam.Role {
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com', {
        // Confused-deputy guard: only this API may use the role.
        conditions: { ArnLike: { 'aws:SourceArn': this.api.arn } },
      }),
    });
    for (const statement of statements) role.addToPolicy(statement);
    return role;
  }

  private usersDatabase(settings: Settings) {
    if (settings.usersCluster) return { ...settings.usersCluster, created: undefined };
    // No NAT gateway: the cluster and the cache live in isolated subnets; the containers stack's tasks and load
    // balancer use the public ones.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const cluster = new rds.DatabaseCluster(this, 'UsersCluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('writer'),
      // Scales to zero when idle (Aurora PostgreSQL 16.3+): an unused demo costs storage only.
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 2,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromGeneratedSecret(USERS_DB_USER),
      defaultDatabaseName: USERS_DATABASE,
      enableDataApi: true,
      storageEncrypted: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    return {
      clusterArn: cluster.clusterArn,
      secretArn: cluster.secret!.secretArn,
      databaseName: USERS_DATABASE,
      created: { vpc, cluster },
    };
  }

  /** One resolver per manifest entry; a pipeline's functions in the manifest's (numbered) order. */
  private addResolvers(bundles: ResolverBundles, dataSources: ReadonlyMap<string, appsync.CfnDataSource>): void {
    const source = (name: string | null) => dataSources.get(name ?? NONE_DATA_SOURCE)!;
    for (const r of bundles.manifest.resolvers) {
      const id = `${r.typeName}${r.fieldName[0]!.toUpperCase()}${r.fieldName.slice(1)}`;
      let resolver: appsync.CfnResolver;
      switch (r.kind) {
        case 'UNIT': {
          const ds = source(r.dataSource);
          resolver = new appsync.CfnResolver(this, `${id}Resolver`, {
            apiId: this.api.apiId,
            typeName: r.typeName,
            fieldName: r.fieldName,
            kind: 'UNIT',
            dataSourceName: ds.name,
            runtime: RUNTIME,
            code: bundles.code(r.file),
          });
          resolver.node.addDependency(ds);
          break;
        }
        case 'PIPELINE': {
          const functions = [...r.functions]
            .sort((a, b) => a.order - b.order)
            .map((f) => {
              const ds = source(f.dataSource);
              const fn = new appsync.CfnFunctionConfiguration(this, `${id}Fn${f.order}`, {
                apiId: this.api.apiId,
                name: functionName(r.typeName, r.fieldName, f.order, f.name),
                dataSourceName: ds.name,
                runtime: RUNTIME,
                code: bundles.code(f.file),
              });
              fn.node.addDependency(ds);
              this.api.addSchemaDependency(fn);
              return fn;
            });
          resolver = new appsync.CfnResolver(this, `${id}Resolver`, {
            apiId: this.api.apiId,
            typeName: r.typeName,
            fieldName: r.fieldName,
            kind: 'PIPELINE',
            pipelineConfig: { functions: functions.map((f) => f.attrFunctionId) },
            runtime: RUNTIME,
            code: bundles.code(r.file),
          });
          break;
        }
        default: {
          const never: never = r;
          throw new Error(`unknown resolver kind in ${JSON.stringify(never)}`);
        }
      }
      this.api.addSchemaDependency(resolver);
    }
  }
}
