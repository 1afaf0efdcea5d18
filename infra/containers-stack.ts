// The containers stack: our server (the repo's Dockerfile) on ECS Fargate behind an ALB that passes WebSockets,
// Valkey (ElastiCache) for PUBSUB=redis, and the stream fan-out Lambda as the table's trigger. Every role holds
// only what its code calls, on named ARNs; `*` only where AWS allows nothing narrower (see README).
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { USERS_DATABASE, USERS_DB_USER, type UsersCluster } from './appsync-stack.ts';
import type { DynamoDbAccess } from './dynamodb-access.ts';
import { dynamoDbStatements } from './policies.ts';
import type { Settings } from './settings.ts';

export const SERVER_PORT = 4000;
export const REDIS_PORT = 6379;
export const READINESS_PATH = '/health/ready';
/** The Lambda's entry (written on branch h/redis): publishes each stream record to Redis. */
export const STREAM_FANOUT_ENTRY = 'src/lambda/stream-fanout.ts';

/** The server's readiness check describes the table; nothing else beyond what the resolvers do. */
export const SERVER_EXTRA_DYNAMODB_ACTIONS = ['dynamodb:DescribeTable'] as const;

/** Lambda ENIs in a VPC: these EC2 actions take no resource narrower than `*` (AWS's VPC access policy). */
export const VPC_ENI_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:UnassignPrivateIpAddresses',
] as const;

export interface ContainersStackProps extends StackProps {
  readonly settings: Settings;
  /** The repository root: the Dockerfile's context and the Lambda's entry. */
  readonly root: string;
  readonly table: dynamodb.Table;
  readonly messagesAccess: DynamoDbAccess;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClientId: string;
  readonly users: UsersCluster;
}

