// What one user may hold across all their sockets: connections and live subscriptions. Only users holding a
// connection or a subscription have an entry, so the map is bounded by the live subscriptions themselves.

export interface UserBudgetOptions {
  readonly maxConnectionsPerUser: number;
  readonly maxSubscriptionsPerUser: number;
}

export interface UserBudget {
  /** Counts a new authenticated connection; false when the user already holds the maximum. */
  openConnection(user: string): boolean;
  closeConnection(user: string): void;
  /** Reserves one subscription; false when the user already holds the maximum. */
  reserveSubscription(user: string): boolean;
  releaseSubscription(user: string): void;
  usage(user: string): { readonly connections: number; readonly subscriptions: number };
  readonly limits: UserBudgetOptions;
}

export function createUserBudget(limits: UserBudgetOptions): UserBudget {
  const users = new Map<string, { connections: number; subscriptions: number }>();
  const entry = (user: string) => users.get(user) ?? { connections: 0, subscriptions: 0 };
  return {
    limits,
    openConnection(user) {
      const e = entry(user);
      if (e.connections >= limits.maxConnectionsPerUser) return false;
      e.connections += 1;
      users.set(user, e);
      return true;
    },
    closeConnection(user) {
      const e = users.get(user);
      if (!e) return;
      e.connections -= 1;
      if (e.connections <= 0 && e.subscriptions <= 0) users.delete(user);
    },
    reserveSubscription(user) {
      const e = entry(user);
      if (e.subscriptions >= limits.maxSubscriptionsPerUser) return false;
      e.subscriptions += 1;
      users.set(user, e);
      return true;
    },
    releaseSubscription(user) {
      const e = users.get(user);
      if (!e) return;
      e.subscriptions -= 1;
      if (e.connections <= 0 && e.subscriptions <= 0) users.delete(user);
    },
    usage(user) {
      const e = entry(user);
      return { connections: e.connections, subscriptions: e.subscriptions };
    },
  };
}
