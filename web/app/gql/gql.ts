/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      handle\n      displayName\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Inbox($limit: Int, $nextToken: String) {\n    messageGroups(limit: $limit, nextToken: $nextToken) {\n      items {\n        id\n        lastMessage\n        lastMessageAt\n        lastSenderId\n        otherUser {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n": typeof types.InboxDocument,
    "\n  query Conversation($messageGroupUuid: ID!, $limit: Int, $nextToken: String, $after: String) {\n    messages(messageGroupUuid: $messageGroupUuid, limit: $limit, nextToken: $nextToken, after: $after) {\n      items {\n        id\n        messageGroupUuid\n        body\n        createdAt\n        clientMessageId\n        cursor\n        sender {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n": typeof types.ConversationDocument,
    "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      displayName\n    }\n  }\n": typeof types.UserByHandleDocument,
    "\n  mutation SendMessage($input: CreateMessageInput!) {\n    createMessage(input: $input) {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  subscription OnInboxMessage {\n    onInboxMessage {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n": typeof types.OnInboxMessageDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      handle\n      displayName\n    }\n  }\n": types.MeDocument,
    "\n  query Inbox($limit: Int, $nextToken: String) {\n    messageGroups(limit: $limit, nextToken: $nextToken) {\n      items {\n        id\n        lastMessage\n        lastMessageAt\n        lastSenderId\n        otherUser {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n": types.InboxDocument,
    "\n  query Conversation($messageGroupUuid: ID!, $limit: Int, $nextToken: String, $after: String) {\n    messages(messageGroupUuid: $messageGroupUuid, limit: $limit, nextToken: $nextToken, after: $after) {\n      items {\n        id\n        messageGroupUuid\n        body\n        createdAt\n        clientMessageId\n        cursor\n        sender {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n": types.ConversationDocument,
    "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      displayName\n    }\n  }\n": types.UserByHandleDocument,
    "\n  mutation SendMessage($input: CreateMessageInput!) {\n    createMessage(input: $input) {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n": types.SendMessageDocument,
    "\n  subscription OnInboxMessage {\n    onInboxMessage {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n": types.OnInboxMessageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      handle\n      displayName\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      handle\n      displayName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox($limit: Int, $nextToken: String) {\n    messageGroups(limit: $limit, nextToken: $nextToken) {\n      items {\n        id\n        lastMessage\n        lastMessageAt\n        lastSenderId\n        otherUser {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n"): (typeof documents)["\n  query Inbox($limit: Int, $nextToken: String) {\n    messageGroups(limit: $limit, nextToken: $nextToken) {\n      items {\n        id\n        lastMessage\n        lastMessageAt\n        lastSenderId\n        otherUser {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversation($messageGroupUuid: ID!, $limit: Int, $nextToken: String, $after: String) {\n    messages(messageGroupUuid: $messageGroupUuid, limit: $limit, nextToken: $nextToken, after: $after) {\n      items {\n        id\n        messageGroupUuid\n        body\n        createdAt\n        clientMessageId\n        cursor\n        sender {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n"): (typeof documents)["\n  query Conversation($messageGroupUuid: ID!, $limit: Int, $nextToken: String, $after: String) {\n    messages(messageGroupUuid: $messageGroupUuid, limit: $limit, nextToken: $nextToken, after: $after) {\n      items {\n        id\n        messageGroupUuid\n        body\n        createdAt\n        clientMessageId\n        cursor\n        sender {\n          id\n          handle\n          displayName\n        }\n      }\n      nextToken\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      displayName\n    }\n  }\n"): (typeof documents)["\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      displayName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($input: CreateMessageInput!) {\n    createMessage(input: $input) {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($input: CreateMessageInput!) {\n    createMessage(input: $input) {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OnInboxMessage {\n    onInboxMessage {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription OnInboxMessage {\n    onInboxMessage {\n      id\n      messageGroupUuid\n      body\n      createdAt\n      clientMessageId\n      memberIds\n      cursor\n      sender {\n        id\n        handle\n        displayName\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;