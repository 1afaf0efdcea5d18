// A signed-in session: one Apollo Client (connection.ts), who I am, the one live subscription (every message of
// every conversation of mine, folded into the cache), the offline indicator, catch-up after a reconnect, and the
// page layout (inbox beside the open conversation; one column on a phone).
import { ApolloProvider, useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { createConnection, type Status } from './connection.ts';
import { Conversation } from './conversation.tsx';
import { Inbox } from './inbox.tsx';
import { applyMessage, catchUp } from './live.ts';
import { NewConversation } from './new-conversation.tsx';
import { ME, ON_INBOX_MESSAGE } from './operations.ts';
import { matchRoute, usePath, type Route } from './router.tsx';

/** Waits this long after the socket is back before catching up, so the re-sent subscription is live first. */
const CATCH_UP_DELAY_MS = 200;

export function Session({ token, onSignOut }: { token: string; onSignOut(notice?: string): void }) {
  const [status, setStatus] = useState<Status>('connecting');
  const openGroup = useRef<string | null>(null);
  const signOut = useRef(onSignOut);
  signOut.current = onSignOut;
  const [connection] = useState(() =>
    createConnection({
      token,
      onStatus: setStatus,
      onReconnected: () =>
        setTimeout(() => void catchUp(connection.client, openGroup.current).catch(() => undefined), CATCH_UP_DELAY_MS),
      onUnauthorized: () => signOut.current('Your session ended; sign in again.'),
    }),
  );
  useEffect(() => () => connection.dispose(), [connection]);

  return (
    <ApolloProvider client={connection.client}>
      <Shell status={status} openGroup={openGroup} onSignOut={() => onSignOut()} />
    </ApolloProvider>
  );
}

function Shell({
  status,
  openGroup,
  onSignOut,
}: {
  status: Status;
  openGroup: { current: string | null };
  onSignOut(): void;
}) {
  const client = useApolloClient();
  const route: Route = matchRoute(usePath());
  const me = useQuery(ME).data?.me;
  openGroup.current = route.name === 'conversation' ? route.id : null;
  useSubscription(ON_INBOX_MESSAGE, {
    skip: !me,
    onData: ({ data }) => {
      const message = data.data?.onInboxMessage;
      if (message && me) applyMessage(client, message, me.id);
    },
  });

  return (
    <div className={`app route-${route.name}`}>
      <header className="top">
        <h1>Cruddur Messages</h1>
        <p className={`status ${status}`} role="status" aria-live="polite">
          {status === 'offline' ? 'Offline: reconnecting…' : status === 'connecting' ? 'Connecting…' : ''}
        </p>
        {me ? (
          <span className="me">
            {me.displayName} <span className="handle">@{me.handle}</span>
          </span>
        ) : null}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <Inbox activeId={route.name === 'conversation' ? route.id : null} />
      <main>
        {!me ? null : route.name === 'conversation' ? (
          <Conversation key={route.id} id={route.id} meId={me.id} />
        ) : route.name === 'new' ? (
          <NewConversation key={route.handle} handle={route.handle} meId={me.id} />
        ) : route.name === 'inbox' ? (
          <p className="empty">Pick a conversation.</p>
        ) : (
          <p role="alert">There is no such page.</p>
        )}
      </main>
    </div>
  );
}
