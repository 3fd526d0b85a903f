/** @jest-environment jsdom */
/**
 * The card follows its account's newest resolution: when another face of the window (the command
 * bar's re-check, its enable rule, a second card) resolves the same account anew, the card shows
 * that verdict without a request of its own and without going back to "Checking…".
 */
import * as React from "react";
import { act, render, screen } from "@testing-library/react";
import { PartnerGuard } from "../../PartnerGuard/index";
import { CardProps, CardState } from "../../PartnerGuard/components/Component.types";
import { createContext } from "../../playground/fakeContext";
import { Ribbon } from "../../webresource/index";
import { installXrm } from "../helpers/xrm";
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";
import { forgetSharedResolutions, sharedResolve } from "../../src/sources/sharedResolution";
import { resolveForForm } from "../../src/sources/formResolution";
import { Resolution } from "../../src/sources/resolver";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { DecisionCodes, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { WebApiHost } from "../../src/sources/webApi";
import { GRAPH_SOURCE } from "../../src/sources/graph/graphApi";
import { DATAVERSE_SOURCE } from "../../src/sources/dataverseSource";

/** Work that makes the card render (another face settling, time passing), as React wants it in tests. */
const settled = (work: Promise<unknown> | number) =>
  act(async () => {
    await (typeof work === "number" ? new Promise((r) => setTimeout(r, work)) : work);
  });

beforeEach(() => {
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
});

const BLOCKED = /^Partner of record: Harbor Computer Services — .* Direct outreach is disabled\.$/;
const BY_EXCEPTION = /^Outreach allowed by an approved exception until /;
const blocked = () => screen.findByText(BLOCKED);
const allowedByException = () => screen.findByText(BY_EXCEPTION);

/** The real control, re-rendered whenever it asks to be (as the platform does); records every state it shows. */
function Host({
  control,
  context,
  shown,
}: {
  control: PartnerGuard;
  context: ComponentFramework.Context<unknown>;
  shown: CardState["kind"][];
}) {
  const [, setTick] = React.useState(0);
  (context.factory as unknown as { requestRender: () => void }).requestRender = () => setTick((n) => n + 1);
  const view = control.updateView(context as never);
  shown.push((view.props as CardProps).state.kind);
  return view;
}

/**
 * The card on `accountId`, acting as the seller; every request it makes itself is counted in
 * `calls`, and waits for `gate` (if given) before it reaches the emulator.
 */
function mountCard(
  emulator: DataverseEmulator,
  accountId: string,
  options: Pick<Parameters<typeof createContext>[0], "tenantId" | "security"> = {},
  gate?: Promise<unknown>,
) {
  const seller = emulator.as(PERSONAS.seller);
  const calls: string[] = [];
  const counted = new Proxy(seller, {
    get: (target, name: string) => {
      const method = (target as unknown as Record<string, unknown>)[name];
      return typeof method !== "function"
        ? method
        : async (...args: unknown[]) => {
            calls.push(`${name} ${String(args[0])}`);
            await gate;
            return (method as (...a: unknown[]) => unknown)(...args);
          };
    },
  }) as WebApiHost;
  const context = createContext({
    accountId,
    accountName: "Contoso Pharmaceuticals",
    languageId: 1033,
    strings: resxStrings(1033),
    width: 500,
    webApi: counted,
    requestRender: () => undefined,
    ...options,
  });
  const control = new PartnerGuard();
  control.init(context as never);
  const shown: CardState["kind"][] = [];
  const view = render(<Host control={control} context={context} shown={shown} />);
  return { calls, shown, control, unmount: view.unmount };
}

/** The seller's exception request for Contoso, and an approver's approval of it for 14 days (roles enforced). */
async function approveException(emulator: DataverseEmulator) {
  const requestId = "f0000000-0000-4000-8000-0000000000c1";
  emulator.insert(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.id]: requestId,
    [OutreachExceptionTable.account]: { $lookup: "account", id: DEMO.contoso },
    [OutreachExceptionTable.requestedFor]: DEMO.contoso,
    [OutreachExceptionTable.requestedDays]: 14,
    createdby: { $lookup: "systemuser", id: PERSONAS.seller.id },
    createdon: new Date(Date.now() - 86_400_000).toISOString(),
  });
  await emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
    [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${requestId})`,
    [OutreachDecision.decision]: DecisionCodes.approved,
    [OutreachDecision.days]: 14,
  });
}

/** Contoso resolved as the command bar would, in another window (its own registry, nothing shared with the card). */
function resolvedElsewhere(emulator: DataverseEmulator): Promise<Resolution> {
  return resolveForForm(
    { webApi: emulator.as(PERSONAS.seller), userId: PERSONAS.seller.id, scope: {} },
    DEMO.contoso,
    undefined,
    true,
  );
}

/** A resolution of Contoso that another face of this window settles now (fresh, so it is the newest). */
function settleShared(resolution: Resolution, key: { tenantId?: string; sources?: string[] } = {}) {
  return sharedResolve(
    { accountId: DEMO.contoso, tenantId: key.tenantId, sources: key.sources ?? [DATAVERSE_SOURCE] },
    () => Promise.resolve(resolution),
    { fresh: true },
  );
}

describe("the card follows its account's newest resolution", () => {
  test("the command's fresh re-check finds an approved exception: the card shows it, with no request of its own", async () => {
    const emulator = demoEmulator();
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    const card = mountCard(emulator, DEMO.contoso);
    await blocked();
    const firstLoad = [...card.calls];
    expect(firstLoad.length).toBeGreaterThan(0);
    const logged = emulator.requests.length;

    await approveException(emulator);
    await settled(Ribbon.startOutreach(form)); // the command bar's fresh re-check, shared through the window's registry

    expect(await allowedByException()).toBeTruthy();
    expect(screen.queryByText(BLOCKED)).toBeNull();
    // The card asked nothing more: the log since its first load is the approver's decision and the
    // command's own work (configuration, the four Dataverse queries, the audit entry).
    expect(card.calls).toEqual(firstLoad);
    const since = emulator.requests.slice(logged);
    expect(since.filter((r) => r.entity === "account")).toHaveLength(1);
    expect(
      since
        .filter((r) => r.userId === PERSONAS.seller.id)
        .map((r) => `${r.operation} ${r.entity}`)
        .sort(),
    ).toEqual([
      "createRecord pg_outreachaudit", // the audit entry of the outreach
      expect.stringMatching(/ account$/),
      expect.stringMatching(/ environmentvariabledefinition$/),
      expect.stringMatching(/ pg_outreachdecision$/),
      expect.stringMatching(/ pg_outreachexception$/),
      expect.stringMatching(/ task$/), // the account's latest engagement task
    ]);
    // No flicker: once it had a verdict, the card never went back to "Checking…".
    expect(card.shown.slice(card.shown.indexOf("ready"))).not.toContain("loading");
  });

  test("a resolution of another account does not change the card (the same account's still does)", async () => {
    const emulator = demoEmulator();
    const card = mountCard(emulator, DEMO.contoso);
    await blocked();
    const woodgrove = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove, { name: "Woodgrove Foods" });
    await settled(Ribbon.startOutreach(woodgrove.form));
    expect(woodgrove.recorded.forms).toHaveLength(1); // Woodgrove was allowed: its outreach opened
    await settled(20);
    expect(screen.getByText(BLOCKED)).toBeTruthy();
    expect(screen.queryByText("No partner of record. Outreach is allowed.")).toBeNull();

    await approveException(emulator);
    const contoso = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    await settled(Ribbon.startOutreach(contoso.form));
    expect(await allowedByException()).toBeTruthy();
    expect(card.calls.filter((c) => c.endsWith(" account"))).toHaveLength(1);
  });

  test("an older resolution that settles after a newer one does not replace it", async () => {
    const emulator = demoEmulator();
    const card = mountCard(emulator, DEMO.contoso);
    await blocked();
    const before = await resolvedElsewhere(emulator);
    await approveException(emulator);
    const after = await resolvedElsewhere(emulator);
    expect([before.verdict.outreach, after.verdict.outreach]).toEqual(["blocked", "allowed"]);

    let settleOlder: (r: Resolution) => void = () => undefined;
    const older = sharedResolve(
      { accountId: DEMO.contoso, sources: [DATAVERSE_SOURCE] },
      () => new Promise<Resolution>((resolve) => (settleOlder = resolve)),
      { fresh: true },
    );
    await settled(settleShared(after)); // started later, settles first
    expect(await allowedByException()).toBeTruthy();
    settleOlder(before);
    await settled(older);
    await settled(20);
    expect(screen.getByText(BY_EXCEPTION)).toBeTruthy();
    expect(screen.queryByText(BLOCKED)).toBeNull();
    expect(card.calls.filter((c) => c.endsWith(" account"))).toHaveLength(1);
  });

  test("a newer resolution that settles while the card's own (older) one runs wins when that comes back", async () => {
    const other = demoEmulator();
    await approveException(other);
    const after = await resolvedElsewhere(other); // allowed by exception; the card's emulator still blocks
    let open: () => void = () => undefined;
    const card = mountCard(demoEmulator(), DEMO.contoso, {}, new Promise<void>((r) => (open = r)));
    expect(screen.getAllByText("Checking partner of record…").length).toBeGreaterThan(0);
    // Another face resolves the account after the card started, and settles first: the card waits for its own.
    await settled(settleShared(after));
    expect(screen.queryByText(BY_EXCEPTION)).toBeNull();
    open();
    expect(await allowedByException()).toBeTruthy();
    await settled(20);
    expect(screen.getByText(BY_EXCEPTION)).toBeTruthy(); // the card's own, older answer (blocked) came back and lost
    expect(screen.queryByText(BLOCKED)).toBeNull();
    expect(card.shown).toEqual(["loading", "ready"]);
  });

  test("only a resolution that answers the card's question: same tenant id, and no source it asks left unasked", async () => {
    const emulator = demoEmulator();
    const tenantId = "0b6f2c3e-1111-4222-8333-444444444444";
    mountCard(emulator, DEMO.contoso, { tenantId });
    await blocked();
    const other = demoEmulator();
    await approveException(other);
    const after = await resolvedElsewhere(other);
    // The command bar's Dataverse-only check of an account where Graph applies: Graph's part is missing.
    await settled(settleShared({ ...after, tenantId, unaskedSources: [GRAPH_SOURCE] }, { tenantId }));
    // Another customer tenant id is another question.
    await settled(settleShared({ ...after, tenantId: "another" }, { tenantId: "another" }));
    await settled(20);
    expect(screen.getByText(BLOCKED)).toBeTruthy();
    // Graph did not apply there (it is off): the same answer the card would have had.
    await settled(settleShared({ ...after, tenantId }, { tenantId }));
    expect(await allowedByException()).toBeTruthy();
  });

  test("a card that may not read the tenant id follows only resolutions that asked Graph too", async () => {
    const emulator = demoEmulator();
    mountCard(emulator, DEMO.contoso, {
      tenantId: "0b6f2c3e-1111-4222-8333-444444444444",
      security: { customerTenantId: { editable: false, readable: false, secured: true } },
    });
    await blocked();
    const other = demoEmulator();
    await approveException(other);
    const after = await resolvedElsewhere(other);
    // A face that sees no tenant id and did not ask Graph took the account for one without a tenant.
    await settled(settleShared(after));
    await settled(20);
    expect(screen.getByText(BLOCKED)).toBeTruthy();
    await settled(settleShared(after, { sources: [DATAVERSE_SOURCE, GRAPH_SOURCE] }));
    expect(await allowedByException()).toBeTruthy();
  });

  test("after destroy the card follows nothing", async () => {
    const emulator = demoEmulator();
    const card = mountCard(emulator, DEMO.contoso);
    await blocked();
    const shownBefore = card.shown.length;
    card.control.destroy();
    const other = demoEmulator();
    await approveException(other);
    await settled(settleShared(await resolvedElsewhere(other)));
    await settled(20);
    expect(card.shown).toHaveLength(shownBefore);
    expect(screen.getByText(BLOCKED)).toBeTruthy();
  });
});
