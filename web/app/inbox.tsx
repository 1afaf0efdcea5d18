// The inbox (left column, or the whole page at /messages on a phone): my conversations, newest activity first,
// with "load more"; the live subscription re-sorts it through the cache (live.ts, cache.ts).
import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { PAGE_SIZE } from './live.ts';
import { INBOX } from './operations.ts';
import { Link } from './router.tsx';
import { relativeTime } from './time.ts';

/** Re-renders every 30 s so "5m" becomes "6m" without an event. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function Inbox({ activeId }: { activeId: string | null }) {
  const { data, loading, error, fetchMore } = useQuery(INBOX, { variables: { limit: PAGE_SIZE } });
  const [loadingMore, setLoadingMore] = useState(false);
  const now = useNow();
  const page = data?.messageGroups;

  const loadMore = async () => {
    setLoadingMore(true);
    await fetchMore({ variables: { nextToken: page?.nextToken } }).finally(() => setLoadingMore(false));
  };

  return (
    <nav className="inbox" aria-label="Conversations">
      <h2>Messages</h2>
      {loading && !page ? <p>Loading…</p> : null}
      {error ? <p role="alert">{error.message}</p> : null}
      {page && page.items.length === 0 ? <p>No conversations yet.</p> : null}
      <ul>
        {page?.items.map((group) => (
          <li key={group.id}>
            <Link
              to={`/messages/${group.id}`}
              className="group"
              aria-current={group.id === activeId ? 'page' : undefined}
              data-group-id={group.id}
            >
              <span className="who">
                <span className="name">{group.otherUser.displayName}</span>{' '}
                <span className="handle">@{group.otherUser.handle}</span>
              </span>
              <time dateTime={group.lastMessageAt}>{relativeTime(group.lastMessageAt, now)}</time>
              <span className="last">{group.lastMessage}</span>
            </Link>
          </li>
        ))}
      </ul>
      {page?.nextToken ? (
        <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </nav>
  );
}
