// The front end's path: Apollo Client with a split link (HTTP for queries and mutations, graphql-ws for
// subscriptions), a normalised cache keyed by `id` with no configuration, and nextToken paging.
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send, startTestServer, type TestServer, type TestUser } from './helpers.ts';
import { wsUrl } from './ws-helpers.ts';

let server: TestServer;
let me: TestUser;
let friend: TestUser;
let apollo: ApolloClient;
let disposeWs: () => void;

beforeAll(async () => {
  server = await startTestServer();
  [me, friend] = await Promise.all([server.createUser('apollo'), server.createUser('apollofriend')]);
  const ws = createClient({
    url: wsUrl(server.url),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: me.token },
    retryAttempts: 0,
  });
  disposeWs = () => void ws.dispose();
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: server.url, headers: { authorization: `Bearer ${me.token}` } }),
  );
  apollo = new ApolloClient({ link, cache: new InMemoryCache() });
});
afterAll(async () => {
  disposeWs?.();
  await server?.stop();
});

// Our front-end operation selects every Message field, so subscribers get whatever they select.
const SEND = gql`
  mutation Send($input: CreateMessageInput!) {
    createMessage(input: $input) {
      id
      messageGroupUuid
      body
      createdAt
      clientMessageId
      memberIds
      cursor
      sender {
        id
        handle
        displayName
      }
    }
  }
`;

it('queries, pages, mutates and receives live messages through Apollo Client', async () => {
  const first = await send(server, friend, { handle: me.handle, body: 'hi apollo' });
  const group = first.messageGroupUuid;
  for (let i = 0; i < 4; i += 1) await send(server, friend, { messageGroupUuid: group, body: `older ${i}` });

  const inbox = await apollo.query({
    query: gql`
      query Inbox {
        messageGroups {
          items {
            id
            lastMessage
            otherUser {
              id
              handle
            }
          }
          nextToken
        }
      }
    `,
  });
  expect(inbox.data).toMatchObject({
    messageGroups: {
      items: [{ id: group, lastMessage: 'older 3', otherUser: { id: friend.uuid, handle: friend.handle } }],
    },
  });

  const PAGE = gql`
    query Page($g: ID!, $next: String) {
      messages(messageGroupUuid: $g, limit: 2, nextToken: $next) {
        items {
          id
          body
        }
        nextToken
      }
    }
  `;
  const page1 = await apollo.query({ query: PAGE, variables: { g: group } });
  const page2 = await apollo.query({
    query: PAGE,
    variables: { g: group, next: (page1.data as any).messages.nextToken },
  });
  expect(
    [...(page1.data as any).messages.items, ...(page2.data as any).messages.items].map((m: { body: string }) => m.body),
  ).toEqual(['older 3', 'older 2', 'older 1', 'older 0']);

  const live: any[] = [];
  const subscription = apollo
    .subscribe({
      query: gql`
        subscription Live($g: ID!) {
          onMessage(messageGroupUuid: $g) {
            id
            body
            sender {
              handle
            }
          }
        }
      `,
      variables: { g: group },
    })
    .subscribe({ next: (value) => live.push(value.data) });
  const before = server.server.registry.size;
  const deadline = Date.now() + 5_000;
  while (server.server.registry.size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

  const sent = await apollo.mutate({
    mutation: SEND,
    variables: { input: { messageGroupUuid: group, body: 'from apollo', clientMessageId: 'apollo-1' } },
  });
  const message = (sent.data as any).createMessage;
  expect(message).toMatchObject({ messageGroupUuid: group, body: 'from apollo', sender: { id: me.uuid } });
  // Normalised by id without any cache configuration.
  const cache = apollo.cache.extract() as Record<string, unknown>;
  expect(cache[`Message:${message.id}`]).toMatchObject({ body: 'from apollo' });
  expect(cache[`User:${me.uuid}`]).toMatchObject({ handle: me.handle });

  await send(server, friend, { messageGroupUuid: group, body: 'reply to apollo' });
  const until = Date.now() + 5_000;
  while (live.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  expect(live.map((d) => d.onMessage.body)).toEqual(['from apollo', 'reply to apollo']);
  subscription.unsubscribe();
});
