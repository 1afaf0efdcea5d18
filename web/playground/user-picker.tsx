// Top-right control of the playground: in AUTH_MODE=local a picker of the demo users (the server mints the
// token), in cognito mode a field to paste a token. Either way it writes the Authorization header into the
// Headers editor, where the user can see and change it.
import { useHeadersEditorState } from '@graphiql/react';
import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { signedIn } from './session.ts';

interface DemoUser {
  readonly handle: string;
  readonly displayName: string;
}

function withAuthorization(headersJson: string, token: string): string {
  let headers: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(headersJson || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) headers = parsed as Record<string, unknown>;
  } catch {
    // An unparsable Headers editor is replaced: the user asked for a token to be put there.
  }
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') delete headers[key];
  return JSON.stringify(token ? { ...headers, Authorization: `Bearer ${token}` } : headers, null, 2);
}

export function UserPicker() {
  const [headers, setHeaders] = useHeadersEditorState();
  // undefined: still asking; null: not local mode (paste a token instead).
  const [users, setUsers] = useState<readonly DemoUser[] | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [pasted, setPasted] = useState('');

  useEffect(() => {
    fetch('/auth/demo-users', { headers: { accept: 'application/json' } })
      .then(async (res) => setUsers(res.ok ? ((await res.json()) as { users: DemoUser[] }).users : null))
      .catch(() => setUsers(null));
  }, []);

  const pick = async (event: ChangeEvent<HTMLSelectElement>) => {
    const handle = event.target.value;
    setError('');
    if (!handle) {
      signedIn.set('');
      return setHeaders(withAuthorization(headers, ''));
    }
    const res = await fetch('/auth/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    }).catch(() => null);
    if (!res?.ok) return setError('Could not get a token for that user.');
    const { token } = (await res.json()) as { token: string };
    signedIn.set(`Bearer ${token}`);
    setHeaders(withAuthorization(headers, token));
  };
  const paste = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    signedIn.set(token ? `Bearer ${token}` : '');
    setHeaders(withAuthorization(headers, token));
  };

  if (users === undefined) return null;
  return (
    <div className="cruddur-user-picker">
      {users ? (
        <label>
          Sign in as{' '}
          <select aria-label="Demo user" defaultValue="" onChange={pick}>
            <option value="">(no user)</option>
            {users.map((u) => (
              <option key={u.handle} value={u.handle}>
                {u.displayName} (@{u.handle})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <form onSubmit={paste}>
          <label>
            Token{' '}
            <input
              aria-label="Cognito token"
              type="password"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              placeholder="paste a Cognito id or access token"
            />
          </label>{' '}
          <button type="submit">Use</button>
        </form>
      )}
      {error ? <span role="alert">{error}</span> : null}
    </div>
  );
}
