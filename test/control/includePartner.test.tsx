/** @jest-environment jsdom */
import * as React from "react";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { PartnerGuard } from "../../PartnerGuard/index";
import { createContext } from "../../playground/fakeContext";
import { DEMO, demoEmulator } from "../helpers/demo";
import { resxStrings } from "../helpers/strings";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import { EmulatorOptions } from "../../src/emulator/dataverseEmulator";
import {
  AppNotification,
  DecisionCodes,
  OutreachDecision,
  OutreachAudit,
  OutreachExceptionTable,
} from "../../src/schema";
import { PERSONAS } from "../../src/emulator/personas";
import { Persona, SALES_BASE_PRIVILEGES } from "../../src/emulator/security";

beforeEach(() => {
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
});

/** The real control, re-rendered whenever it asks to be (as the platform does). */
function Host({ control, context }: { control: PartnerGuard; context: ComponentFramework.Context<unknown> }) {
  const [, setTick] = React.useState(0);
  (context.factory as unknown as { requestRender: () => void }).requestRender = () => setTick((n) => n + 1);
  return control.updateView(context as never);
}

function mount(
  accountId: string,
  options: EmulatorOptions = {},
  persona: Persona = PERSONAS.seller,
  emulator = demoEmulator(options),
) {
  // The card acts as the signed-in seller, with the seller's roles enforced.
  const context = createContext({
    accountId,
    accountName: "Contoso Pharmaceuticals",
    languageId: 1033,
    strings: resxStrings(1033),
    width: 500,
    webApi: emulator.as(persona),
    requestRender: () => undefined,
  });
  const control = new PartnerGuard();
  control.init(context as never);
  render(<Host control={control} context={context} />);
  return emulator;
}

const blocked = () => screen.findByText(/Partner of record: Harbor Computer Services/);

// Each test walks dialogs with user-event against the emulator; on a loaded 2-core machine one takes
// up to half a minute, so the file allows a minute per test (a hang still fails).
jest.setTimeout(60_000);

