// Pipeline step 1: the subscriber's user (shared handler).
export { request, response } from '../lib/me.ts';
