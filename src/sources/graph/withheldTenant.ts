/**
 * Graph for a seller who may not read the account's customer tenant id (column security): the form
 * withholds the value, which is not the same as an account without one. Wherever Graph is on, its
 * part of the verdict fails closed ("access is not granted; ask your admin") and Graph is not
 * called. Used by the card and the command bar alike.
 */
import { ExtraSource } from "../resolver";
import { GRAPH_SOURCE } from "./graphApi";
import { ACCESS_NOT_GRANTED } from "./graphFailures";

export const withheldTenantSource: ExtraSource = {
  name: GRAPH_SOURCE,
  appliesTo: (config) => config.graphEnabled,
  read: () =>
    Promise.resolve({
      source: GRAPH_SOURCE,
      sourceKind: "graph",
      ok: false,
      failure: {
        kind: "forbidden",
        message: `${ACCESS_NOT_GRANTED} (the account's customer tenant id is a secured column the user cannot read)`,
      },
    }),
};
