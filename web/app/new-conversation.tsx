// /messages/new/:handle: who the first message goes to (user(handle)), or that nobody has that handle. Sending
// opens our 1:1 conversation (or reuses it: the server keeps one per pair) and moves to it without a reload.
import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import { MessageList } from './conversation.tsx';
import { MessageForm } from './message-form.tsx';
import { USER } from './operations.ts';
import { Link, navigate } from './router.tsx';
import { useSender } from './send.ts';

export function NewConversation({ handle, meId }: { handle: string; meId: string }) {
  const { data, loading, error } = useQuery(USER, { variables: { handle } });
  const target = useMemo(() => ({ handle }), [handle]);
  const { pending, send, retry, formError } = useSender(target, meId, (message) =>
    navigate(`/messages/${message.messageGroupUuid}`, { replace: true }),
  );
  const user = data?.user;

  return (
    <section className="conversation" aria-label="New conversation">
      <header>
        <Link to="/messages" className="back">
          ← Inbox
        </Link>
        <h2>
          {user ? (
            <>
              New message to {user.displayName} <span className="handle">@{user.handle}</span>
            </>
          ) : (
            'New message'
          )}
        </h2>
      </header>
      <div className="scroller">
        {loading ? <p>Loading…</p> : null}
        {error ? <p role="alert">{error.message}</p> : null}
        {data && !user ? <p role="alert">There is no user with the handle @{handle}.</p> : null}
        <MessageList messages={[]} pending={pending} meId={meId} onRetry={retry} />
      </div>
      {user ? <MessageForm onSend={send} error={formError} /> : null}
    </section>
  );
}
