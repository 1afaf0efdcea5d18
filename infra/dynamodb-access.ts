// What a DynamoDB data source's resolvers do, read from their bundled code: the AppSync operations they send,
// the IAM actions those need, and the indexes they name. The IAM policies are built from this, so a resolver
// that starts using a new operation or index changes the policy (and the template test pins the result).

/** Every AppSync DynamoDB request operation, and TransactWriteItems' ConditionCheck item, with its IAM actions. */
export const IAM_ACTIONS_BY_OPERATION = {
  GetItem: ['dynamodb:GetItem'],
  PutItem: ['dynamodb:PutItem'],
  UpdateItem: ['dynamodb:UpdateItem'],
  DeleteItem: ['dynamodb:DeleteItem'],
  Query: ['dynamodb:Query'],
  Scan: ['dynamodb:Scan'],
  Sync: ['dynamodb:Query', 'dynamodb:Scan'],
  BatchGetItem: ['dynamodb:BatchGetItem'],
  BatchPutItem: ['dynamodb:BatchWriteItem'],
  BatchDeleteItem: ['dynamodb:BatchWriteItem'],
  // A transaction has no IAM action of its own: DynamoDB checks each item's action (GetItem, PutItem,
  // UpdateItem, DeleteItem, ConditionCheckItem), and those items' `operation` literals are in the same code.
  TransactGetItems: [],
  TransactWriteItems: [],
  ConditionCheck: ['dynamodb:ConditionCheckItem'],
} as const satisfies Record<string, readonly string[]>;

export type DynamoDbOperation = keyof typeof IAM_ACTIONS_BY_OPERATION;

/** `@aws-appsync/utils/dynamodb` helpers and the operation each returns (`operations` builds update values). */
const HELPER_OPERATIONS: Readonly<Record<string, DynamoDbOperation | null>> = {
  get: 'GetItem',
  put: 'PutItem',
  update: 'UpdateItem',
  remove: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
  sync: 'Sync',
  operations: null,
};

/** Only Query and Scan read an index. */
const INDEX_ACTIONS: ReadonlySet<string> = new Set(['dynamodb:Query', 'dynamodb:Scan']);

export interface BundledCode {
  /** The bundle's path, e.g. `Query.messages/3.page.messages.js`, named in problems and in the access report. */
  readonly file: string;
  readonly code: string;
}

export interface DynamoDbAccess {
  /** IAM action → the bundles that need it, sorted. */
  readonly actions: ReadonlyMap<string, readonly string[]>;
  /** Index name → the bundles that name it. */
  readonly indexes: ReadonlyMap<string, readonly string[]>;
  /** IAM actions that may run against an index (Query, Scan), if any index is named. */
  readonly indexActions: readonly string[];
}

/** Code this reader cannot judge: synth fails naming the file instead of granting too much or too little. */
export class AccessDerivationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Cannot derive DynamoDB permissions:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'AccessDerivationError';
  }
}

const isOperation = (name: string): name is DynamoDbOperation => Object.hasOwn(IAM_ACTIONS_BY_OPERATION, name);

/** The operations one bundle sends: `operation: "X"` literals and imported `@aws-appsync/utils/dynamodb` helpers. */
function operationsOf(bundle: BundledCode, problems: string[]): DynamoDbOperation[] {
  const found: DynamoDbOperation[] = [];
  for (const match of bundle.code.matchAll(/\boperation\s*:\s*(["'`])([^"'`]*)\1/g)) {
    const name = match[2]!;
    if (isOperation(name)) found.push(name);
    else problems.push(`${bundle.file}: unknown DynamoDB operation '${name}'`);
  }
  // A computed operation (`operation: op`) cannot be read; the ones above are all string literals.
  const literal = /\boperation\s*:\s*["'`]/g;
  const any = /\boperation\s*:/g;
  const nonLiteral = (bundle.code.match(any)?.length ?? 0) - (bundle.code.match(literal)?.length ?? 0);
  if (nonLiteral > 0) problems.push(`${bundle.file}: an 'operation' that is not a string literal`);
  for (const match of bundle.code.matchAll(/^import\s+(.+?)\s+from\s*["']@aws-appsync\/utils\/dynamodb["']/gm)) {
    const named = /^\{([^}]*)\}$/.exec(match[1]!.trim());
    if (!named) {
      problems.push(`${bundle.file}: import @aws-appsync/utils/dynamodb by name ({ get, put, … }), not as a namespace`);
      continue;
    }
    for (const part of named[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0]!;
      if (!name) continue;
      const operation = HELPER_OPERATIONS[name];
      if (operation === undefined)
        problems.push(`${bundle.file}: unknown @aws-appsync/utils/dynamodb helper '${name}'`);
      else if (operation) found.push(operation);
    }
  }
  return found;
}

function add(map: Map<string, Set<string>>, key: string, file: string): void {
  const files = map.get(key) ?? new Set<string>();
  files.add(file);
  map.set(key, files);
}

const sorted = (map: Map<string, Set<string>>) =>
  new Map([...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()] as const));

/** What the bundles bound to one DynamoDB data source need; `indexNames` are the table's indexes. */
export function deriveDynamoDbAccess(bundles: readonly BundledCode[], indexNames: readonly string[]): DynamoDbAccess {
  const problems: string[] = [];
  const actions = new Map<string, Set<string>>();
  const indexes = new Map<string, Set<string>>();
  for (const bundle of bundles) {
    for (const operation of operationsOf(bundle, problems)) {
      for (const action of IAM_ACTIONS_BY_OPERATION[operation]) add(actions, action, bundle.file);
    }
    // An index is named by a string literal of its name; an `index:` field naming none of them is unreadable.
    const named = indexNames.filter((name) => bundle.code.includes(`"${name}"`) || bundle.code.includes(`'${name}'`));
    for (const name of named) add(indexes, name, bundle.file);
    if (/\bindex\s*:/.test(bundle.code) && named.length === 0) {
      problems.push(`${bundle.file}: reads an index whose name is not one of ${indexNames.join(', ')}`);
    }
  }
  if (problems.length) throw new AccessDerivationError(problems);
  const indexActions = indexes.size ? [...actions.keys()].filter((a) => INDEX_ACTIONS.has(a)).sort() : [];
  return { actions: sorted(actions), indexes: sorted(indexes), indexActions };
}
