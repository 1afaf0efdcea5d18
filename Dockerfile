# The API image for docker-compose.yml: the same `npm start` entry point, run by tsx from the sources.
# No Java here: in compose the API uses the dynamodb service (DYNAMODB_ENDPOINT), never embedded DynamoDB Local.

# Stage 1 takes the build context minus local state. (A .dockerignore with node_modules, .data, dist and tmp
# would also keep them out of the build context and make builds faster.)
FROM node:20-slim AS source
WORKDIR /src
COPY . .
RUN rm -rf node_modules .data dist tmp coverage .git

FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources directly, so there is no build step. (No NODE_ENV=production: Apollo Server
# would turn off introspection, which the playground needs.)
RUN npm ci && npm cache clean --force
COPY --from=source /src/ ./
# DATA_DIR: created here, owned by the unprivileged user, so a fresh named volume mounted on it inherits that owner.
RUN mkdir -p /data && chown node:node /data
USER node
ENV HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
EXPOSE 4000
CMD ["npx", "tsx", "src/main.ts"]
