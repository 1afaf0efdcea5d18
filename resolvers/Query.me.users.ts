// Query.me: the signed-in user, from Postgres by Cognito sub.
export { request, response } from './lib/me.ts';