export class ContainersStack extends Stack {
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: ContainersStackProps) {
    super(scope, id, props);
    const { settings, users } = props;
    const vpc = users.vpc;
    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    const albSg = new ec2.SecurityGroup(this, 'AlbSg', { vpc, description: 'Cruddur ALB: HTTP(S) from anywhere' });
    const serviceSg = new ec2.SecurityGroup(this, 'ServiceSg', { vpc, description: 'Cruddur server tasks' });
    const fanoutSg = new ec2.SecurityGroup(this, 'FanoutSg', { vpc, description: 'Cruddur stream fan-out Lambda' });
    const cacheSg = new ec2.SecurityGroup(this, 'CacheSg', {
      vpc,
      description: 'Cruddur Valkey',
      allowAllOutbound: false,
    });
    serviceSg.addIngressRule(albSg, ec2.Port.tcp(SERVER_PORT), 'the ALB to the server');
    cacheSg.addIngressRule(serviceSg, ec2.Port.tcp(REDIS_PORT), 'server tasks');
    cacheSg.addIngressRule(fanoutSg, ec2.Port.tcp(REDIS_PORT), 'the stream fan-out Lambda');
    // The cluster's security group lives in the AppSync stack; the rule lives here, so that stack does not
    // depend on this one.
    new ec2.CfnSecurityGroupIngress(this, 'UsersFromServer', {
      groupId: users.cluster.connections.securityGroups[0]!.securityGroupId,
      sourceSecurityGroupId: serviceSg.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: users.cluster.clusterEndpoint.port,
      toPort: users.cluster.clusterEndpoint.port,
      description: 'Cruddur server tasks',
    });

    const cache = this.valkey(vpc, cacheSg);
    const redisUrl = `rediss://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`;

    // 32 random bytes for nextToken encryption, shared by every task (a token from one task opens on another):
    // 43 letters and digits are valid base64 of 32 bytes (src/data/secrets.ts).
    const nextTokenSecret = new secretsmanager.Secret(this, 'NextTokenSecret', {
      description: 'Cruddur NEXT_TOKEN_SECRET',
      generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      securityGroup: albSg,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      // WebSockets stay open through the ALB; the server's keep-alive (12 s) keeps them under this timeout.
      idleTimeout: Duration.seconds(120),
    });

    this.service = this.server({ props, vpc, serviceSg, redisUrl, nextTokenSecret });
    this.listen(settings);
    this.fanout({ props, vpc, fanoutSg, redisUrl, isolated });

    new CfnOutput(this, 'Url', {
      value: `${settings.certificateArn ? 'https' : 'http'}://${this.loadBalancer.loadBalancerDnsName}`,
    });
    new CfnOutput(this, 'RedisUrl', { value: redisUrl });
  }

  private valkey(vpc: ec2.IVpc, cacheSg: ec2.SecurityGroup): elasticache.CfnReplicationGroup {
    const subnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: 'Cruddur Valkey',
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    // One small node: pub/sub only (no data kept), so a failover loses nothing but live deliveries in flight.
    return new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: 'Cruddur pub/sub',
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      port: REDIS_PORT,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [cacheSg.securityGroupId],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
    });
  }

  private server(options: {
    props: ContainersStackProps;
    vpc: ec2.IVpc;
    serviceSg: ec2.SecurityGroup;
    redisUrl: string;
    nextTokenSecret: secretsmanager.Secret;
  }): ecs.FargateService {
    const { props, vpc, serviceSg, redisUrl, nextTokenSecret } = options;
    const { table, users, settings } = props;
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const taskRole = new iam.Role(this, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    for (const statement of dynamoDbStatements(props.messagesAccess, table, SERVER_EXTRA_DYNAMODB_ACTIONS)) {
      taskRole.addToPolicy(statement);
    }
    const logGroup = new logs.LogGroup(this, 'ServerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    });
    const dbSecret = users.cluster.secret!;
    task.addContainer('server', {
      // The repo's Dockerfile; at synth the context is only hashed and staged, the image is built by `cdk deploy`.
      image: ecs.ContainerImage.fromAsset(props.root),
      portMappings: [{ containerPort: SERVER_PORT }],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'server', logGroup }),
      environment: {
        PORT: String(SERVER_PORT),
        HOST: '0.0.0.0',
        AWS_REGION: this.region,
        // An AWS endpoint: the server then uses the task role, not the embedded DynamoDB Local.
        DYNAMODB_ENDPOINT: `https://dynamodb.${this.region}.${this.urlSuffix}`,
        DYNAMODB_TABLE: table.tableName,
        AUTH_MODE: 'cognito',
        COGNITO_USER_POOL_ID: props.userPool.userPoolId,
        COGNITO_CLIENT_ID: props.userPoolClientId,
        // The password comes from PGPASSWORD (node-postgres reads it when the URL has none). TLS without
        // verification: Node does not ship the RDS CA, and the database is reachable only from these tasks.
        DATABASE_URL: `postgres://${USERS_DB_USER}@${users.cluster.clusterEndpoint.hostname}:${users.cluster.clusterEndpoint.port}/${USERS_DATABASE}?sslmode=no-verify`,
        PUBSUB: 'redis',
        REDIS_URL: redisUrl,
        // The stream's one reader is the Lambda below (src/lambda/stream-fanout.ts); tasks only read Redis.
        REDIS_STREAM_READER: 'external',
        // In cognito mode SEED only ensures the schema: the table exists (DescribeTable), the users table is
        // created if absent (CREATE TABLE IF NOT EXISTS); no demo users or conversations.
        SEED: 'true',
        // The ALB appends the caller's address to X-Forwarded-For.
        TRUSTED_PROXY_HOPS: '1',
      },
      secrets: {
        PGPASSWORD: ecs.Secret.fromSecretsManager(dbSecret, 'password'),
        NEXT_TOKEN_SECRET: ecs.Secret.fromSecretsManager(nextTokenSecret),
      },
      // The server drains WebSockets on SIGTERM (src/plugins/drain-websockets.ts) within this.
      stopTimeout: Duration.seconds(30),
    });
    return new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: settings.desiredCount,
      // Public subnets with public addresses instead of a NAT gateway (pulling the image, Cognito's JWKS,
      // DynamoDB); the security group admits only the ALB.
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [serviceSg],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });
  }

  private listen(settings: Settings): void {
    const targets: elbv2.AddApplicationTargetsProps = {
      port: SERVER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      healthCheck: {
        path: READINESS_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      // Open sockets get this long to close after a task leaves the target group.
      deregistrationDelay: Duration.seconds(30),
    };
    if (settings.certificateArn) {
      const https = this.loadBalancer.addListener('Https', {
        port: 443,
        certificates: [elbv2.ListenerCertificate.fromArn(settings.certificateArn)],
      });
      https.addTargets('Server', targets);
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    } else {
      this.loadBalancer.addListener('Http', { port: 80 }).addTargets('Server', targets);
    }
  }

  private fanout(options: {
    props: ContainersStackProps;
    vpc: ec2.IVpc;
    fanoutSg: ec2.SecurityGroup;
    redisUrl: string;
    isolated: ec2.SubnetSelection;
  }): void {
    const { props, vpc, fanoutSg, redisUrl, isolated } = options;
    const entry = path.join(props.root, STREAM_FANOUT_ENTRY);
    if (!existsSync(entry)) {
      throw new Error(
        `${STREAM_FANOUT_ENTRY} is missing: the stream fan-out Lambda's handler (branch h/redis) must be merged`,
      );
    }
    const logGroup = new logs.LogGroup(this, 'FanoutLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'FanoutRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const policy = new iam.Policy(this, 'FanoutPolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({ actions: [...VPC_ENI_ACTIONS], resources: ['*'] }),
        // What Lambda's event source mapping calls on the stream (DynamoDB's own example policy).
        new iam.PolicyStatement({
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [`${props.table.tableArn}/stream/*`],
        }),
      ],
    });
    policy.attachToRole(role);
    const fn = new nodejs.NodejsFunction(this, 'StreamFanout', {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      // Grants the constructs would add (the stream read grant includes ListStreams on `*`) are dropped:
      // the policy above is the whole of it.
      role: role.withoutPolicyUpdates(),
      logGroup,
      vpc,
      vpcSubnets: isolated,
      securityGroups: [fanoutSg],
      environment: { REDIS_URL: redisUrl, DYNAMODB_TABLE: props.table.tableName },
      depsLockFilePath: path.join(props.root, 'package-lock.json'),
      projectRoot: props.root,
      // Local esbuild (a dependency of this repo), never Docker: synth works offline.
      bundling: { forceDockerBundling: false, format: nodejs.OutputFormat.ESM, target: 'node22', minify: true },
    });
    // Lambda checks the ENI permissions when the function is created, so the policy must exist first.
    fn.node.addDependency(policy);
    fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.millis(0),
        // A failing batch is split to find the bad record and retried a bounded number of times; live
        // delivery is best effort (clients catch up with messages(after:)), so an old record is dropped.
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.minutes(5),
      }),
    );
  }
}
