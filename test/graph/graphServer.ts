/**
 * A local Graph on 127.0.0.1 (port 0) for tests: the Graph emulator behind a real HTTP(S)
 * server, recording every round trip. `outer` replaces the whole HTTP answer of a request
 * (outer 429/503, malformed JSON, a hang) before the emulator sees it.
 */
import { createServer as createHttp, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import { AddressInfo } from "node:net";
import { GraphData, GraphEmulator, GraphEmulatorOptions } from "../../src/emulator/graphEmulator";

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface OuterAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is (a string lets a test send broken JSON). */
  text?: string;
  /** Never answer (the client must give up on its own). */
  hang?: boolean;
}

export interface GraphServerOptions extends GraphEmulatorOptions {
  outer?: (request: Recorded, index: number) => OuterAnswer | undefined;
  tls?: { key: string; cert: string };
}

export interface GraphServer {
  baseUrl: string;
  requests: Recorded[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

export async function startGraphServer(data: GraphData, options: GraphServerOptions = {}): Promise<GraphServer> {
  const emulator = new GraphEmulator(data, options);
  const requests: Recorded[] = [];
  const hanging: ServerResponse[] = [];
  const scheme = options.tls ? "https" : "http";
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((text) => {
      let body: unknown = undefined;
      try {
        body = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        body = text;
      }
      const recorded: Recorded = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body };
      requests.push(recorded);
      const outer = options.outer?.(recorded, requests.length - 1);
      if (outer?.hang) {
        hanging.push(res);
        return;
      }
      if (outer) {
        res.writeHead(outer.status, { "Content-Type": "application/json", ...outer.headers }).end(outer.text ?? "");
        return;
      }
      const host = req.headers.host ?? "127.0.0.1";
      const answer = emulator.handle(recorded.method, recorded.url, body, `${scheme}://${host}`);
      res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
    });
  };
  const server: Server = options.tls ? createHttps(options.tls, handler) : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
