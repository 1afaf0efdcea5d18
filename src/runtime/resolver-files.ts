// Finds resolver files by name. The filename is the binding: `<Type>.<field>[.<dataSource>].ts` is a unit
// resolver; a folder `<Type>.<field>/` with `index.ts` and `<n>.<name>[.<dataSource>].ts` files is a pipeline.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FunctionFile {
  readonly file: string;
  readonly order: number;
  readonly name: string;
  readonly dataSource: string | null;
}

export type ResolverFile =
  | {
      readonly kind: 'unit';
      readonly typeName: string;
      readonly fieldName: string;
      readonly file: string;
      readonly dataSource: string | null;
    }
  | {
      readonly kind: 'pipeline';
      readonly typeName: string;
      readonly fieldName: string;
      readonly file: string;
      readonly functions: readonly FunctionFile[];
    };

export interface Discovery {
  readonly resolvers: ResolverFile[];
  /** Files and folders whose names do not follow the convention. */
  readonly problems: string[];
}

const IGNORED = new Set(['lib']);
const NAME = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)(?:\.([A-Za-z_][\w-]*))?\.ts$/;
const FUNCTION = /^(\d+)\.([A-Za-z_]\w*)(?:\.([A-Za-z_][\w-]*))?\.ts$/;

const isSource = (name: string) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');

export function discoverResolvers(dir: string): Discovery {
  const resolvers: ResolverFile[] = [];
  const problems: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (IGNORED.has(entry) || entry.startsWith('.')) continue;
    if (statSync(full).isDirectory()) {
      const match = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(entry);
      if (!match) {
        problems.push(`${entry}/: a pipeline folder must be named <Type>.<field>`);
        continue;
      }
      const pipeline = discoverPipeline(full, entry, problems);
      if (pipeline)
        resolvers.push({
          kind: 'pipeline',
          typeName: match[1] as string,
          fieldName: match[2] as string,
          file: path.join(full, 'index.ts'),
          functions: pipeline,
        });
      continue;
    }
    if (!isSource(entry)) continue;
    const match = NAME.exec(entry);
    if (!match) {
      problems.push(`${entry}: a resolver file must be named <Type>.<field>[.<dataSource>].ts`);
      continue;
    }
    resolvers.push({
      kind: 'unit',
      typeName: match[1] as string,
      fieldName: match[2] as string,
      file: full,
      dataSource: match[3] ?? null,
    });
  }
  return { resolvers, problems };
}

function discoverPipeline(dir: string, folder: string, problems: string[]): FunctionFile[] | null {
  const functions: FunctionFile[] = [];
  let hasIndex = false;
  for (const entry of readdirSync(dir).sort()) {
    if (!isSource(entry)) continue;
    if (entry === 'index.ts') {
      hasIndex = true;
      continue;
    }
    const match = FUNCTION.exec(entry);
    if (!match) {
      problems.push(`${folder}/${entry}: a pipeline function must be named <n>.<name>[.<dataSource>].ts`);
      continue;
    }
    functions.push({
      file: path.join(dir, entry),
      order: Number(match[1]),
      name: match[2] as string,
      dataSource: match[3] ?? null,
    });
  }
  if (!hasIndex) {
    problems.push(`${folder}/: a pipeline folder needs an index.ts with the before/after handlers`);
    return null;
  }
  functions.sort((a, b) => a.order - b.order);
  const orders = functions.map((f) => f.order);
  if (new Set(orders).size !== orders.length) problems.push(`${folder}/: two functions share one number`);
  if (functions.length > 10) problems.push(`${folder}/: AppSync allows at most 10 functions in a pipeline`);
  return functions;
}

/** Every file the runtime will compile (for bundling and the AppSync code-size check). */
export function resolverSourceFiles(resolvers: readonly ResolverFile[]): string[] {
  return resolvers.flatMap((r) => (r.kind === 'unit' ? [r.file] : [r.file, ...r.functions.map((f) => f.file)]));
}
