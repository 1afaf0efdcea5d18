// The synthesised AppSync stack (aws-cdk-lib/assertions): every field that needs a resolver has one whose code is
// the bundle of its file, pipelines keep the numbered order, each data source role holds exactly the actions the
// resolvers use on the expected ARNs, and the table is the one the server creates locally (DynamoDB Local).
import { DescribeTableCommand, DescribeTimeToLiveCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { isObjectType } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoDbClient } from '../src/datasources/dynamodb/client.ts';
import { TTL_ATTRIBUTE, createTable, tableDefinition } from '../src/data/table.ts';
import { loadTypeDefs } from '../src/runtime/schema.ts';
import { uniqueSuffix } from '../test/helpers.ts';
import { ROOT, idsOf, roleId, statementsOfRole, synth, type Synthesised } from './synth-helpers.ts';

const STACK = 'CruddurAppSync';
let synthesised: Synthesised;
let template: Template;
const resources = () => template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const bundle = (file: string) => readFileSync(path.join(synthesised.bundleDir, file), 'utf8');
const tableId = () => idsOf(template, 'AWS::DynamoDB::Table')[0]!;
const tableArn = () => ({ 'Fn::GetAtt': [tableId(), 'Arn'] });

beforeAll(async () => {
  synthesised = await synth();
  template = synthesised.template(STACK);
}, 120_000);
afterAll(() => synthesised?.remove());

describe('resolvers', () => {
  it('binds every root field and every resolver file, each to the bundle of its file', () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(path.join(ROOT, 'schema.graphql')) });
    const rootFields = ['Query', 'Mutation', 'Subscription'].flatMap((name) => {
      const type = schema.getType(name);
      return isObjectType(type) ? Object.keys(type.getFields()).map((f) => `${name}.${f}`) : [];
    });
    const deployed = Object.values(template.findResources('AWS::AppSync::Resolver')).map((r) => r.Properties);
    const bindings = deployed.map((p) => `${p.TypeName}.${p.FieldName}`);
    expect(new Set(bindings).size).toBe(bindings.length);
    expect(rootFields.length).toBeGreaterThanOrEqual(7);
    expect(bindings).toEqual(expect.arrayContaining(rootFields));
    // Resolver files on disk, independently of the manifest: `<Type>.<field>[.<ds>].ts` and pipeline folders.
    const files = readdirSync(path.join(ROOT, 'resolvers'))
      .filter((name) => name !== 'lib' && !name.endsWith('.test.ts'))
      .map((name) => name.split('.').slice(0, 2).join('.'));
    expect([...bindings].sort()).toEqual([...files].sort());
    for (const entry of bundlesManifest().resolvers) {
      const p = deployed.find((d) => d.TypeName === entry.typeName && d.FieldName === entry.fieldName)!;
      expect(p.Code, entry.file).toBe(bundle(entry.file));
      expect(p.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(p.Kind).toBe(entry.kind);
      if (entry.kind === 'UNIT') expect(p.DataSourceName).toBe(entry.dataSource);
    }
  });

  it('runs each pipeline’s functions in their numbered order, each with its own bundle and data source', () => {
    const all = resources();
    const pipelines = bundlesManifest().resolvers.filter((r) => r.kind === 'PIPELINE');
    expect(pipelines.map((p) => `${p.typeName}.${p.fieldName}`)).toContain('Mutation.createMessage');
    for (const entry of pipelines) {
      if (entry.kind !== 'PIPELINE') continue;
      const [id] = Object.entries(all).find(
        ([, r]) =>
          r.Type === 'AWS::AppSync::Resolver' &&
          r.Properties.TypeName === entry.typeName &&
          r.Properties.FieldName === entry.fieldName,
      )!;
      const functionIds: string[] = all[id]!.Properties.PipelineConfig.Functions.map((f: any) => f['Fn::GetAtt'][0]);
      const deployed = functionIds.map((fid) => all[fid]!.Properties);
      // The order comes from the file names' numbers (1.me, 2.recipient, … 6.write), read here from disk.
      const dir = path.join(ROOT, 'resolvers', `${entry.typeName}.${entry.fieldName}`);
      const numbered = readdirSync(dir)
        .filter((f) => /^\d+\./.test(f))
        .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
      expect(deployed.map((d) => d.Name)).toEqual(
        numbered.map((f) => `${entry.typeName}_${entry.fieldName}_${f.split('.').slice(0, 2).join('_')}`),
      );
      numbered.forEach((f, i) => {
        const file = `${entry.typeName}.${entry.fieldName}/${f.replace(/\.ts$/, '.js')}`;
        expect(deployed[i]!.Code, file).toBe(bundle(file));
        expect(deployed[i]!.DataSourceName, file).toBe(f.split('.')[2] ?? 'none');
      });
    }
  });

  it('defines exactly the data sources the filenames name: messages (the table) and users (the cluster)', () => {
    const sources = Object.values(template.findResources('AWS::AppSync::DataSource')).map((r) => r.Properties);
    expect(sources.map((s) => s.Name).sort()).toEqual(['messages', 'users']);
    const messages = sources.find((s) => s.Name === 'messages')!;
    expect(messages.Type).toBe('AMAZON_DYNAMODB');
    expect(messages.DynamoDBConfig.TableName).toEqual({ Ref: tableId() });
    const users = sources.find((s) => s.Name === 'users')!;
    expect(users.Type).toBe('RELATIONAL_DATABASE');
    const rds = users.RelationalDatabaseConfig.RdsHttpEndpointConfig;
    expect(rds.DatabaseName).toBe('cruddur');
    expect(JSON.stringify(rds.DbClusterIdentifier)).toContain(idsOf(template, 'AWS::RDS::DBCluster')[0]);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EnableHttpEndpoint: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
      StorageEncrypted: true,
    });
  });
});

