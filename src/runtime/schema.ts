// Loads schema.graphql with the AppSync prelude, binds every resolver file to its field and data source, and
// fails at start-up naming every field without a resolver and every file without a field.
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLObjectType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from '../datasources/types.ts';
import { compileResolverFiles } from './compile.ts';
import type { RequestContext } from './context.ts';
import { runResolver, type BoundResolver } from './execute.ts';
import { discoverResolvers, resolverSourceFiles, type ResolverFile } from './resolver-files.ts';

export const PRELUDE_PATH = fileURLToPath(new URL('./appsync-prelude.graphql', import.meta.url));

export interface BuildSchemaOptions {
  readonly schemaPath: string;
  readonly resolversDir: string;
  readonly dataSources: ReadonlyMap<string, DataSource>;
  /** Data source for files that name none (AppSync's NONE). */
  readonly noneDataSource: DataSource;
}

export function loadTypeDefs(schemaPath: string): string[] {
  return [readFileSync(PRELUDE_PATH, 'utf8'), readFileSync(schemaPath, 'utf8')];
}

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/** Root fields need a resolver; other fields fall back to reading the property of the same name. */
function checkBindings(
  schema: GraphQLSchema,
  files: readonly ResolverFile[],
  dataSources: ReadonlyMap<string, DataSource>,
  root: string,
): string[] {
  const problems: string[] = [];
  const bound = new Set(files.map((f) => `${f.typeName}.${f.fieldName}`));
  for (const typeName of ROOT_TYPES) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.keys(type.getFields())) {
      if (!bound.has(`${typeName}.${field}`))
        problems.push(`${typeName}.${field} has no resolver: add resolvers/${typeName}.${field}.<dataSource>.ts`);
    }
  }
  const seen = new Set<string>();
  for (const file of files) {
    const rel = path.relative(root, file.file);
    const key = `${file.typeName}.${file.fieldName}`;
    if (seen.has(key)) problems.push(`${key} is bound twice (${rel})`);
    seen.add(key);
    const type = schema.getType(file.typeName);
    if (!(type instanceof GraphQLObjectType) || !type.getFields()[file.fieldName]) {
      problems.push(`${rel} is orphaned: the schema has no field ${key}`);
    }
    const sources = file.kind === 'unit' ? [file.dataSource] : file.functions.map((f) => f.dataSource);
    for (const name of sources) {
      if (name !== null && !dataSources.has(name))
        problems.push(
          `${rel} names data source '${name}', which is not configured (known: ${[...dataSources.keys()].join(', ')})`,
        );
    }
  }
  return problems;
}

export async function buildSchema(options: BuildSchemaOptions): Promise<GraphQLSchema> {
  const typeDefs = loadTypeDefs(options.schemaPath);
  const bare = makeExecutableSchema({ typeDefs });
  const discovery = discoverResolvers(options.resolversDir);
  const problems = [
    ...discovery.problems,
    ...checkBindings(bare, discovery.resolvers, options.dataSources, options.resolversDir),
  ];
  if (problems.length) throw new Error(`Resolver bindings are invalid:\n  - ${problems.join('\n  - ')}`);

  const handlers = await compileResolverFiles(resolverSourceFiles(discovery.resolvers), options.resolversDir);
  const source = (name: string | null) =>
    name === null ? options.noneDataSource : (options.dataSources.get(name) as DataSource);
  const resolvers: Record<string, Record<string, GraphQLFieldResolver<unknown, RequestContext>>> = {};
  for (const file of discovery.resolvers) {
    const bound: BoundResolver =
      file.kind === 'unit'
        ? { kind: 'unit', handlers: handlers.get(file.file)!, dataSource: source(file.dataSource) }
        : {
            kind: 'pipeline',
            handlers: handlers.get(file.file)!,
            functions: file.functions.map((f) => ({
              name: f.name,
              handlers: handlers.get(f.file)!,
              dataSource: source(f.dataSource),
            })),
          };
    (resolvers[file.typeName] ??= {})[file.fieldName] = (parent, args, context, info) =>
      runResolver(bound, parent, args as Record<string, unknown>, context, info);
  }
  return makeExecutableSchema({ typeDefs, resolvers });
}
