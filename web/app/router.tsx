// A three-route router on the History API: the app has /messages, /messages/:id and /messages/new/:handle, and
// a library router would be most of the page's code size for that.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { readonly name: 'inbox' }
  | { readonly name: 'conversation'; readonly id: string }
  | { readonly name: 'new'; readonly handle: string }
  | { readonly name: 'notFound' };

const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

export function matchRoute(path: string): Route {
  if (path === '/' || path === '/messages' || path === '/messages/') return { name: 'inbox' };
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'messages') return { name: 'notFound' };
  if (parts.length === 3 && parts[1] === 'new' && parts[2]) return { name: 'new', handle: parts[2] };
  if (parts.length === 2 && parts[1]) return { name: 'conversation', id: parts[1] };
  return { name: 'notFound' };
}

/** An <a> that navigates without a reload (a modified click still opens a new tab as usual). */
export function Link({ to, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    props.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a {...props} href={to} onClick={onClick} />;
}
