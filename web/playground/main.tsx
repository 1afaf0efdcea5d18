// The GraphQL playground at GET /graphql (Accept: text/html): GraphiQL 4 from our own bundle, the schema (and so
// its docs) built from schema.graphql at build time, example tabs for every root field, a demo-user picker.
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { buildSchema } from 'graphql';
import { createRoot } from 'react-dom/client';
import prelude from '../../src/runtime/appsync-prelude.graphql';
import sdl from '../../schema.graphql';
import { EXAMPLE_TABS } from './examples.ts';
import { createPlaygroundFetcher } from './fetcher.ts';
import './playground.css';
import { OnLoad } from './on-load.tsx';
import { UserPicker } from './user-picker.tsx';

const schema = buildSchema(`${prelude}\n${sdl}`);
const fetcher = createPlaygroundFetcher(new URL('/graphql', location.href).href);

createRoot(document.getElementById('root')!).render(
  <GraphiQL
    fetcher={fetcher}
    schema={schema}
    defaultTabs={[...EXAMPLE_TABS]}
    defaultEditorToolsVisibility="variables"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>
      <span className="cruddur-logo">Cruddur Messaging</span>
      <UserPicker />
      <OnLoad firstTab={EXAMPLE_TABS[0]!} />
    </GraphiQL.Logo>
  </GraphiQL>,
);
