// Signing in: in AUTH_MODE=local one button per demo user (the server mints the token), in cognito mode a field
// to paste a Cognito id or access token. The token is kept in this browser's localStorage until sign-out.
import { useEffect, useState, type FormEvent } from 'react';

interface DemoUser {
  readonly handle: string;
  readonly displayName: string;
}

export const TOKEN_KEY = 'cruddur.token';

export function SignIn({ onSignIn, notice }: { onSignIn(token: string): void; notice: string }) {
  const [users, setUsers] = useState<readonly DemoUser[] | null | undefined>(undefined);
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    fetch('/auth/demo-users')
      .then(async (res) => setUsers(res.ok ? ((await res.json()) as { users: DemoUser[] }).users : null))
      .catch(() => setUsers(null));
  }, []);

  const signInAs = async (handle: string) => {
    setError('');
    const res = await fetch('/auth/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle }),
    }).catch(() => null);
    if (!res?.ok) return setError('The server did not give a token; is it running?');
    onSignIn(((await res.json()) as { token: string }).token);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    if (token.split('.').length !== 3) return setError('That does not look like a JWT (three dot-separated parts).');
    onSignIn(token);
  };

  return (
    <main className="sign-in">
      <h1>Cruddur Messages</h1>
      {notice ? <p role="status">{notice}</p> : null}
      {users === undefined ? <p>Loading…</p> : null}
      {users ? (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">Sign in as a demo user</h2>
          <ul className="demo-users">
            {users.map((u) => (
              <li key={u.handle}>
                <button type="button" onClick={() => void signInAs(u.handle)}>
                  {u.displayName} <span className="handle">@{u.handle}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {users === null ? (
        <form onSubmit={submit}>
          <label htmlFor="token">Cognito token</label>
          <textarea id="token" rows={4} value={pasted} onChange={(e) => setPasted(e.target.value)} />
          <button type="submit">Sign in</button>
        </form>
      ) : null}
      {error ? <p role="alert">{error}</p> : null}
    </main>
  );
}
