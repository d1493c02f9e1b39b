# The lab's app, load and monitor in one image; docker-compose.yml runs them as services.
FROM node:20-bookworm-slim
# heapdump is a native addon built by node-gyp at install time.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /lab
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
USER node
CMD ["node", "--max-old-space-size=128", "--import", "tsx", "app/server.ts"]
