/**
 * jsdom has no fetch. This is a minimal one over node:http, with just what the Graph client
 * reads of a response (status, ok, headers.get, json, text), for jsdom tests against local servers.
 */
import { request } from "node:http";

export function nodeFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, signal: init.signal }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status < 300,
          headers: { get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null },
          text: () => Promise.resolve(text),
          json: () => Promise.resolve(JSON.parse(text) as unknown),
        });
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
