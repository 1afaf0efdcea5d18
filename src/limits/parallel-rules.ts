// Runs many validation rules as one rule, merged by the node kinds each rule's visitor actually handles, so a new
// document's validate() does not pay graphql-js's visitInParallel set-up (every Kind × every rule, measured at
// ~40% of validating a one-line subscription) nor call every rule at every node.
import {
  BREAK,
  getEnterLeaveForKind,
  Kind,
  type ASTNode,
  type ASTVisitFn,
  type ASTVisitor,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

const KINDS: ReadonlySet<string> = new Set(Object.values(Kind));

/** Kinds a visitor names, on itself or its prototypes (class-based visitors such as graphql-armor's). */
function namedKinds(visitor: object): { kinds: string[]; generic: boolean } {
  const kinds: string[] = [];
  let generic = false;
  for (let o: object | null = visitor; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'enter' || key === 'leave') generic = true;
      else if (KINDS.has(key) && !kinds.includes(key)) kinds.push(key);
    }
  }
  return { kinds, generic };
}

type Handler = ASTVisitFn<ASTNode> | undefined;

/**
 * The same visitor graphql-js's visitInParallel builds for these visitors, with the same skip (`false`), BREAK and
 * edit semantics and the same call order (ascending visitor index), but each kind's lists hold only the visitors
 * that handle that kind: graphql-js calls every visitor at every node, most with nothing to run.
 */
export function mergeVisitors(visitors: readonly ASTVisitor[]): ASTVisitor {
  // Per visitor: null, the node whose subtree it skips, or BREAK (skips the rest of the document).
  const skipping: unknown[] = new Array(visitors.length).fill(null);
  const perKind = new Map<string, { index: number[]; enter: Handler[]; leave: Handler[] }>();
  const named = visitors.map((v) => namedKinds(v));
  // A generic visitor ({ enter, leave }) handles every kind it does not name; those are added in kind order.
  const kindsInOrder = named.some((n) => n.generic) ? [...KINDS] : null;
  const add = (kind: string, i: number) => {
    const { enter, leave } = getEnterLeaveForKind(visitors[i]!, kind as Kind);
    if (enter == null && leave == null) return;
    let lists = perKind.get(kind);
    if (!lists) perKind.set(kind, (lists = { index: [], enter: [], leave: [] }));
    lists.index.push(i);
    lists.enter.push(enter as Handler);
    lists.leave.push(leave as Handler);
  };
  for (let i = 0; i < visitors.length; i += 1) {
    const { kinds, generic } = named[i]!;
    if (generic) for (const kind of kindsInOrder!) add(kind, i);
    else for (const kind of kinds) add(kind, i);
  }
  const merged: Record<string, { enter: ASTVisitFn<ASTNode>; leave: ASTVisitFn<ASTNode> }> = Object.create(null);
  for (const [kind, { index, enter, leave }] of perKind) {
    const n = index.length;
    merged[kind] = {
      enter(...args) {
        const node = args[0];
        for (let j = 0; j < n; j += 1) {
          const i = index[j]!;
          if (skipping[i] !== null) continue;
          const result: unknown = enter[j]?.apply(visitors[i], args);
          if (result === false) skipping[i] = node;
          else if (result === BREAK) skipping[i] = BREAK;
          else if (result !== undefined) return result;
        }
        return undefined;
      },
      leave(...args) {
        const node = args[0];
        for (let j = 0; j < n; j += 1) {
          const i = index[j]!;
          if (skipping[i] === null) {
            const result: unknown = leave[j]?.apply(visitors[i], args);
            if (result === BREAK) skipping[i] = BREAK;
            else if (result !== undefined && result !== false) return result;
          } else if (skipping[i] === node) skipping[i] = null;
        }
        return undefined;
      },
    };
  }
  return merged as ASTVisitor;
}

/** One rule that runs `rules` in parallel; graphql-js's validate() still owns the traversal, limits and aborts. */
export function parallelRules(rules: readonly ValidationRule[]): ValidationRule {
  return (context: ValidationContext) => mergeVisitors(rules.map((rule) => rule(context)));
}
