// SERVER_TIMING=true: a `Server-Timing` header on every GraphQL response (auth, parse, validate, exec, each
// data-source call by operation, ser, total), readable in browser devtools. Off in production: it tells a caller
// how the server spends its time.
import { elapsed, serverTimingHeader } from '../observability/trace.ts';
import type { ServerFeature } from './feature.ts';

export function serverTimingFeature(): ServerFeature {
  return {
    http: {
      beforeResponse(trace, res) {
        if (!trace.timed) return;
        res.setHeader('server-timing', serverTimingHeader(trace, elapsed(trace)));
        // Lets a page on another origin (the web app in development) read the timings too.
        res.setHeader('timing-allow-origin', '*');
      },
    },
  };
}
