/**
 * The Graph client the source uses: the library's own middleware chain, configured. Retries of
 * 429/503/504 are the RetryHandler's; our only say is `shouldRetry`, which vetoes a wait that
 * would end past the verdict's deadline (a late answer is worth nothing to the form).
 */
import {
  AuthenticationHandler,
  Client,
  FetchOptions,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import { GRAPH_BASE_URL, GRAPH_VERSION } from "./graphApi";
import { retryAfterMs } from "./batch";
import { GraphAuth } from "./graphAuth";

interface GraphClientOptions {
  auth: GraphAuth;
  /** `https://graph.microsoft.com` unless a test or the playground points elsewhere. */
  baseUrl?: string;
  /** Hosts besides graph.microsoft.com that get the token (HTTPS only, by the client's rule). */
  customHosts?: Set<string>;
  fetchOptions?: FetchOptions;
  /** Epoch ms on `clock` after which no retry may end. */
  deadline: number;
  clock?: () => number;
}

/** Retry budget: at most two retries, 1 s base delay (the client's default of 3 s fits no form). */
const MAX_RETRIES = 2;
const BASE_DELAY_S = 1;
/** Time an answer needs after the wait: a retry that leaves less than this is not worth sending. */
export const ANSWER_MARGIN_MS = 300;

function deadlineRetryOptions(deadline: number, clock: () => number = Date.now): RetryHandlerOptions {
  return new RetryHandlerOptions(BASE_DELAY_S, MAX_RETRIES, (delay, attempt, _request, _options, response) => {
    const now = clock();
    // Without Retry-After the handler waits delay (+ backoff from the 2nd retry) + up to 1 s.
    const fallback = (delay + (attempt >= 1 ? 2 ** (attempt + 1) / 2 : 0) + 1) * 1000;
    const wait = retryAfterMs(response.headers?.get("Retry-After"), now) ?? fallback;
    return now + wait + ANSWER_MARGIN_MS < deadline;
  });
}

export function createGraphClient(o: GraphClientOptions): Client {
  return Client.initWithMiddleware({
    baseUrl: o.baseUrl ?? GRAPH_BASE_URL,
    defaultVersion: GRAPH_VERSION,
    customHosts: o.customHosts,
    fetchOptions: o.fetchOptions,
    middleware: [
      new AuthenticationHandler(o.auth),
      new RetryHandler(deadlineRetryOptions(o.deadline, o.clock)),
      new HTTPMessageHandler(),
    ],
  });
}
