// The '@aws-appsync/utils/rds' module (modules.ts binds it): SQL statements with `:P<n>` variables for the RDS
// data source, rendered as AWS AppSync renders them, and toJsonObject for Data API-shaped results. The oracle is
// AWS EvaluateCode output recorded in localstack/appsync-utils; the parts live in ./rds/, one job each.
export { agg } from './rds/clauses.ts';
export { insert, remove, select, update } from './rds/builders.ts';
export { createMySQLStatement, createPgStatement } from './rds/render.ts';
export { toJsonObject } from './rds/results.ts';
export { sql, type SQLStatement } from './rds/statement.ts';
export { typeHint } from './rds/type-hints.ts';
