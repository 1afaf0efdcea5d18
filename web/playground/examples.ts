// The tabs the playground opens with: one example operation per root field, so a new user can run each at once.
export interface ExampleTab {
  readonly query: string;
  readonly variables?: string;
}

const GROUP_VARIABLES = `{
  "messageGroupUuid": "paste an id from the Inbox tab"
}`;

export const EXAMPLE_TABS: readonly ExampleTab[] = [
  {
    query: `# Pick a demo user (top right) or paste a token into Headers, then press Run (Ctrl-Enter).
# My conversations, most recent activity first.
query Inbox($limit: Int, $nextToken: String) {
  messageGroups(limit: $limit, nextToken: $nextToken) {
    items { id lastMessage lastMessageAt otherUser { id handle displayName } }
    nextToken
  }
}`,
    variables: '{ "limit": 20 }',
  },
  {
    query: `# One conversation, newest first; pass nextToken back for older messages.
query Conversation($messageGroupUuid: ID!, $nextToken: String) {
  messages(messageGroupUuid: $messageGroupUuid, limit: 20, nextToken: $nextToken) {
    items { id body createdAt cursor sender { id handle displayName } }
    nextToken
  }
}`,
    variables: GROUP_VARIABLES,
  },
  {
    query: `# Send to a user by handle (starts or reuses our 1:1 conversation), or use messageGroupUuid instead.
# Select every Message field: subscribers receive only what this mutation selects (the AppSync rule).
mutation Send($input: CreateMessageInput!) {
  createMessage(input: $input) {
    id messageGroupUuid body createdAt clientMessageId memberIds cursor
    sender { id handle displayName }
  }
}`,
    variables: `{
  "input": { "handle": "bayko", "body": "Hello from the playground" }
}`,
  },
  {
    query: `# Live: every new message of one conversation (over graphql-ws on the same URL). Press Run, then send.
subscription OnMessage($messageGroupUuid: ID!) {
  onMessage(messageGroupUuid: $messageGroupUuid) {
    id body createdAt cursor sender { handle displayName }
  }
}`,
    variables: GROUP_VARIABLES,
  },
  {
    query: `# Live: every new message in any of my conversations, including new ones.
subscription OnInboxMessage {
  onInboxMessage { id messageGroupUuid body createdAt memberIds sender { handle displayName } }
}`,
  },
  {
    query: `# Who am I, and a short profile by handle.
query Profiles($handle: String!) {
  me { id handle displayName }
  user(handle: $handle) { id handle displayName }
}`,
    variables: '{ "handle": "londo" }',
  },
];
