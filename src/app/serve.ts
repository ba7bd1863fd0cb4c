// Use case "serve": the publish folder over HTTP, as published, with nothing fetched.
import type { Config } from '../config/load-config.js';
import { startServer, type RunningServer } from '../publish/server.js';

export function serveSite(config: Config): Promise<RunningServer> {
  return startServer({ dir: config.publishDir, host: config.server.host, port: config.server.port });
}
