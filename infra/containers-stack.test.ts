// The synthesised containers stack: the server on Fargate behind an ALB (WebSocket-friendly idle timeout, health
// checks on /health/ready), Valkey for PUBSUB=redis, the stream fan-out Lambda on the table's stream, secrets
// from Secrets Manager, and roles that hold only the expected actions on the expected ARNs.
import type { Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_FANOUT_ENTRY, VPC_ENI_ACTIONS } from './containers-stack.ts';
import { ROOT, idsOf, roleId, statementsOfRole, synth, type Synthesised } from './synth-helpers.ts';

let template: Template;
let appsync: Template;
let synthesised: Synthesised | undefined;
const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const only = (type: string) => {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties;
};
/** A value exported by the AppSync stack, as the containers stack imports it. */
const imported = (exportPrefix: string) => ({
  'Fn::ImportValue': expect.stringMatching(new RegExp(`^CruddurAppSync:ExportsOutput${exportPrefix}`)),
});
const env = () =>
  Object.fromEntries(
    only('AWS::ECS::TaskDefinition').ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]),
  );

beforeAll(async () => {
  const s = (synthesised = await synth({ desiredCount: 3 }));
  template = s.template('CruddurContainers');
  appsync = s.template('CruddurAppSync');
}, 120_000);
afterAll(() => synthesised?.remove());

