// `npm start`: the whole system on embedded defaults (or the configured services), until Ctrl-C or SIGTERM.
import { startApp } from './app.ts';
import { DEMO_USERS } from './data/users.ts';
import { ConfigError, loadConfig } from './config.ts';
import { JavaMissingError } from './embedded/dynamodb-local.ts';
import { ensureWebBuild } from './web/build.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  // A fresh clone (or a changed web/) gets the browser bundles built here, with a line saying so.
  // A failed build (e.g. a read-only image) leaves the API running; the pages then answer 503 saying why.
  await ensureWebBuild((line) => console.log(line)).catch((error: unknown) =>
    console.error(`[cruddur] could not build the web app and the playground: ${String(error)}`),
  );
  console.log(
    `[cruddur] starting: DynamoDB ${config.dynamodbEndpoint ?? 'Local (embedded)'}, Postgres ${config.databaseUrl ? 'from DATABASE_URL' : '(embedded PGlite)'}, data in ${config.dataDir}`,
  );
  // LOG_LEVEL=silent keeps the server's own warnings and errors out of the output (benchmarks).
  const quiet = () => undefined;
  const logger = config.logLevel === 'silent' ? { error: quiet, warn: quiet, info: quiet } : console;
  const app = await startApp(config, { logger });
  console.log(`[cruddur] Cruddur Messaging is ready at ${app.url} (${Date.now() - started} ms)`);
  if (app.issuer) {
    console.log(
      '[cruddur] dev tokens (send as "Authorization: Bearer <token>"; valid 12 h; npm run token -- <handle> for more):',
    );
    for (const user of DEMO_USERS) console.log(`  ${user.handle}: ${app.tokenFor(user.handle)}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[cruddur] ${signal}: stopping`);
    app.stop().then(
      () => {
        console.log('[cruddur] stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof JavaMissingError) console.error(`[cruddur] ${error.message}`);
  else console.error('[cruddur] failed to start:', error);
  process.exit(1);
});
