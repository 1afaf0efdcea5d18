// The messages table as CDK props, derived from src/data/table.ts's tableDefinition(): one definition for
// `npm run table:create`, the embedded start and the deployed table.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { AttributeDefinition, CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE, tableDefinition } from '../src/data/table.ts';

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

const STREAM_VIEW_TYPES = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  OLD_IMAGE: dynamodb.StreamViewType.OLD_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  KEYS_ONLY: dynamodb.StreamViewType.KEYS_ONLY,
} as const;

/** Thrown at synth when tableDefinition() uses something this mapping does not know (fail loudly, never guess). */
function unsupported(what: string): never {
  throw new Error(`infra/table.ts: tableDefinition() uses ${what}, which the CDK mapping does not cover`);
}

function attribute(definition: CreateTableCommandInput, name: string): dynamodb.Attribute {
  const found = definition.AttributeDefinitions?.find((a: AttributeDefinition) => a.AttributeName === name);
  const type = found?.AttributeType;
  if (!type || !(type in ATTRIBUTE_TYPES)) unsupported(`attribute ${name} of type ${String(type)}`);
  return { name, type: ATTRIBUTE_TYPES[type as keyof typeof ATTRIBUTE_TYPES] };
}

function keys(definition: CreateTableCommandInput, schema: readonly KeySchemaElement[] | undefined) {
  const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  if (!hash) unsupported('a key schema without a HASH key');
  return {
    partitionKey: attribute(definition, hash),
    ...(range ? { sortKey: attribute(definition, range) } : {}),
  };
}

function projection(p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) {
  switch (p?.ProjectionType) {
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: p.NonKeyAttributes ?? [] };
    default:
      return unsupported(`projection ${String(p?.ProjectionType)}`);
  }
}

/** The deployed table: tableDefinition() plus what only AWS has (point-in-time recovery) and the TTL. */
export function createMessagesTable(scope: Construct, id: string, tableName: string): dynamodb.Table {
  const definition = tableDefinition(tableName);
  if (definition.BillingMode !== 'PAY_PER_REQUEST') unsupported(`billing mode ${String(definition.BillingMode)}`);
  const stream = definition.StreamSpecification;
  const viewType = stream?.StreamEnabled ? stream.StreamViewType : undefined;
  if (stream?.StreamEnabled && !(viewType && viewType in STREAM_VIEW_TYPES)) unsupported(`stream ${String(viewType)}`);
  const table = new dynamodb.Table(scope, id, {
    tableName: definition.TableName,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    ...keys(definition, definition.KeySchema),
    ...(viewType ? { stream: STREAM_VIEW_TYPES[viewType as keyof typeof STREAM_VIEW_TYPES] } : {}),
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // The conversations are the product: deleting the stack must not delete them.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const gsi of definition.GlobalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: gsi.IndexName!,
      ...keys(definition, gsi.KeySchema),
      ...projection(gsi.Projection),
    });
  }
  for (const lsi of definition.LocalSecondaryIndexes ?? []) {
    const { sortKey } = keys(definition, lsi.KeySchema);
    if (!sortKey) unsupported(`LSI ${lsi.IndexName} without a sort key`);
    table.addLocalSecondaryIndex({ indexName: lsi.IndexName!, sortKey, ...projection(lsi.Projection) });
  }
  return table;
}
