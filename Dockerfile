# syntax=docker/dockerfile:1
# One image for every Bazaar service; the command picks one:
#   packages/platform/bin/bazaar.js serve <service>          (split topology, see deploy/)
#   packages/platform/bin/bazaar.js migrate --service <service>
#   packages/platform/bin/bazaar.js start                    (all-in-one, the default)
# The command runs the platform compiled into one file by esbuild (a production dependency, as is tsx
# for running the sources), compiled while the image is built.
ARG NODE_IMAGE=node:20-bookworm-slim

# The workspaces' package.json files alone, so the dependency layer is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY packages packages
COPY services services
RUN find packages services -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    BAZAAR_DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
# node_modules, with the workspaces' own if npm could not hoist everything, then the sources over them.
COPY --from=dependencies /app ./
COPY tsconfig.json ./
COPY packages packages
COPY services services
# The all-in-one topology keeps its embedded PostgreSQL in /data (mount a volume there to keep it);
# the split topology writes nothing.
RUN node packages/platform/bin/bazaar.js --version && mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080 50051 9090
# Through its shebang, which gives Node the platform's flags (packages/platform/bin/node-flags.js).
ENTRYPOINT ["packages/platform/bin/bazaar.js"]
CMD ["start"]
