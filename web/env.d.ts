// Module types for what esbuild loads as text (src/web/build.ts: the .graphql loader).
declare module '*.graphql' {
  const text: string;
  export default text;
}
