// `npm start`: the whole system on embedded defaults (or the configured services), until Ctrl-C or SIGTERM.
import { startApp } from './app.ts';
import { DEMO_USERS } from './data/users.ts';
import { ConfigError, loadConfig } from './config.ts';
import { JavaMissingError } from './embedded/dynamodb-local.ts';
import { createLogger } from './observability/logger.ts';
import { ensureWebBuild } from './web/build.ts';

/** An orderly stop that hangs (a database that never answers) must not keep the process alive past this. */
const STOP_TIMEOUT_MS = 15_000;
const PARENT_POLL_MS = 1_000;

/**
 * Calls `onGone` once this process is re-parented, i.e. its parent died. Under `npm start` (the script execs node,
 * so npm is the parent) a SIGKILLed or crashed npm forwards no signal, and nothing else would ever stop us.
 */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, PARENT_POLL_MS);
  timer.unref();
}

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
  // LOG_LEVEL=silent keeps the server's own warnings and errors out of the output (benchmarks); a terminal gets
  // pino-pretty's lines unless LOG_FORMAT says otherwise, anything else (a container, a pipe) JSON lines.
  const logger = await createLogger({
    level: config.logLevel,
    format: config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  });
  const app = await startApp(config, { logger, requestLog: logger.infoEnabled });
  if (app.metrics) console.log(`[cruddur] Prometheus metrics at ${app.metrics.url}`);
  console.log(`[cruddur] Cruddur Messaging is ready at ${app.url} (${Date.now() - started} ms)`);
  // The embedded services have no fixed address (a free port, a unix socket in DATA_DIR): say where they are.
  const embedded = [
    config.dynamodbEndpoint ? '' : `DYNAMODB_ENDPOINT=${app.dynamodbEndpoint}`,
    config.databaseUrl ? '' : `DATABASE_URL=${app.databaseUrl}`,
  ].filter(Boolean);
  if (embedded.length)
    console.log(`[cruddur] embedded services, for the npm scripts while this runs: ${embedded.join(' ')}`);
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
    setTimeout(() => {
      console.error(`[cruddur] not stopped after ${STOP_TIMEOUT_MS} ms: exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
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
  // Only when an npm script started us: a server run by hand or by a daemon manager may outlive its parent.
  if (process.env.npm_lifecycle_event) watchParent(() => stop('parent process exited'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof JavaMissingError) console.error(`[cruddur] ${error.message}`);
  else console.error('[cruddur] failed to start:', error);
  process.exit(1);
});
