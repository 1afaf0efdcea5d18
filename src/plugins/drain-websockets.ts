// Stops live subscriptions when Apollo drains: it must come before the HTTP drain, which waits (up to 10 s) for
// every open connection, upgraded WebSockets included.
import type { ApolloServerPlugin } from '@apollo/server';

export function drainWebSocketsPlugin(drain: () => Promise<void>): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return { drainServer: drain };
    },
  };
}
