// The message box: a 1,024-character countdown (red below zero), Enter sends and Shift+Enter adds a line. It does
// not block what the server refuses: the server's own message is shown instead (and the text stays).
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { SendResult } from './send.ts';

export const MAX_BODY = 1024;

export function MessageForm({ onSend, error }: { onSend(body: string): Promise<SendResult>; error: string }) {
  const [body, setBody] = useState('');
  const left = MAX_BODY - body.length;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = body;
    setBody('');
    if ((await onSend(text)) === 'refused') setBody((current) => current || text);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form className="message-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="message-body" className="visually-hidden">
        Message
      </label>
      <textarea
        id="message-body"
        rows={2}
        placeholder="send a direct message..."
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="message-count message-error"
      />
      <span id="message-count" className={left < 0 ? 'count over' : 'count'} aria-label={`${left} characters left`}>
        {left}
      </span>
      <button type="submit">Send</button>
      <p id="message-error" role="alert" className="form-error">
        {error}
      </p>
    </form>
  );
}
