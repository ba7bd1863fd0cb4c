// undici's Agent and request, from their own modules (http-client.ts): the package's index loads
// all of undici (fetch, WebSocket, caches, mocks), which a client of one Agent does not use. The
// package has no exports map; its types are the index's.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  /** Dispatcher.request, called with the dispatcher as `this` (the index adds it to Dispatcher.prototype). */
  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}