describe('IAM', () => {
  // The closing note: each action a data source role holds, and the bundles (resolver functions) that need it.
  const MESSAGES_ACCESS = {
    'dynamodb:ConditionCheckItem': [
      'Mutation.createMessage/4.write.messages.js',
      'Mutation.createMessage/5.write.messages.js',
      'Mutation.createMessage/6.write.messages.js',
    ],
    'dynamodb:GetItem': [
      'Mutation.createMessage/3.conversation.messages.js',
      'Query.messages/2.membership.messages.js',
      'Subscription.onMessage/2.membership.messages.js',
    ],
    'dynamodb:PutItem': [
      'Mutation.createMessage/4.write.messages.js',
      'Mutation.createMessage/5.write.messages.js',
      'Mutation.createMessage/6.write.messages.js',
    ],
    'dynamodb:Query': ['Query.messageGroups/2.inbox.messages.js', 'Query.messages/3.page.messages.js'],
    'dynamodb:UpdateItem': [
      'Mutation.createMessage/4.write.messages.js',
      'Mutation.createMessage/5.write.messages.js',
      'Mutation.createMessage/6.write.messages.js',
    ],
  };

  it('derives the messages actions from the bundles: each with the resolver functions that need it', () => {
    const access = synthesised.stacks.appsync.messagesAccess;
    expect(Object.fromEntries(access.actions)).toEqual(MESSAGES_ACCESS);
    expect(Object.fromEntries(access.indexes)).toEqual({
      'last-activity-index': ['Query.messageGroups/2.inbox.messages.js'],
    });
  });

  it('gives the messages role those actions on the table, and Query on the one index a resolver reads', () => {
    expect(statementsOfRole(template, roleId(template, 'MessagesRole'))).toEqual([
      { actions: Object.keys(MESSAGES_ACCESS).sort(), resources: [tableArn()] },
      {
        actions: ['dynamodb:Query'],
        resources: [{ 'Fn::Join': ['', [tableArn(), '/index/last-activity-index']] }],
      },
    ]);
  });

  it('gives the users role ExecuteStatement on the cluster and GetSecretValue on its secret, nothing else', () => {
    const statements = statementsOfRole(template, roleId(template, 'UsersRole'));
    expect(statements.map((s) => s.actions)).toEqual([
      ['rds-data:ExecuteStatement'],
      ['secretsmanager:GetSecretValue'],
    ]);
    const clusterId = idsOf(template, 'AWS::RDS::DBCluster')[0]!;
    expect(JSON.stringify(statements[0]!.resources)).toMatch(new RegExp(`:cluster:.*"Ref":"${clusterId}"`));
    expect(statements[1]!.resources).toEqual([
      { Ref: idsOf(template, 'AWS::SecretsManager::SecretTargetAttachment')[0] },
    ]);
  });

  it('lets only AppSync, for this API, assume the data source roles', () => {
    for (const prefix of ['MessagesRole', 'UsersRole']) {
      const role = resources()[roleId(template, prefix)]!.Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'appsync.amazonaws.com' },
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [idsOf(template, 'AWS::AppSync::GraphQLApi')[0], 'Arn'] } },
          },
        },
      ]);
    }
  });

  it('holds no wildcard action, no `*` resource and no managed policy anywhere in the stack', () => {
    const roles = idsOf(template, 'AWS::IAM::Role');
    expect(roles.length).toBe(3);
    for (const id of roles) {
      expect(resources()[id]!.Properties.ManagedPolicyArns, id).toBeUndefined();
      for (const s of statementsOfRole(template, id)) {
        for (const action of s.actions) expect(action, id).not.toMatch(/\*/);
        expect(s.resources, id).not.toContain('*');
      }
    }
  });
});

