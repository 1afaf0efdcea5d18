// Shapes pg results as the RDS Data API does (`sqlStatementResults` of typed field records), which is what
// AppSync hands a response handler and what `toJsonObject` from '@aws-appsync/utils/rds' reads.

export type RdsField =
  | { isNull: true }
  | { stringValue: string }
  | { longValue: number }
  | { doubleValue: number }
  | { booleanValue: boolean };

export interface RdsStatementResult {
  numberOfRecordsUpdated: number;
  records: RdsField[][];
  columnMetadata: { name: string; label: string; typeName: string }[];
}

export interface RdsResponse {
  sqlStatementResults: RdsStatementResult[];
}

export function toRdsField(value: unknown): RdsField {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  if (typeof value === 'bigint') return { longValue: Number(value) };
  if (value instanceof Date) return { stringValue: value.toISOString() };
  if (typeof value === 'object') return { stringValue: JSON.stringify(value) };
  return { stringValue: String(value) };
}

/** Rows as plain objects (column order from `columns`) → one RDS statement result. */
export function toStatementResult(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  updated: number,
): RdsStatementResult {
  return {
    numberOfRecordsUpdated: updated,
    records: rows.map((row) => columns.map((column) => toRdsField(row[column]))),
    columnMetadata: columns.map((name) => ({ name, label: name, typeName: 'unknown' })),
  };
}

/** A deep copy of a response: every part is a fresh object (fields hold only primitives). */
export function copyRdsResponse(value: unknown): RdsResponse {
  const response = value as RdsResponse;
  return {
    sqlStatementResults: response.sqlStatementResults.map((result) => ({
      numberOfRecordsUpdated: result.numberOfRecordsUpdated,
      records: result.records.map((record) => record.map((field) => ({ ...field }))),
      columnMetadata: result.columnMetadata.map((column) => ({ ...column })),
    })),
  };
}
