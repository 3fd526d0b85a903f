/** @jest-environment jsdom */
import { render, screen, waitFor } from "@testing-library/react";
import { DEMO, demoEmulator } from "../helpers/demo";
import { initControl } from "../helpers/control";
import { forgetSharedResolutions, sharedResolve } from "../../src/sources/sharedResolution";

function setup(accountId: string | undefined, latencyMs = 0) {
  const emulator = demoEmulator({ latencyMs });
  return { ...initControl(emulator, accountId), emulator };
}

beforeEach(() => {
  // Each test is a new page load: nothing shared, nothing in session storage.
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
});

describe("PartnerGuard lifecycle", () => {
  test("init + updateView render the card; the verdict arrives through requestRender", async () => {
    const { control, context, emulator, requestRender } = setup(DEMO.contoso);
    const { rerender } = render(control.updateView(context as never));
    expect(screen.getAllByText("Checking partner of record…").length).toBeGreaterThan(0);
    await waitFor(() => expect(requestRender).toHaveBeenCalledTimes(1));
    rerender(control.updateView(context as never));
    expect(await screen.findByText(/Partner of record: Harbor Computer Services/)).toBeTruthy();
    expect(emulator.requests).toHaveLength(5); // configuration + the Dataverse source's four queries
  });

  test("further updateView calls for the same account cost no request", async () => {
    const { control, context, emulator, requestRender } = setup(DEMO.contoso);
    control.updateView(context as never);
    await waitFor(() => expect(requestRender).toHaveBeenCalled());
    for (let i = 0; i < 5; i++) control.updateView(context as never);
    expect(emulator.requests).toHaveLength(5);
  });

  test("a new, unsaved form makes no request", () => {
    const { control, context, emulator } = setup(undefined);
    render(control.updateView(context as never));
    expect(emulator.requests).toHaveLength(0);
  });

  test("after destroy, an answer that still arrives (the command bar waits for it too) does not render", async () => {
    jest.useFakeTimers();
    try {
      const { control, context, emulator, requestRender } = setup(DEMO.contoso, 50);
      control.updateView(context as never);
      // The command-bar script joins the form's resolution, so destroying the card does not stop it.
      const commandBar = sharedResolve({ accountId: DEMO.contoso, sources: ["Dataverse"] }, () =>
        Promise.reject(new Error("the command bar should join the card's resolution, not start another")),
      );
      control.destroy();
      await jest.advanceTimersByTimeAsync(200);
      expect((await commandBar).verdict.outreach).toBe("blocked");
      expect(emulator.requests).toHaveLength(5);
      expect(requestRender).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  test("getOutputs never writes the bound column", () => {
    const { control } = setup(DEMO.contoso);
    expect(control.getOutputs()).toEqual({});
  });

  test("index.ts exports exactly the control class", async () => {
    const mod = await import("../../PartnerGuard/index");
    expect(Object.keys(mod)).toEqual(["PartnerGuard"]);
  });
});
