/**
 * A PCF context for the playground: the parts the control uses, backed by the Dataverse
 * emulator. It throws on anything the control is not expected to touch, so a new dependency on
 * the host shows up here first.
 */
import { WebApiHost } from "../src/sources/webApi";

export interface FakeContextOptions {
  accountId: string | undefined;
  accountName: string;
  tenantId?: string;
  languageId: number;
  strings: Map<string, string>;
  width: number;
  webApi: WebApiHost;
  requestRender: () => void;
  /** The host shows the control read-only: an inactive record, no write privilege, a field disabled on the form. */
  isControlDisabled?: boolean;
  /**
   * The form's record when it is not the account: on a contact form the card judges the contact's
   * account, which it reads itself (`accountId`, `accountName` and `tenantId` are then unused).
   */
  record?: { table: "contact"; id: string | undefined; name: string };
  /** Column (field) security per bound column, as the user's field security profile gives it. */
  security?: Partial<Record<BoundColumn, ComponentFramework.PropertyHelper.SecurityValues>>;
}

type BoundColumn = "statusColumn" | "customerTenantId";

const UNSECURED: ComponentFramework.PropertyHelper.SecurityValues = { editable: false, readable: true, secured: false };

function unimplemented(name: string): never {
  throw new Error(`playground context: ${name} is not implemented`);
}

export function createContext(o: FakeContextOptions): ComponentFramework.Context<unknown> {
  const property = (column: BoundColumn, value: string | undefined) => {
    const security = o.security?.[column] ?? UNSECURED;
    // A column the user may not read: the form withholds its value.
    const raw = security.readable ? value : undefined;
    return {
      raw: raw ?? null,
      formatted: raw ?? "",
      attributes: {},
      error: false,
      errorMessage: "",
      security,
      type: "SingleLine.Text",
    };
  };
  const context = {
    parameters: {
      statusColumn: property("statusColumn", undefined),
      // The contact form binds only the status column (the tenant id is the account's, not the contact's).
      ...(o.record ? {} : { customerTenantId: property("customerTenantId", o.tenantId) }),
    },
    mode: {
      allocatedWidth: o.width,
      allocatedHeight: -1,
      isControlDisabled: o.isControlDisabled ?? false,
      isVisible: true,
      label: "PartnerGuard",
      setControlState: () => true,
      setFullScreen: () => unimplemented("mode.setFullScreen"),
      trackContainerResize: () => undefined,
      contextInfo: o.record
        ? { entityId: o.record.id, entityTypeName: o.record.table, entityRecordName: o.record.name }
        : { entityId: o.accountId, entityTypeName: "account", entityRecordName: o.accountName },
    },
    factory: { requestRender: o.requestRender, getPopupService: () => unimplemented("factory.getPopupService") },
    resources: {
      getString: (key: string) => o.strings.get(key) ?? key,
      getResource: () => unimplemented("resources.getResource"),
    },
    userSettings: {
      languageId: o.languageId,
      userId: "{11111111-1111-4111-8111-111111111111}",
      userName: "Avery Seller",
      isRTL: false,
    },
    webAPI: {
      retrieveMultipleRecords: (entity: string, options?: string, maxPageSize?: number) =>
        o.webApi.retrieveMultipleRecords(entity, options, maxPageSize),
      createRecord: (entity: string, data: Record<string, unknown>) => o.webApi.createRecord(entity, data),
      retrieveRecord: () => unimplemented("webAPI.retrieveRecord"),
      updateRecord: (entity: string, id: string, data: Record<string, unknown>) =>
        o.webApi.updateRecord(entity, id, data),
      deleteRecord: () => unimplemented("webAPI.deleteRecord"),
    },
  };
  return context as unknown as ComponentFramework.Context<unknown>;
}

/** Parse a .resx file (as text) into key -> value. */
export function parseResx(xml: string): Map<string, string> {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const map = new Map<string, string>();
  doc.querySelectorAll("data").forEach((node) => {
    const name = node.getAttribute("name");
    const value = node.querySelector("value")?.textContent;
    if (name && value !== null && value !== undefined) map.set(name, value);
  });
  return map;
}
