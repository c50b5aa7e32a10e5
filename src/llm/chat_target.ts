/**
 * What every chat request to one endpoint shares: the URL, the redacted URL
 * and secrets its failures are reported with, and the request headers.
 * Computed once per endpoint config object (a reload brings new objects),
 * not per request: parsing a URL to redact it and building headers cost
 * more than the rest of sending a request's body.
 *
 * @module
 */

import type { FailureContext } from "./classify_error.ts";
import {
  type EndpointSettings,
  endpointUrl,
  redactUrl,
  requestHeaders,
} from "./endpoint_settings.ts";

/** The fixed parts of a chat request to one endpoint. */
export interface ChatTarget {
  /** The `/chat/completions` URL. */
  url: string;
  /** Name, redacted URL and secrets, for error messages. */
  context: FailureContext;
  /** Request headers for a streamed request (as `requestHeaders()`; shared, never changed). */
  streamHeaders: [string, string][];
  /** Request headers for a non-streaming request. */
  jsonHeaders: [string, string][];
}

const CHAT_PATH = "/chat/completions";

const targets = new WeakMap<EndpointSettings, ChatTarget>();

/** The failure context of an endpoint: name, redacted URL, secrets to scrub. */
export function failureContext(
  name: string,
  endpoint: EndpointSettings,
  path: string,
): FailureContext {
  return {
    endpoint: name,
    url: redactUrl(endpointUrl(endpoint.base_url, path)),
    secrets: [endpoint.api_key, ...Object.values(endpoint.headers)],
  };
}

/**
 * The chat target of `endpoint` under the name `name`, remembered per
 * settings object (which the config never changes in place).
 */
export function chatTarget(
  name: string,
  endpoint: EndpointSettings,
): ChatTarget {
  const known = targets.get(endpoint);
  if (known !== undefined && known.context.endpoint === name) return known;
  const target: ChatTarget = {
    url: endpointUrl(endpoint.base_url, CHAT_PATH),
    context: failureContext(name, endpoint, CHAT_PATH),
    streamHeaders: [...requestHeaders(endpoint, "text/event-stream")],
    jsonHeaders: [...requestHeaders(endpoint, "application/json")],
  };
  targets.set(endpoint, target);
  return target;
}
