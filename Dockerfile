# One image for every service; SERVICE picks which one the container runs.
#   docker build -t palisade .
#   docker run -e SERVICE=ingest -e PALISADE_NATS_URL=... -e PALISADE_DATABASE_URL=... palisade
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json nx.json ./
COPY libs libs
COPY services services
COPY apps apps
COPY proto proto
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PALISADE_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
CMD ["sh", "-c", "exec node services/${SERVICE:?set SERVICE to gateway, ingest, scanning, signing, promotion or recall}/dist/main.js"]
