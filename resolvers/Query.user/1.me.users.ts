// Pipeline step 1: the caller's user (shared handler).
export { request, response } from '../lib/me.ts';
