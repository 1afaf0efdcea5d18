// Who the playground is signed in as: the picker sets it and the fetcher sends it for every tab whose own headers
// carry no Authorization (GraphiQL keeps headers per tab; "sign in as" means every tab).
let authorization = '';

export const signedIn = {
  get: (): string => authorization,
  set(value: string): void {
    authorization = value;
  },
};
