// toJsonObject: RDS Data API results (`sqlStatementResults`) → one array of row objects per statement.

type Obj = Record<string, unknown>;

interface StatementResult {
  records?: Obj[][];
  columnMetadata?: { name?: string; label?: string }[];
}

/** Data API field → JS: the one `*Value` member it carries; arrays recursively. */
function fieldValue(field: Obj): unknown {
  for (const [key, v] of Object.entries(field)) {
    if (key === 'isNull') continue;
    if (key === 'arrayValue' || key === 'arrayValues') return arrayValue(v);
    return v;
  }
  return null;
}

function arrayValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((item) => (item && typeof item === 'object' ? fieldValue(item as Obj) : item));
  if (v && typeof v === 'object') {
    const [key, inner] = Object.entries(v as Obj)[0] ?? [];
    return key === 'arrayValues' ? (inner as unknown[]).map(arrayValue) : inner;
  }
  return v;
}

/**
 * A statement without `records` (an INSERT) yields `[{}]`; a column whose field `isNull` is left out of its row
 * rather than set to null (both as AWS returns them). Keys are the column's label, else its name.
 */
export function toJsonObject(data: string | { sqlStatementResults?: StatementResult[] }): Obj[][] {
  const parsed = (typeof data === 'string' ? JSON.parse(data) : data) as { sqlStatementResults?: StatementResult[] };
  return (parsed.sqlStatementResults ?? []).map((result) => {
    if (!result.records) return [{}];
    const columns = (result.columnMetadata ?? []).map((c, i) => c.label ?? c.name ?? `column${i}`);
    return result.records.map((record) => {
      const row: Obj = {};
      record.forEach((field, i) => {
        if (field.isNull === true) return;
        row[columns[i] ?? `column${i}`] = fieldValue(field);
      });
      return row;
    });
  });
}
