// The app under other context: an existing user pool or users cluster, HTTPS with a certificate, and the
// failures synth must report clearly (a missing Lambda entry, a data source no stack defines).
import { cpSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STREAM_FANOUT_ENTRY } from './containers-stack.ts';
import { ROOT, roleId, statementsOfRole, synth as synthApp } from './synth-helpers.ts';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((clean) => clean()));
async function synth(...args: Parameters<typeof synthApp>) {
  const s = await synthApp(...args);
  cleanups.push(s.remove);
  return s;
}

const POOL = { userPoolId: 'us-east-1_AbC123', userPoolClientId: 'abc123def456ghi789' };
const CLUSTER = {
  usersClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:existing-users',
  usersSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:existing-users-AbCdEf',
  usersDatabase: 'people',
};

/** A copy of the inputs synth reads (optionally without the Lambda entry); `edit` changes it before synth. */
function fakeRoot(options: { withLambda: boolean; edit?: (root: string) => void }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cruddur-root-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  cpSync(path.join(ROOT, 'resolvers'), path.join(root, 'resolvers'), { recursive: true });
  for (const file of ['schema.graphql', 'Dockerfile', '.dockerignore', 'package.json', 'package-lock.json']) {
    cpSync(path.join(ROOT, file), path.join(root, file));
  }
  // The resolvers import @aws-appsync/* (kept external) and nothing else; the Lambda bundles from node_modules.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  cpSync(path.join(ROOT, 'src'), path.join(root, 'src'), {
    recursive: true,
    filter: (source) => options.withLambda || !source.endsWith(path.join('lambda', 'stream-fanout.ts')),
  });
  options.edit?.(root);
  return root;
}

describe('existing resources', () => {
  it('uses an existing user pool and client by id: no pool is created, the API and the server trust that one', async () => {
    const s = await synth(POOL);
    const appsync = s.template('CruddurAppSync');
    appsync.resourceCountIs('AWS::Cognito::UserPool', 0);
    appsync.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    appsync.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      UserPoolConfig: { UserPoolId: POOL.userPoolId, AppIdClientRegex: POOL.userPoolClientId },
    });
    const task = Object.values(s.template('CruddurContainers').findResources('AWS::ECS::TaskDefinition'))[0]!;
    const env = Object.fromEntries(
      task.Properties.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]),
    );
    expect(env).toMatchObject({ COGNITO_USER_POOL_ID: POOL.userPoolId, COGNITO_CLIENT_ID: POOL.userPoolClientId });
  }, 120_000);

  it('uses an existing cluster by ARN: no cluster or VPC, the users role scoped to those ARNs, no containers stack', async () => {
    const s = await synth(CLUSTER);
    const appsync = s.template('CruddurAppSync');
    appsync.resourceCountIs('AWS::RDS::DBCluster', 0);
    appsync.resourceCountIs('AWS::EC2::VPC', 0);
    appsync.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'users',
      RelationalDatabaseConfig: {
        RdsHttpEndpointConfig: {
          DbClusterIdentifier: CLUSTER.usersClusterArn,
          AwsSecretStoreArn: CLUSTER.usersSecretArn,
          DatabaseName: 'people',
        },
      },
    });
    expect(statementsOfRole(appsync, roleId(appsync, 'UsersRole'))).toEqual([
      { actions: ['rds-data:ExecuteStatement'], resources: [CLUSTER.usersClusterArn] },
      { actions: ['secretsmanager:GetSecretValue'], resources: [CLUSTER.usersSecretArn] },
    ]);
    expect(s.stacks.containers).toBeUndefined();
  }, 120_000);
});

describe('HTTPS', () => {
  it('serves HTTPS on 443 with the certificate and redirects HTTP to it', async () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
    const containers = (await synth({ certificateArn })).template('CruddurContainers');
    containers.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: certificateArn }],
    });
    containers.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } },
      ],
    });
  }, 120_000);
});

describe('synth failures', () => {
  it('fails naming the stream fan-out entry when it is missing', async () => {
    await expect(synth({}, fakeRoot({ withLambda: false }))).rejects.toThrow(
      `${STREAM_FANOUT_ENTRY} is missing: the stream fan-out Lambda's handler`,
    );
  }, 120_000);

  it('fails naming a data source that no stack defines', async () => {
    const root = fakeRoot({
      withLambda: true,
      edit: (r) =>
        renameSync(path.join(r, 'resolvers', 'Query.me.users.ts'), path.join(r, 'resolvers', 'Query.me.search.ts')),
    });
    await expect(synth({}, root)).rejects.toThrow(
      'resolvers name data sources the AppSync stack does not define: search',
    );
  }, 120_000);

  it('fails naming a context key with a bad value', async () => {
    await expect(synth({ desiredCount: 'many' })).rejects.toThrow("CDK context 'desiredCount' must be an integer");
  }, 120_000);
});
