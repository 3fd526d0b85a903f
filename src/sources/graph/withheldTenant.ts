/**
 * Graph for a seller who may not read the account's customer tenant id (column security): the form
 * withholds the value, which is not the same as an account without one. Wherever Graph is on, its
 * part of the verdict fails closed ("access is not granted; ask your admin") and Graph is not
 * called. Used by the card and the command bar alike.
 */
import { SourceOutcome } from "../../core/types";
import { ExtraSource, NOT_APPLICABLE } from "../resolver";
import { GRAPH_SOURCE } from "./graphApi";
import { ACCESS_NOT_GRANTED } from "./graphFailures";

/** Graph's part when the tenant id is withheld: access is not granted (fail closed). */
export const WITHHELD_TENANT_OUTCOME: SourceOutcome = {
  source: GRAPH_SOURCE,
  sourceKind: "graph",
  ok: false,
  failure: {
    kind: "forbidden",
    message: `${ACCESS_NOT_GRANTED} (the account's customer tenant id is a secured column the user cannot read)`,
  },
};

export const withheldTenantSource: ExtraSource = {
  name: GRAPH_SOURCE,
  appliesTo: (config) => config.graphEnabled,
  read: () => Promise.resolve(WITHHELD_TENANT_OUTCOME),
};

/**
 * Where a query returned no tenant id, which may be none or withheld (the contact form's card): with
 * Graph on, ask once whether the user may read the column (`readable`, src/sources/columnAccess.ts,
 * started beside Dataverse). Readable: the account has none, Graph does not apply (`NOT_APPLICABLE`, as
 * on the account form). Otherwise, or when the ask fails: withheld, Graph's part fails closed.
 */
export function withheldUnlessReadableSource(readable: () => Promise<boolean>): ExtraSource {
  return {
    name: GRAPH_SOURCE,
    appliesTo: (config) => config.graphEnabled,
    read: () =>
      readable().then(
        (yes) => (yes ? NOT_APPLICABLE : WITHHELD_TENANT_OUTCOME),
        () => WITHHELD_TENANT_OUTCOME,
      ),
  };
}
