# syntax=docker/dockerfile:1
# One image recipe for every Tessera process. Build one with
#   docker build --build-arg SERVICE=guardian -t tessera/guardian .
# docker-compose.yml builds all seven from here.

# --- manifests: only the package.json files, so `npm ci` below is cached until one changes ---
FROM node:24-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -print0 \
  | tar --null -cf - -T - | tar -xf - -C /manifests \
 && cp package-lock.json .npmrc /manifests/

# --- deps: the whole workspace's node_modules, as CI installs it ---
FROM node:24-slim AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund

# --- runtime: sources on top of node_modules; SERVICE picks the process ---
FROM node:24-slim AS runtime
# HOST: inside a container the service must listen beyond loopback to be reached at all
ENV HOST=0.0.0.0 \
    NO_COLOR=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# Late, so that the layers above are shared by all seven images.
ARG SERVICE
ENV SERVICE=${SERVICE}
RUN test -n "$SERVICE" && test -f "services/$SERVICE/src/main.ts" \
 || { echo "build with --build-arg SERVICE=<one of: $(ls services | tr '\n' ' ')>" >&2; exit 1; }
USER node
# `node --import tsx` is what `npx tsx` runs, minus npm and tsx's own wrapper process: with
# `exec`, the service is PID 1 itself, so `docker stop`'s SIGTERM reaches it.
CMD ["sh", "-c", "exec node --import tsx services/$SERVICE/src/main.ts"]
