// The Cruddur messages web app at / (placeholder until the inbox and conversation pages land).
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<p>Cruddur Messages</p>);