describe('the server', () => {
  it('runs the requested number of Fargate tasks, reachable only from the load balancer', () => {
    const service = only('AWS::ECS::Service');
    expect(service.DesiredCount).toBe(3);
    expect(service.LaunchType).toBe('FARGATE');
    expect(service.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const serviceSg = service.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]['Fn::GetAtt'][0];
    const albSg = only('AWS::ElasticLoadBalancingV2::LoadBalancer').SecurityGroups[0]['Fn::GetAtt'][0];
    expect(ingress.filter((i) => i.GroupId['Fn::GetAtt']?.[0] === serviceSg)).toEqual([
      expect.objectContaining({
        FromPort: 4000,
        ToPort: 4000,
        SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
      }),
    ]);
  });

  it('is configured for AWS: Cognito, the deployed table and cluster, Redis pub/sub, secrets from Secrets Manager', () => {
    const e = env();
    expect(e).toMatchObject({ AUTH_MODE: 'cognito', PUBSUB: 'redis', REDIS_STREAM_READER: 'external', SEED: 'true' });
    expect(e.HOST).toBe('0.0.0.0');
    // Unset, the server would start the embedded DynamoDB Local.
    expect(e.DYNAMODB_ENDPOINT).toEqual({
      'Fn::Join': ['', ['https://dynamodb.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
    expect(e.TRUSTED_PROXY_HOPS).toBe('1');
    expect(JSON.stringify(e.DYNAMODB_TABLE)).toMatch(/ExportsOutputRefMessages/);
    expect(JSON.stringify(e.COGNITO_USER_POOL_ID)).toMatch(/ExportsOutputRefUserPool/);
    expect(JSON.stringify(e.COGNITO_CLIENT_ID)).toMatch(/ExportsOutputRefUserPoolWebClient/);
    expect(e.REDIS_URL).toEqual({
      'Fn::Join': [
        '',
        [
          'rediss://',
          { 'Fn::GetAtt': ['Cache', 'PrimaryEndPoint.Address'] },
          ':',
          { 'Fn::GetAtt': ['Cache', 'PrimaryEndPoint.Port'] },
        ],
      ],
    });
    // No password in the URL or anywhere in the environment: it comes as a secret.
    expect(JSON.stringify(e.DATABASE_URL)).toMatch(
      /"postgres:\/\/cruddur@",.*EndpointAddress.*"\/cruddur\?sslmode=no-verify"/,
    );
    expect(JSON.stringify(e)).not.toMatch(/password/i);
    const secrets = only('AWS::ECS::TaskDefinition').ContainerDefinitions[0].Secrets;
    expect(secrets.map((s: any) => s.Name).sort()).toEqual(['NEXT_TOKEN_SECRET', 'PGPASSWORD']);
    const pg = secrets.find((s: any) => s.Name === 'PGPASSWORD');
    expect(JSON.stringify(pg.ValueFrom)).toMatch(/UsersClusterSecretAttachment.*:password::/);
    const next = secrets.find((s: any) => s.Name === 'NEXT_TOKEN_SECRET');
    expect(next.ValueFrom).toEqual({ Ref: idsOf(template, 'AWS::SecretsManager::Secret')[0] });
    // 43 letters and digits: base64 of 32 bytes, what NEXT_TOKEN_SECRET takes.
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 43, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('is built from the repository Dockerfile, hashed at synth (no Docker needed)', () => {
    const image = only('AWS::ECS::TaskDefinition').ContainerDefinitions[0].Image;
    expect(JSON.stringify(image)).toMatch(/container-assets.*:[0-9a-f]{64}/);
    expect(readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^cdk\.out$/m);
  });

  it('sits behind an internet-facing ALB that keeps WebSockets open and checks readiness', () => {
    const alb = only('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(alb.Scheme).toBe('internet-facing');
    expect(alb.LoadBalancerAttributes).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: '120' });
    expect(only('AWS::ElasticLoadBalancingV2::Listener')).toMatchObject({ Port: 80, Protocol: 'HTTP' });
    expect(only('AWS::ElasticLoadBalancingV2::TargetGroup')).toMatchObject({
      HealthCheckPath: '/health/ready',
      Matcher: { HttpCode: '200' },
      Port: 4000,
      TargetType: 'ip',
    });
  });
});

describe('Valkey and the stream fan-out', () => {
  it('runs one encrypted Valkey node, reachable only from the tasks and the Lambda', () => {
    expect(only('AWS::ElastiCache::ReplicationGroup')).toMatchObject({
      Engine: 'valkey',
      NumCacheClusters: 1,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
    });
    const cacheSg = only('AWS::ElastiCache::ReplicationGroup').SecurityGroupIds[0]['Fn::GetAtt'][0];
    const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties)
      .filter((i) => i.GroupId['Fn::GetAtt']?.[0] === cacheSg);
    expect(sources.map((i) => [i.FromPort, i.SourceSecurityGroupId['Fn::GetAtt'][0]]).sort()).toEqual(
      [
        [6379, only('AWS::Lambda::Function').VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0]],
        [6379, only('AWS::ECS::Service').NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]['Fn::GetAtt'][0]],
      ].sort(),
    );
  });

  it('triggers src/lambda/stream-fanout.ts on the table’s stream, with bounded retries', () => {
    expect(existsSync(path.join(ROOT, STREAM_FANOUT_ENTRY))).toBe(true);
    expect(readFileSync(path.join(ROOT, STREAM_FANOUT_ENTRY), 'utf8')).toMatch(/export async function handler\(/);
    const fn = only('AWS::Lambda::Function');
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(JSON.stringify(fn.Environment.Variables.REDIS_URL)).toMatch(/rediss:\/\//);
    expect(only('AWS::Lambda::EventSourceMapping')).toMatchObject({
      EventSourceArn: imported('FnGetAttMessages[0-9A-F]+StreamArn'),
      StartingPosition: 'LATEST',
      MaximumRetryAttempts: 3,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 300,
    });
    // The stream the mapping reads is the table's (NEW_IMAGE, as locally).
    appsync.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });
});

describe('IAM', () => {
  it('gives the task role the resolvers’ DynamoDB actions plus DescribeTable (readiness), nothing else', () => {
    const statements = statementsOfRole(template, roleId(template, 'TaskRole'));
    expect(statements).toEqual([
      {
        actions: [
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resources: [imported('FnGetAttMessages[0-9A-F]+Arn[0-9A-F]+$')],
      },
      {
        actions: ['dynamodb:Query'],
        resources: [
          {
            'Fn::Join': ['', [imported('FnGetAttMessages[0-9A-F]+Arn[0-9A-F]+$'), '/index/last-activity-index']],
          },
        ],
      },
    ]);
  });

  it('gives the execution role image pull, its log group and the two secrets', () => {
    const statements = statementsOfRole(template, roleId(template, 'TaskExecutionRole'));
    expect(statements.map((s) => s.actions)).toEqual([
      ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      ['ecr:GetAuthorizationToken'],
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    ]);
    expect(statements[2]!.resources).toEqual([
      { 'Fn::GetAtt': [idsOf(template, 'AWS::Logs::LogGroup').find((id) => id.startsWith('ServerLogs')), 'Arn'] },
    ]);
  });

  it('gives the Lambda its log group, VPC network interfaces and the table’s stream, nothing else', () => {
    const statements = statementsOfRole(template, roleId(template, 'FanoutRole'));
    expect(statements).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [
          { 'Fn::GetAtt': [idsOf(template, 'AWS::Logs::LogGroup').find((id) => id.startsWith('FanoutLogs')), 'Arn'] },
        ],
      },
      { actions: [...VPC_ENI_ACTIONS], resources: ['*'] },
      {
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [{ 'Fn::Join': ['', [imported('FnGetAttMessages[0-9A-F]+Arn[0-9A-F]+$'), '/stream/*']] }],
      },
    ]);
    // Lambda checks the network-interface permissions when it creates the function: the policy comes first.
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    expect(fn.DependsOn).toEqual(
      expect.arrayContaining([idsOf(template, 'AWS::IAM::Policy').find((id) => id.startsWith('FanoutPolicy'))]),
    );
  });

  it('uses `*` only for what AWS cannot scope (ECR sign-in, Lambda ENIs), and no managed policies', () => {
    const allowedOnStar = new Set(['ecr:GetAuthorizationToken', ...VPC_ENI_ACTIONS]);
    const roles = idsOf(template, 'AWS::IAM::Role');
    expect(roles).toHaveLength(3);
    for (const id of roles) {
      expect(resources()[id]!.Properties.ManagedPolicyArns, id).toBeUndefined();
      for (const s of statementsOfRole(template, id)) {
        for (const action of s.actions) expect(action, id).not.toMatch(/\*/);
        if (s.resources.includes('*'))
          for (const action of s.actions) expect(allowedOnStar.has(action), `${id} ${action} on *`).toBe(true);
      }
    }
  });
});
