/**
 * The two parts of undici berth uses, imported on their own: undici's index
 * loads fetch, WebSocket, cookies, caches and mocks (~80 ms of start-up) where
 * the agent and `request` alone take ~25 ms. These paths are not undici's
 * public API, so its version is pinned in package.json; the types are its own.
 */
import type { Agent as AgentType, Dispatcher } from "undici";
// @ts-ignore -- a file of undici without its own declarations; typed below.
import AgentImpl from "undici/lib/dispatcher/agent.js";
// @ts-ignore -- as above.
import requestImpl from "undici/lib/api/api-request.js";

/** undici's `Agent`: one connection pool per origin. */
export const Agent = AgentImpl as unknown as typeof AgentType;
/** undici's `Dispatcher.prototype.request`, called with the dispatcher as `this`. */
export const requestOn = requestImpl as unknown as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
