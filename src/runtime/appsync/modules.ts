// What the resolver runtime hands out for each '@aws-appsync/utils' import specifier: exactly the value exports of
// the real modules, so a resolver cannot come to depend on our internal helpers.
import { util } from './util.ts';
import { runtime } from './runtime.ts';
import { extensions } from './extensions.ts';
import * as ddb from './dynamodb-helpers.ts';
import * as rds from './rds-helpers.ts';

const { get, put, remove, update, query, scan, sync, batchGet, batchPut, batchDelete, transactGet, transactWrite } =
  ddb;
const { toStringSet, toNumberSet, toBinarySet, operations } = ddb;

export const appsyncModules: Record<string, Record<string, unknown>> = {
  '@aws-appsync/utils': { util, runtime, extensions },
  '@aws-appsync/utils/dynamodb': {
    ...{ get, put, remove, update, query, scan, sync, batchGet, batchPut, batchDelete, transactGet, transactWrite },
    ...{ toStringSet, toNumberSet, toBinarySet, operations },
  },
  '@aws-appsync/utils/rds': {
    sql: rds.sql,
    createPgStatement: rds.createPgStatement,
    createMySQLStatement: rds.createMySQLStatement,
    typeHint: rds.typeHint,
    toJsonObject: rds.toJsonObject,
    select: rds.select,
    insert: rds.insert,
    update: rds.update,
    remove: rds.remove,
    agg: rds.agg,
  },
};
