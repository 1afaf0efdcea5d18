// Sending with a clientMessageId: the message shows at once as pending; the server's answer (or the live event)
// replaces it. A network failure leaves it beside the list with a retry that reuses the same id, so the server
// returns the original instead of writing a second one. A GraphQL error (empty, too long, not allowed) is the
// server's own message, shown by the form.
import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { useCallback, useRef, useState } from 'react';
import { applyMessage, type LiveMessage } from './live.ts';
import { SEND } from './operations.ts';

export interface Pending {
  readonly clientMessageId: string;
  readonly body: string;
  readonly status: 'sending' | 'failed';
  readonly error?: string;
}

/** sent; refused by the server (nothing written, the text goes back to the form); failed to reach it (retry). */
export type SendResult = 'sent' | 'refused' | 'failed';

export type Target = { readonly messageGroupUuid: string } | { readonly handle: string };

/** 32 hex characters; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newClientMessageId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function useSender(target: Target, meId: string, onSent?: (message: LiveMessage) => void) {
  const client = useApolloClient();
  const [pending, setPending] = useState<readonly Pending[]>([]);
  const [formError, setFormError] = useState('');
  const onSentRef = useRef(onSent);
  onSentRef.current = onSent;

  const attempt = useCallback(
    async (item: Pending): Promise<SendResult> => {
      setPending((list) =>
        list.map((p) => (p.clientMessageId === item.clientMessageId ? { ...item, status: 'sending' } : p)),
      );
      try {
        const result = await client.mutate({
          mutation: SEND,
          variables: { input: { ...target, body: item.body, clientMessageId: item.clientMessageId } },
        });
        const message = result.data!.createMessage;
        applyMessage(client, message, meId);
        setPending((list) => list.filter((p) => p.clientMessageId !== item.clientMessageId));
        onSentRef.current?.(message);
        return 'sent';
      } catch (error) {
        if (CombinedGraphQLErrors.is(error)) {
          setPending((list) => list.filter((p) => p.clientMessageId !== item.clientMessageId));
          setFormError(error.errors.map((e) => e.message).join(' '));
          return 'refused';
        }
        const reason = 'Not sent: the server could not be reached.';
        setPending((list) =>
          list.map((p) => (p.clientMessageId === item.clientMessageId ? { ...p, status: 'failed', error: reason } : p)),
        );
        return 'failed';
      }
    },
    [client, meId, target],
  );

  const send = useCallback(
    (body: string) => {
      setFormError('');
      const item: Pending = { clientMessageId: newClientMessageId(), body, status: 'sending' };
      setPending((list) => [...list, item]);
      return attempt(item);
    },
    [attempt],
  );
  const retry = useCallback((item: Pending) => void attempt(item), [attempt]);
  return { pending, send, retry, formError };
}
