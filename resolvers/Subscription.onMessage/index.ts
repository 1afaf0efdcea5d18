// Subscription.onMessage(messageGroupUuid): runs once at subscribe time. Members only; the argument filter
// (messageGroupUuid equals the message's) does the rest, as on AppSync.
export function request() {
  return {};
}

export function response() {
  return null;
}