describe('API', () => {
  it('authorises with the new Cognito user pool, for its web client only', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: {
        UserPoolId: { Ref: idsOf(template, 'AWS::Cognito::UserPool')[0] },
        AppIdClientRegex: { Ref: idsOf(template, 'AWS::Cognito::UserPoolClient')[0] },
        DefaultAction: 'ALLOW',
      },
    });
  });

  it('passes every ctx.env variable the resolvers read', () => {
    const read = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const m of readFileSync(full, 'utf8').matchAll(/ctx\.env\.(\w+)/g)) read.add(m[1]!);
        }
      }
    };
    walk(path.join(ROOT, 'resolvers'));
    expect([...read]).toEqual(['MESSAGES_TABLE']);
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      EnvironmentVariables: { MESSAGES_TABLE: { Ref: tableId() } },
    });
  });

  it('logs failed fields (ERROR) without verbose content, to a log group with a retention', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', Match.anyValue()]] },
      RetentionInDays: 30,
    });
    expect(statementsOfRole(template, roleId(template, 'ApiLogsRole'))).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [{ 'Fn::GetAtt': [idsOf(template, 'AWS::Logs::LogGroup')[0], 'Arn'] }],
      },
    ]);
  });
});

describe('the table', () => {
  it('has the keys, indexes and stream of tableDefinition(), plus TTL and point-in-time recovery, and is kept', () => {
    const def = tableDefinition('cruddur-messages');
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const p = table!.Properties;
    expect(table!.DeletionPolicy).toBe('Retain');
    expect(p.TableName).toBe(def.TableName);
    expect(p.BillingMode).toBe(def.BillingMode);
    expect(p.KeySchema).toEqual(def.KeySchema);
    expect([...p.AttributeDefinitions].sort(byName)).toEqual([...def.AttributeDefinitions!].sort(byName));
    expect(p.GlobalSecondaryIndexes).toEqual(def.GlobalSecondaryIndexes);
    expect(p.LocalSecondaryIndexes).toEqual(def.LocalSecondaryIndexes);
    expect(p.StreamSpecification).toEqual({ StreamViewType: def.StreamSpecification!.StreamViewType });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    // The TTL attribute is the one the idempotency rows carry.
    expect(bundle('Mutation.createMessage/4.write.messages.js')).toContain(`${TTL_ATTRIBUTE}:`);
  });

  it('matches the table the server creates in DynamoDB Local (createTable)', async () => {
    const client = createDynamoDbClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1' });
    const name = `cdk-${uniqueSuffix()}`;
    try {
      await createTable(client, name);
      const local = (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
      const ttl = (await client.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;
      const p = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties;
      expect(p.KeySchema).toEqual(local.KeySchema);
      expect([...p.AttributeDefinitions].sort(byName)).toEqual([...local.AttributeDefinitions!].sort(byName));
      expect(p.GlobalSecondaryIndexes).toEqual(indexes(local.GlobalSecondaryIndexes));
      expect(p.LocalSecondaryIndexes).toEqual(indexes(local.LocalSecondaryIndexes));
      expect(p.StreamSpecification.StreamViewType).toBe(local.StreamSpecification?.StreamViewType);
      expect(local.StreamSpecification?.StreamEnabled).toBe(true);
      expect(p.TimeToLiveSpecification.AttributeName).toBe(ttl?.AttributeName);
    } finally {
      client.destroy();
    }
  });
});

const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
  (a.AttributeName ?? '').localeCompare(b.AttributeName ?? '');

/** DescribeTable's index shapes reduced to what CreateTable (and CloudFormation) take. */
function indexes(list: TableDescription['GlobalSecondaryIndexes'] | TableDescription['LocalSecondaryIndexes']) {
  return list?.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }));
}

function bundlesManifest() {
  return JSON.parse(
    readFileSync(path.join(synthesised.bundleDir, 'manifest.json'), 'utf8'),
  ) as import('../scripts/lib/bundle.ts').Manifest;
}
