/**
 * The token path end to end: the Graph client only sends Authorization to https hosts it trusts,
 * so this local Graph serves HTTPS with a throwaway certificate made here, trusted by this
 * client alone (undici dispatcher), and 127.0.0.1 is declared as a custom Graph host.
 */
import { generate } from "selfsigned";
import { Agent } from "undici";
import { createGraphSource } from "../../src/sources/graph/graphSource";
import { MsalNodeAuth } from "../../src/sources/graph/msalNodeAuth";
import { ACCOUNT, CUSTOMER, PARTNER, contract, gdap, graphConfig, graphData } from "./fixtures";
import { GraphServer, startGraphServer } from "./graphServer";

let server: GraphServer;
let agent: Agent;

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  server = await startGraphServer(graphData([gdap("active")], [contract("SyndicationPartner")]), {
    tls: { key: pems.private, cert: pems.cert },
  });
  agent = new Agent({ connect: { ca: pems.cert } });
});

afterAll(async () => {
  await server.close();
  await agent.close();
});

test("the token from the auth provider reaches Graph as a bearer token, over HTTPS", async () => {
  const auth = new MsalNodeAuth({ clientId: "c", tenantId: PARTNER, clientSecret: "s" }, () => ({
    acquireTokenByClientCredential: () => Promise.resolve({ accessToken: "app-token-123" }),
  }));
  const source = createGraphSource({
    authFor: () => auth,
    baseUrl: server.baseUrl,
    customHosts: new Set(["127.0.0.1"]),
    // Node's fetch takes an undici dispatcher: it trusts the throwaway certificate for this client only.
    fetchOptions: { dispatcher: agent } as unknown as RequestInit,
  });
  const outcome = await source.read(CUSTOMER, new AbortController().signal, {
    accountId: ACCOUNT,
    config: graphConfig(),
    remainingMs: 5000,
  });
  expect(outcome.ok).toBe(true);
  expect(server.requests).toHaveLength(1);
  expect(server.requests[0].headers.authorization).toBe("Bearer app-token-123");
  if (outcome.ok) expect(outcome.associations.map((a) => a.relationshipType)).toEqual(["gdap", "csp-reseller"]);
});
