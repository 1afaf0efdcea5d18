// One attempt at the atomic write; three attempts cover a lost race for a new pair and a newer message landing
// first (see lib/write-message.ts).
export { request, response } from '../lib/write-message.ts';
