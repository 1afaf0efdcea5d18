// `npm run token -- <handle>`: prints a local dev token (AUTH_MODE=local) signed with DATA_DIR's key; no database.
// Only the token goes to stdout, so `TOKEN=$(npm run -s token -- bayko)` works.
import { createLocalIssuer, localSubForHandle } from '../src/auth/local-issuer.ts';
import { DEMO_USERS } from '../src/data/users.ts';
import { intOption, runCli, UsageError, type CliSpec } from './lib/cli.ts';

const spec: CliSpec = {
  name: 'token',
  positionals: ['<handle>'],
  summary: [
    "Prints a dev token for <handle>, signed with the local issuer's key in DATA_DIR (the key a server started",
    'with the same DATA_DIR and AUTH_MODE=local trusts). Send it as "Authorization: Bearer <token>".',
    'The API accepts it for users whose cognito_user_id is the local sub for the handle: the demo users,',
    'or users added by the seed. For the docker compose API the key lives in its volume: run',
    '`docker compose exec api npm run -s token -- <handle>` instead.',
  ].join('\n'),
  options: [{ name: 'expires-in', type: 'string', value: '<seconds>', description: 'lifetime (default 43200 = 12 h)' }],
  env: ['DATA_DIR'],
};

const HANDLE = /^[A-Za-z0-9_.-]{1,64}$/;

await runCli(spec, async ({ positionals, values, config }) => {
  const handle = positionals[0]!;
  if (!HANDLE.test(handle)) throw new UsageError(`'${handle}' is not a handle (letters, digits, _ . -)`);
  const expiresIn = intOption(values, 'expires-in', 12 * 3600, 1, 365 * 24 * 3600);
  const issuer = createLocalIssuer(config().dataDir);
  process.stdout.write(`${issuer.sign({ sub: localSubForHandle(handle), username: handle }, expiresIn)}\n`);
  if (!DEMO_USERS.some((u) => u.handle === handle)) {
    console.error(
      `note: '${handle}' is not a demo user; the API accepts this token only if a users row has cognito_user_id ${localSubForHandle(handle)}`,
    );
  }
});