describe("include the partner, from the card", () => {
  test("Engage partner: a dialog prefilled with the partner, a note, then 'Partner engaged on … by …'", async () => {
    const emulator = mount(DEMO.contoso);
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Engage partner" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByText("Engage Harbor Computer Services")).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("Note for the partner manager"), {
      target: { value: "Renewal in Q1; Harbor leads." },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Record engagement" }));
    expect(await screen.findByText(/^Partner engaged on .* by Avery Seller\.$/)).toBeTruthy();
    expect(emulator.table("task")).toHaveLength(1);
    expect(emulator.table(OutreachAudit.logicalName)[0][OutreachAudit.reasons]).toContain(
      "Renewal in Q1; Harbor leads.",
    );
    await blocked(); // still blocked: the partner is included, not bypassed
  });

  test("Request exception: too short is refused in the dialog; a valid one shows as pending and the button goes", async () => {
    const emulator = mount(DEMO.contoso);
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Request exception" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Justification/ }), { target: { value: "asap" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send request" }));
    expect(await within(dialog).findByText("The justification needs at least 20 characters.")).toBeTruthy();
    expect(await within(dialog).findByText("Choose a reason.")).toBeTruthy();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(0);

    fireEvent.change(within(dialog).getByRole("textbox", { name: /Justification/ }), {
      target: { value: "The customer's CIO asked for a direct call." },
    });
    fireEvent.click(within(dialog).getByRole("combobox", { name: /Reason/ }));
    fireEvent.click(await screen.findByRole("option", { name: "Customer asked for direct contact" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Send request" }));
    expect(
      await screen.findByText(/^An exception requested on .* by Avery Seller is waiting for an approver\.$/),
    ).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Request exception" })).toBeNull();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
  });

  /** Fill and send the request dialog. */
  async function sendRequest() {
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Request exception" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Justification/ }), {
      target: { value: "The customer's CIO asked for a direct call." },
    });
    fireEvent.click(within(dialog).getByRole("combobox", { name: /Reason/ }));
    fireEvent.click(await screen.findByRole("option", { name: "Customer asked for direct contact" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Send request" }));
    await screen.findByText(/^An exception requested on .* by Avery Seller is waiting for an approver\.$/);
  }

  test("a request notifies the approver, and the card says nothing more", async () => {
    const emulator = demoEmulator();
    emulator.as(PERSONAS.approver); // the org's approver
    mount(DEMO.contoso, {}, PERSONAS.seller, emulator);
    await sendRequest();
    expect(emulator.table(AppNotification.logicalName)).toHaveLength(1);
    expect(screen.queryByText(/could be notified|could not be notified/)).toBeNull();
  });

  test("a notification the server refuses: the request stands, and the card says which approver was not told", async () => {
    const emulator = demoEmulator({
      fault: (r) =>
        r.operation === "createRecord" && r.entity === AppNotification.logicalName
          ? { status: 503, message: "Service Unavailable" }
          : undefined,
    });
    emulator.as(PERSONAS.approver);
    mount(DEMO.contoso, {}, PERSONAS.seller, emulator);
    await sendRequest();
    expect(
      await screen.findByText(
        "Your request was saved, but not every approver could be notified (Jordan Approver). The request stands: tell an approver yourself.",
      ),
    ).toBeTruthy();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Request exception" })).toBeNull();
  });

  test("nobody holds the approver role: the request stands and the card says no approver could be notified", async () => {
    const emulator = mount(DEMO.contoso);
    await sendRequest();
    expect(await screen.findByText(/^Your request was saved, but no approver could be notified/)).toBeTruthy();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
  });

  test("a write failure is shown in the dialog and outreach stays disabled", async () => {
    mount(DEMO.contoso, {
      fault: (r) => (r.operation === "createRecord" ? { status: 503, message: "Service Unavailable" } : undefined),
    });
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Engage partner" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Record engagement" }));
    expect(
      await within(dialog).findByText(
        "Could not save (Service Unavailable). Nothing was recorded; outreach stays as it was.",
      ),
    ).toBeTruthy();
    await blocked();
  });

  test("a user without the PartnerGuard Seller role (an approver only) is refused by the server, and told so in words", async () => {
    const approverOnly = {
      id: "55555555-5555-4555-8555-555555555555",
      name: "Riley Approver",
      roles: ["approver" as const],
      base: SALES_BASE_PRIVILEGES,
    };
    const emulator = mount(DEMO.contoso, {}, approverOnly);
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Request exception" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.change(within(dialog).getByLabelText(/Justification/), {
      target: { value: "The customer's CIO asked us to call directly about the renewal." },
    });
    fireEvent.click(within(dialog).getByRole("combobox", { name: /Reason/ }));
    fireEvent.click(await screen.findByRole("option", { name: "Customer asked for direct contact" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Send request" }));
    expect(
      await within(dialog).findByText(
        /^Dataverse refused: your security roles do not allow this \(Principal user .* is missing prvCreatepg_OutreachException privilege/,
      ),
    ).toBeTruthy();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toEqual([]);
    await blocked();
  });

  test("History lists the account's last audit entries on request", async () => {
    const emulator = mount(DEMO.contoso);
    emulator.insert(OutreachAudit.logicalName, {
      [OutreachAudit.id]: "e0000000-0000-4000-8000-000000000001",
      [OutreachAudit.account]: { $lookup: "account", id: DEMO.contoso },
      [OutreachAudit.createdBy]: { $lookup: "systemuser", id: PERSONAS.seller.id },
      [OutreachAudit.createdOn]: "2026-11-20T09:00:00Z",
      [OutreachAudit.decision]: 100000000,
    });
    await blocked();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "History" }));
    });
    const list = await screen.findByRole("list", { name: "Recent PartnerGuard history" });
    expect(list).toHaveTextContent("20 Nov 2026 · Avery Seller · blocked");
  });

  test("the request saved but its audit entry refused: said exactly, the request shows as pending, no second request", async () => {
    const emulator = mount(DEMO.contoso, {
      fault: (r) =>
        r.operation === "createRecord" && r.entity === OutreachAudit.logicalName
          ? { status: 503, message: "Service Unavailable" }
          : undefined,
    });
    await blocked();
    fireEvent.click(screen.getByRole("button", { name: "Request exception" }));
    const dialog = await screen.findByRole("alertdialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Justification/ }), {
      target: { value: "The customer's CIO asked for a direct call." },
    });
    fireEvent.click(within(dialog).getByRole("combobox", { name: /Reason/ }));
    fireEvent.click(await screen.findByRole("option", { name: "Customer asked for direct contact" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Send request" }));
    expect(
      await within(dialog).findByText(
        "Your request was sent and waits for an approver, but its audit entry could not be written (Service Unavailable). Do not send it again; tell your administrator.",
      ),
    ).toBeTruthy();
    expect(emulator.table(OutreachExceptionTable.logicalName)).toHaveLength(1);
    expect(
      await screen.findByText(/^An exception requested on .* by Avery Seller is waiting for an approver\.$/),
    ).toBeTruthy();
  });

  test("a history that cannot be read says so (not 'could not save')", async () => {
    mount(DEMO.contoso, {
      // The history's read of the decisions (it names them): the verdict's own read of them answers.
      fault: (r) =>
        r.entity === OutreachDecision.logicalName && r.options?.includes(`<attribute name="${OutreachDecision.name}"/>`)
          ? { status: 503, message: "Service Unavailable" }
          : undefined,
    });
    await blocked();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "History" }));
    });
    expect(
      await screen.findByText(
        "The history could not be loaded (Service Unavailable). Nothing has changed; try again later.",
      ),
    ).toBeTruthy();
  });

  test("a request the approver rejected: the seller's card says by whom and when; the note is for approvers (field security)", async () => {
    const emulator = demoEmulator();
    const requestId = "f0000000-0000-4000-8000-0000000000b1";
    emulator.insert(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.id]: requestId,
      [OutreachExceptionTable.account]: { $lookup: "account", id: DEMO.contoso },
      [OutreachExceptionTable.requestedFor]: DEMO.contoso,
      [OutreachExceptionTable.requestedDays]: 14,
      createdby: { $lookup: "systemuser", id: PERSONAS.seller.id },
      createdon: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    // The approver decides in the app (roles enforced; createdby and createdon are the server's).
    await emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
      [`${OutreachDecision.exceptionNav}@odata.bind`]: `/${OutreachExceptionTable.entitySet}(${requestId})`,
      [OutreachDecision.decision]: DecisionCodes.rejected,
      [OutreachDecision.note]: "Harbor's renewal is open; <b>call Harbor</b> first.",
    });
    mount(DEMO.contoso, {}, PERSONAS.seller, emulator);
    await blocked();
    expect(
      await screen.findByText(/^Rejected by Jordan Approver on .*: the exception requested on .* for 14 days\.$/),
    ).toBeTruthy();
    // Free text written by others is readable by approvers and admins only (issue 23, item 8).
    expect(screen.queryByText("Harbor's renewal is open; <b>call Harbor</b> first.")).toBeNull();
    expect(screen.getByRole("button", { name: "Request exception" })).toBeTruthy();
    cleanup();
    forgetSharedResolutions();
    sessionStorage.clear();
    mount(DEMO.contoso, {}, PERSONAS.approver, emulator);
    await blocked();
    expect(await screen.findByText("Harbor's renewal is open; <b>call Harbor</b> first.")).toBeTruthy();
  });

  test("no actions where there is nothing to act on (no partner of record)", async () => {
    mount(DEMO.woodgrove);
    await screen.findByText("No partner of record. Outreach is allowed.");
    expect(screen.queryByRole("button", { name: "Engage partner" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Request exception" })).toBeNull();
    await waitFor(() => expect(screen.getByRole("button", { name: "History" })).toBeTruthy());
  });
});
