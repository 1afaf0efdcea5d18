// The Prometheus endpoint on its own listener (METRICS_PORT, loopback unless METRICS_HOST): GET /metrics, nothing
// else. Off the API's port so metrics never face the public, need no auth, CORS or rate limit of their own, and a
// scrape can never be confused with API traffic in the API's own request metrics.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../plugins/metrics.ts';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  readonly port: number;
  readonly host: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Not found: metrics are at /metrics\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Method not allowed\n');
    }
    options.metrics.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        options.logger.error('[cruddur] metrics failed', error);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Metrics failed; see the server log\n');
      },
    );
  });
  // A scraper holds one keep-alive connection; nothing else should.
  server.maxConnections = 16;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
