// typeHint.* of '@aws-appsync/utils/rds': a value tagged with the Data API type it is sent as (`variableTypeHintMap`).

export interface TypeHinted {
  readonly type: string;
  readonly value: unknown;
}

// A `{type, value}` object (AWS's shape when serialised) recognised by a private brand rather than by its keys,
// so a column literally named `type` in a values object is never mistaken for a hint.
class Hint implements TypeHinted {
  readonly #brand = true;
  constructor(
    readonly type: string,
    readonly value: unknown,
  ) {}
  static is(value: unknown): value is Hint {
    return typeof value === 'object' && value !== null && #brand in value;
  }
}

export function isTypeHinted(value: unknown): value is TypeHinted {
  return Hint.is(value);
}

const hint =
  (type: string) =>
  (value: unknown): TypeHinted =>
    new Hint(type, value);

export const typeHint = {
  DECIMAL: hint('DECIMAL'),
  JSON: hint('JSON'),
  TIMESTAMP: hint('TIMESTAMP'),
  TIME: hint('TIME'),
  UUID: hint('UUID'),
  DATE: hint('DATE'),
};
