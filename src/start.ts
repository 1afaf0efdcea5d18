// `npm start` entry: graphql-js runs extra development-only checks on every type test unless NODE_ENV is
// production, and it reads NODE_ENV once, when it loads; so set the default before anything imports it.
process.env.NODE_ENV ??= 'production';
await import('./main.ts');
