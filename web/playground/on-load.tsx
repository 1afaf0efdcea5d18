// What the playground does once it has rendered: open the schema docs and fill the first tab's variables.
// Both work around GraphiQL 4 races: its `visiblePlugin` prop marks the docs active but leaves the panel
// collapsed, and the first default tab loses its variables. So retry briefly until GraphiQL is ready.
import { useOperationsEditorState, useVariablesEditorState } from '@graphiql/react';
import { useEffect, useRef } from 'react';
import type { ExampleTab } from './examples.ts';

const ATTEMPTS = 30;
const INTERVAL_MS = 100;

export function OnLoad({ firstTab }: { firstTab: ExampleTab }) {
  const [query] = useOperationsEditorState();
  const [variables, setVariables] = useVariablesEditorState();
  const state = useRef({ query, variables });
  state.current = { query, variables };

  useEffect(() => {
    let attempts = 0;
    const timer = setInterval(() => {
      attempts += 1;
      const docsOpen = document.querySelector('.graphiql-plugin')?.childElementCount;
      if (!docsOpen)
        document.querySelector<HTMLButtonElement>('button[aria-label="Show Documentation Explorer"]')?.click();
      const { query: q, variables: v } = state.current;
      const variablesDone = !firstTab.variables || v !== '' || q !== firstTab.query;
      if (!variablesDone) setVariables(firstTab.variables!);
      if ((docsOpen && variablesDone) || attempts >= ATTEMPTS) clearInterval(timer);
    }, INTERVAL_MS);
    return () => clearInterval(timer);
  }, [firstTab, setVariables]);
  return null;
}
