// Every bound and timer of live subscriptions, with its default: one place that config, server and docs share.

export interface SubscriptionSettings {
  /** Close a socket that has not sent connection_init by then (graphql-ws's default). */
  readonly connectionInitWaitTimeoutMs: number;
  /** Ping interval; a socket that has not answered the previous ping is terminated. */
  readonly keepAliveMs: number;
  /** Largest WebSocket message accepted; larger closes the socket with 1009 (a subscribe is a few KB). */
  readonly maxMessageBytes: number;
  /** Largest message before connection_ack: connection_init carries only a token. */
  readonly maxInitMessageBytes: number;
  /** Unsent bytes a socket may queue before it is closed as a slow consumer (1013). */
  readonly maxBufferedBytes: number;
  /** Subscriptions per socket (AppSync's quota). */
  readonly maxSubscriptionsPerConnection: number;
  /** Subscriptions one user may hold across all their sockets. */
  readonly maxSubscriptionsPerUser: number;
  /** Authenticated sockets one user may hold (tabs, devices). */
  readonly maxConnectionsPerUser: number;
  /** Sockets upgraded but not yet acknowledged, in all and per source address. */
  readonly maxPendingConnections: number;
  readonly maxPendingPerAddress: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  connectionInitWaitTimeoutMs: 3_000,
  keepAliveMs: 12_000,
  maxMessageBytes: 128 * 1024,
  maxInitMessageBytes: 16 * 1024,
  maxBufferedBytes: 256 * 1024,
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerUser: 200,
  maxConnectionsPerUser: 20,
  maxPendingConnections: 1024,
  maxPendingPerAddress: 256,
};
