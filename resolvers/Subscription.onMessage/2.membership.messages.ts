// Rejects subscribers who are not members of the conversation (shared handler).
export { request, response } from '../lib/membership.ts';
