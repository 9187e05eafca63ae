// Types for the two undici modules berth imports directly (see client.ts for why).
declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici";
  const AgentClass: typeof Agent;
  export default AgentClass;
}
declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";
  /** undici's `Dispatcher.prototype.request`, called with the dispatcher as `this`. */
  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}
