// docker-compose.yml and the Dockerfile, read as data (no Docker engine needed): the services, their wiring, and
// that the API's environment uses only variables src/config.ts reads, so the file cannot drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RAW = readFileSync('docker-compose.yml', 'utf8');
const CONFIG_SOURCE = readFileSync('src/config.ts', 'utf8');
const DOCKERFILE = readFileSync('Dockerfile', 'utf8');

/** What compose substitutes with an empty environment: `${VAR:-default}` / `${VAR-default}` become the default. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(
      /\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_, name: string, fallback?: string) => fallback ?? `<unset ${name}>`,
    );
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const compose = interpolate(parse(RAW)) as { services: Record<string, any>; volumes?: Record<string, unknown> };
const services = compose.services;

/** `environment` as a map, whichever of the two compose syntaxes (list or map) the file uses. */
function environment(service: any): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((line: string) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

/** Volume mounts as {source, target}, whichever of the short (`a:/b`) or long syntaxes is used. */
function mounts(service: any): { source: string; target: string }[] {
  return (service.volumes ?? []).map((v: any) =>
    typeof v === 'string'
      ? { source: v.split(':')[0], target: v.split(':')[1] }
      : { source: v.source, target: v.target },
  );
}

const namedVolumeAt = (service: any, target: string) =>
  mounts(service).find((m) => m.target === target && Object.hasOwn(compose.volumes ?? {}, m.source));

describe('docker-compose.yml', () => {
  it('has the three services', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'dynamodb', 'postgres']);
  });

  it('runs DynamoDB Local with a shared database persisted on a named volume', () => {
    const ddb = services.dynamodb;
    expect(ddb.image).toMatch(/^amazon\/dynamodb-local(:|$)/);
    const command = Array.isArray(ddb.command) ? ddb.command : String(ddb.command).split(/\s+/);
    expect(command).toContain('-sharedDb');
    const dbPath = command[command.indexOf('-dbPath') + 1];
    expect(command).toContain('-dbPath');
    expect(dbPath).toMatch(/^\//);
    expect(namedVolumeAt(ddb, dbPath)).toBeDefined();
    // Loopback only on the host: DynamoDB Local has no authentication.
    expect(ddb.ports).toEqual(['127.0.0.1:8000:8000']);
  });

  it('runs Postgres with a password, a named data volume and a pg_isready healthcheck', () => {
    const pg = services.postgres;
    expect(pg.image).toMatch(/^postgres:\d+/);
    const env = environment(pg);
    expect(env.POSTGRES_PASSWORD || env.POSTGRES_HOST_AUTH_METHOD === 'trust').toBeTruthy();
    expect(namedVolumeAt(pg, '/var/lib/postgresql/data')).toBeDefined();
    expect([pg.healthcheck?.test].flat().join(' ')).toContain('pg_isready');
    expect(pg.ports).toEqual(['127.0.0.1:5432:5432']);
  });

  it('builds the API from the repo, publishes 4000 and waits for its databases', () => {
    const api = services.api;
    expect(api.build === '.' || api.build?.context === '.').toBe(true);
    expect(api.ports).toContain('4000:4000');
    expect(Object.keys(api.depends_on ?? {}).sort()).toEqual(['dynamodb', 'postgres']);
    expect(api.depends_on.postgres.condition).toBe('service_healthy');
  });

  it("runs the API under an init process, which forwards docker stop's SIGTERM and reaps zombies", () => {
    expect(services.api.init).toBe(true);
  });

  it("probes the API's readiness endpoint (with node: the image has no curl)", () => {
    const test = services.api.healthcheck?.test as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain("fetch('http://127.0.0.1:4000/health/ready')");
    expect(test[3]).toMatch(/process\.exit\(r\.ok \? 0 : 1\)/);
  });

  it('points the API at the compose services, with the Postgres credentials the postgres service creates', () => {
    const env = environment(services.api);
    const pgEnv = environment(services.postgres);
    expect(env).toMatchObject({ DYNAMODB_ENDPOINT: 'http://dynamodb:8000', HOST: '0.0.0.0', AUTH_MODE: 'local' });
    expect(env.DYNAMODB_TABLE).toMatch(/^[A-Za-z0-9_.-]{3,255}$/);
    expect(env.AWS_REGION).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    const db = new URL(env.DATABASE_URL ?? '');
    expect(db.protocol).toBe('postgres:');
    expect(db.hostname).toBe('postgres');
    expect(db.username).toBe(pgEnv.POSTGRES_USER ?? 'postgres');
    expect(db.password).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB ?? 'postgres'}`);
    expect(env.DATA_DIR).toMatch(/^\//);
    expect(mounts(services.api).map((m) => m.target)).toContain(env.DATA_DIR);
  });

  it('gives every ${VAR} a default, so a bare `docker compose up` works', () => {
    // Only values are interpolated by compose (comments are not), so walk the parsed document's strings.
    const references = strings(parse(RAW)).flatMap((text) => [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!));
    expect(references.length).toBeGreaterThan(0);
    for (const ref of references) expect(ref, `\${${ref}}`).toMatch(/^\w+:?-/);
  });

  it('sets only variables that src/config.ts reads', () => {
    const names = Object.keys(environment(services.api));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      // config.ts reads a variable either as env.NAME or through a helper called as helper(env, 'NAME', ...).
      const read = CONFIG_SOURCE.includes(`env.${name}`) || CONFIG_SOURCE.includes(`env, '${name}'`);
      expect(read, `${name} is not read by src/config.ts`).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  it('installs from the lockfile on Node 20 and starts the server with the esbuild loader on port 4000', () => {
    expect(DOCKERFILE).toMatch(/^FROM node:20(-slim)?\b/m);
    expect(DOCKERFILE).toMatch(/^RUN npm ci\b/m);
    expect(DOCKERFILE).toMatch(/^EXPOSE 4000$/m);
  });

  it('starts node itself in exec form (no shell, npx or tsx wrapper to swallow SIGTERM), like `npm start`', () => {
    const cmds = DOCKERFILE.split('\n').filter((line) => /^CMD\b/.test(line));
    expect(cmds).toHaveLength(1);
    const cmd = JSON.parse(cmds[0]!.slice('CMD'.length)) as unknown;
    expect(cmd).toEqual(['node', '--import', './src/loader/register.mjs', 'src/start.ts']);
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts
      .start;
    // npm runs a script through `sh -c`, which would stay in between and die on SIGTERM without passing it on.
    expect(start).toBe(`exec ${(cmd as string[]).join(' ')}`);
  });

  it('keeps host state out of the image: .dockerignore lists node_modules, .data and .git', () => {
    const ignored = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', '.data', '.git']) expect(ignored).toContain(entry);
  });
});
