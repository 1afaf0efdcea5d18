// What a mutation publishes: its result restricted to its own selection set, keyed by field name (aliases
// undone), and which subscription fields listen to which mutation (@aws_subscribe).
import {
  Kind,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';

/** Rebuilds `value` (keyed by response names) keyed by field names, keeping only what was selected. */
export function unalias(
  set: SelectionSetNode | undefined,
  value: unknown,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): unknown {
  if (!set || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => unalias(set, item, fragments));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const visit = (selections: SelectionSetNode) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const responseKey = selection.alias?.value ?? selection.name.value;
        if (!Object.hasOwn(source, responseKey)) continue;
        const fieldName = selection.name.value;
        const child = unalias(selection.selectionSet, source[responseKey], fragments);
        // The same field selected twice (e.g. under two aliases) merges; nested objects merge their fields.
        out[fieldName] = mergeSelected(out[fieldName], child);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(set);
  return out;
}

function mergeSelected(a: unknown, b: unknown): unknown {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b))
    return { ...a, ...b };
  return b;
}

/** mutation field name → the subscription fields whose @aws_subscribe lists it. */
export function subscriptionsByMutation(schema: GraphQLSchema): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const type = schema.getSubscriptionType();
  for (const field of Object.values(type?.getFields() ?? {})) {
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const argument = directive?.arguments?.find((a) => a.name.value === 'mutations');
    if (!argument) continue;
    for (const mutation of valueFromASTUntyped(argument.value) as string[])
      map.set(mutation, [...(map.get(mutation) ?? []), field.name]);
  }
  return map;
}
