# The API image for docker-compose.yml: the same entry point as `npm start`, node with our esbuild loader on the sources.
# No Java here: in compose the API uses the dynamodb service (DYNAMODB_ENDPOINT), never embedded DynamoDB Local.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
# src/loader/register.mjs runs the TypeScript sources directly, so the server has no build step. (No NODE_ENV=production: Apollo Server
# would turn off introspection, which GraphQL tools need.)
RUN npm ci && npm cache clean --force
# .dockerignore keeps node_modules, .data, dist and .git out of the context.
COPY . .
# The browser bundles (dist/web, dist/playground): npm ci's prepare step ran before the sources were here.
RUN npm run build:web
# DATA_DIR: created here, owned by the unprivileged user, so a fresh named volume mounted on it inherits that owner.
RUN mkdir -p /data && chown node:node /data
USER node
ENV HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
EXPOSE 4000
# Exec form, node itself: `docker stop`'s SIGTERM reaches the server (no npx, tsx or sh in between to swallow it).
# docker-compose.yml adds an init process (init: true) as PID 1 to reap zombies; the server then runs as its child.
CMD ["node", "--import", "./src/loader/register.mjs", "src/start.ts"]
