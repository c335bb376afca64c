# syntax=docker/dockerfile:1
#
# One image for every Node service: the router and each subgraph. Compose and
# Kubernetes choose the process with `command` (`node router/index.ts`,
# `node subgraphs/catalogue/index.ts`, ...), so a release is one build.
#
# Why an official Node image rather than the project's own Node: `npm start` and
# `npm test` get Node 24 from the `node` package, but that package is a
# devDependency (it exists so a workstation needs nothing but npm). A production
# install leaves dev dependencies out, so the runtime comes from node:24-slim, the
# same major as package.json pins (deploy/deployment.spec.ts checks they agree).
# Node 24 runs our .ts files directly (type stripping): no build step, no dist/.
#
# Pin the base image by digest in production (node:24-slim@sha256:...) so a
# rebuild cannot pick up a different Node or Debian underneath.
ARG NODE_IMAGE=node:24-slim

# Stage 1: production dependencies only, from the lockfile. Kept apart so the
# npm cache and the package files never reach the final image, and so this layer
# is rebuilt only when package.json or package-lock.json change.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# Stage 2: what runs. Only the folders a process loads are copied (the
# .dockerignore also drops their tests); no .env, no data/, no development keys:
# secrets arrive as environment variables at run time.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY platform ./platform
COPY subgraphs ./subgraphs
COPY router ./router
COPY schema ./schema
COPY scripts ./scripts
COPY web-client ./web-client
# The demo data the seeders import (they are imported even where seeding is off).
COPY demo ./demo

# The files stay owned by root and read-only to the process: a compromised
# service cannot rewrite its own code. `node` (uid 1000) ships with the image.
USER node

# The router (4000) and the subgraphs (4001-4006), as DEFAULT_PORTS in
# platform/config/common.ts numbers them, and the router's
# /metrics (METRICS_PORT, 9464), for the internal network only.
EXPOSE 4000 4001 4002 4003 4004 4005 4006 9464

# No HEALTHCHECK here: the port differs per service, so compose and Kubernetes
# probe /health themselves.
CMD ["node", "router/index.ts"]
