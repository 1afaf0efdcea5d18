// One conversation at /messages/:id: oldest at the top, newest at the bottom, "load older" with nextToken, new
// messages live (through the cache), and the message form with optimistic, retry-safe sending.
import { CombinedGraphQLErrors } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { PAGE_SIZE } from './live.ts';
import { MessageForm } from './message-form.tsx';
import { CONVERSATION, INBOX } from './operations.ts';
import { Link } from './router.tsx';
import { useSender, type Pending } from './send.ts';
import { clockTime } from './time.ts';

export interface MessageView {
  readonly id: string;
  readonly body: string;
  readonly createdAt: string;
  readonly sender: { readonly id: string; readonly handle: string; readonly displayName: string };
}

export function MessageList({
  messages,
  pending,
  meId,
  onRetry,
}: {
  messages: readonly MessageView[];
  pending: readonly Pending[];
  meId: string;
  onRetry(item: Pending): void;
}) {
  return (
    <ol className="messages" aria-label="Messages">
      {messages.map((m) => (
        <li key={m.id} className={m.sender.id === meId ? 'message mine' : 'message'} data-message-id={m.id}>
          <span className="who">
            <span className="name">{m.sender.displayName}</span> <span className="handle">@{m.sender.handle}</span>
          </span>
          <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
          <p className="body">{m.body}</p>
        </li>
      ))}
      {pending.map((p) => (
        <li key={p.clientMessageId} className={`message mine ${p.status}`} aria-busy={p.status === 'sending'}>
          <p className="body">{p.body}</p>
          {p.status === 'failed' ? (
            <p className="failure" role="alert">
              {p.error}{' '}
              <button type="button" onClick={() => onRetry(p)}>
                Retry
              </button>
            </p>
          ) : (
            <span className="sending">Sending…</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Keeps the newest message in view when one arrives, unless the reader scrolled up to read older ones. */
function useStickToBottom(count: number) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count]);
  const onScroll = () => {
    const el = ref.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
  return { ref, onScroll };
}

export function Conversation({ id, meId }: { id: string; meId: string }) {
  const { data, loading, error, fetchMore } = useQuery(CONVERSATION, {
    variables: { messageGroupUuid: id, limit: PAGE_SIZE },
  });
  const inbox = useQuery(INBOX, { variables: { limit: PAGE_SIZE } });
  const other = inbox.data?.messageGroups.items.find((g) => g.id === id)?.otherUser;
  const target = useMemo(() => ({ messageGroupUuid: id }), [id]);
  const { pending, send, retry, formError } = useSender(target, meId);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const page = data?.messages;
  const held = new Set(page?.items.map((m) => m.clientMessageId).filter(Boolean));
  const shown = pending.filter((p) => !held.has(p.clientMessageId));
  const scroll = useStickToBottom((page?.items.length ?? 0) + shown.length);

  useEffect(() => {
    document.title = other ? `${other.displayName} · Cruddur Messages` : 'Cruddur Messages';
  }, [other]);

  const loadOlder = async () => {
    setLoadingOlder(true);
    await fetchMore({ variables: { nextToken: page?.nextToken } }).finally(() => setLoadingOlder(false));
  };
  const denied = CombinedGraphQLErrors.is(error);

  return (
    <section className="conversation" aria-label="Conversation">
      <header>
        <Link to="/messages" className="back">
          ← Inbox
        </Link>
        <h2>
          {other ? (
            <>
              {other.displayName} <span className="handle">@{other.handle}</span>
            </>
          ) : (
            'Conversation'
          )}
        </h2>
      </header>
      <div className="scroller" ref={scroll.ref} onScroll={scroll.onScroll}>
        {page?.nextToken ? (
          <button type="button" className="older" onClick={() => void loadOlder()} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older'}
          </button>
        ) : null}
        {loading && !page ? <p>Loading…</p> : null}
        {denied ? <p role="alert">This conversation does not exist or is not yours.</p> : null}
        {error && !denied ? <p role="alert">Could not load the conversation: {error.message}</p> : null}
        <MessageList messages={page?.items ?? []} pending={shown} meId={meId} onRetry={retry} />
      </div>
      {denied ? null : <MessageForm onSend={send} error={formError} />}
    </section>
  );
}
