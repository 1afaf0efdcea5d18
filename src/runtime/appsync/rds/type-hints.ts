// typeHint.* of '@aws-appsync/utils/rds': a value tagged with the Data API type it is sent as (`variableTypeHintMap`).

const hinted = new WeakSet<object>();

export interface TypeHinted {
  readonly type: string;
  readonly value: unknown;
}

export function isTypeHinted(value: unknown): value is TypeHinted {
  return typeof value === 'object' && value !== null && hinted.has(value);
}

// A plain `{type, value}` object (AWS's shape when serialised), recognised by identity rather than by its keys,
// so a column literally named `type` in a values object is never mistaken for a hint.
const hint =
  (type: string) =>
  (value: unknown): TypeHinted => {
    const tagged = { type, value };
    hinted.add(tagged);
    return tagged;
  };

export const typeHint = {
  DECIMAL: hint('DECIMAL'),
  JSON: hint('JSON'),
  TIMESTAMP: hint('TIMESTAMP'),
  TIME: hint('TIME'),
  UUID: hint('UUID'),
  DATE: hint('DATE'),
};
