// The Cruddur messages web app at /: sign in (demo user or Cognito token), then the inbox and conversations.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { navigate } from './router.tsx';
import { Session } from './session.tsx';
import { SignIn, TOKEN_KEY } from './sign-in.tsx';
import './styles.css';

function App() {
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN_KEY));
  const [notice, setNotice] = useState('');
  if (!token)
    return (
      <SignIn
        notice={notice}
        onSignIn={(t) => {
          localStorage.setItem(TOKEN_KEY, t);
          setNotice('');
          setToken(t);
        }}
      />
    );
  return (
    <Session
      key={token}
      token={token}
      onSignOut={(why) => {
        localStorage.removeItem(TOKEN_KEY);
        setNotice(why ?? '');
        setToken(null);
      }}
    />
  );
}

// The inbox is the home page.
if (location.pathname === '/') navigate('/messages', { replace: true });
createRoot(document.getElementById('root')!).render(<App />);
