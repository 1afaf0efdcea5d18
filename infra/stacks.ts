// Both stacks of the deployment, wired: the containers stack runs our server against the AppSync stack's table,
// user pool and users cluster. Shared by infra/app.ts and the template tests, so they test what deploys.
import type { App, Stack } from 'aws-cdk-lib';
import path from 'node:path';
import { AppSyncStack } from './appsync-stack.ts';
import { loadResolverBundles } from './bundles.ts';
import { ContainersStack } from './containers-stack.ts';
import { readSettings } from './settings.ts';

export interface BuildOptions {
  /** The repository root: resolvers/, schema.graphql, the Dockerfile, src/lambda. */
  readonly root: string;
  /** Where the resolver bundles are written at synth. */
  readonly bundleDir: string;
}

export interface Stacks {
  readonly appsync: AppSyncStack;
  /** Absent with an existing users cluster: the server needs network access to the database (see README). */
  readonly containers: ContainersStack | undefined;
}

export async function buildStacks(app: App, options: BuildOptions): Promise<Stack[]> {
  const { appsync, containers } = await buildStackSet(app, options);
  return containers ? [appsync, containers] : [appsync];
}

export async function buildStackSet(app: App, options: BuildOptions): Promise<Stacks> {
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const bundles = await loadResolverBundles(path.join(options.root, 'resolvers'), options.bundleDir);
  // Account and region come from the CLI's environment at deploy; unset, the template stays region-agnostic.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const appsync = new AppSyncStack(app, 'CruddurAppSync', {
    env,
    settings,
    bundles,
    schemaPath: path.join(options.root, 'schema.graphql'),
    description: 'Cruddur Messaging: AppSync API, messages table, users database, Cognito',
  });
  const containers = appsync.users
    ? new ContainersStack(app, 'CruddurContainers', {
        env,
        settings,
        root: options.root,
        table: appsync.table,
        messagesAccess: appsync.messagesAccess,
        userPool: appsync.userPool,
        userPoolClientId: appsync.userPoolClientId,
        users: appsync.users,
        description: 'Cruddur Messaging: the server on ECS Fargate, Valkey, the stream fan-out Lambda',
      })
    : undefined;
  return { appsync, containers };
}
