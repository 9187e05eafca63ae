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
// @ts-ignore -- as above.
import buildConnectorImpl from "undici/lib/core/connect.js";

/** undici's `Agent`: one connection pool per origin. */
export const Agent = AgentImpl as unknown as typeof AgentType;
/** undici's `buildConnector`: the function that opens a pool's sockets (TCP, TLS). */
export const buildConnector = buildConnectorImpl as unknown as (options: Record<string, unknown>) => Connector;
/** A socket opener: called with where to connect, calls back once connected (or failed), returns the socket. */
export type Connector = (options: Record<string, unknown>, callback: (err: Error | null, socket: unknown) => void) => { destroy: (e?: Error) => void };

/** undici's `Dispatcher.prototype.request`, called with the dispatcher as `this`. */
export const requestOn = requestImpl as unknown as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
