/** @jest-environment jsdom */
import { render, waitFor } from "@testing-library/react";
import { Ribbon, Form } from "../../webresource/index";
import { installXrm } from "../helpers/xrm";
import { initControl } from "../helpers/control";
import { DEMO, demoEmulator } from "../helpers/demo";
import { forgetSharedResolutions } from "../../src/sources/sharedResolution";
import * as ribbon from "../../webresource/ribbon";
import { CommandHost } from "../../webresource/host";
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { CONFIG_CACHE_PREFIX } from "../../src/sources/configSource";

beforeEach(() => {
  forgetSharedResolutions();
  sessionStorage.clear();
  localStorage.clear();
});

function mountControl(emulator: DataverseEmulator, accountId: string) {
  const { control, context, requestRender } = initControl(emulator, accountId);
  render(control.updateView(context as never));
  return { requestRender };
}

describe("one resolution per account per page load", () => {
  test("control, OnLoad and enable rule in one window: the command bar costs no extra request", async () => {
    const emulator = demoEmulator({ latencyMs: 30 });
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    const { requestRender } = mountControl(emulator, DEMO.contoso);
    Form.onLoad({ getFormContext: () => form });
    await expect(Ribbon.isOutreachEnabled(form as never)).resolves.toBe(false);
    await waitFor(() => expect(requestRender).toHaveBeenCalled());
    expect(emulator.requests.map((r) => r.entity).sort()).toEqual([
      "account",
      "environmentvariabledefinition",
      "pg_outreachdecision",
      "pg_outreachexception",
      "task",
    ]);
  });

  test("another frame of the same origin (session storage only): waits for the pending resolution instead of asking again", async () => {
    const emulator = demoEmulator({ latencyMs: 60 });
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.woodgrove);
    mountControl(emulator, DEMO.woodgrove); // starts the resolution in this "window"
    const otherFrame: CommandHost = {
      webApi: emulator,
      getString: (k) => k,
      languageId: 1033,
      userId: "",
      openForm: () => Promise.reject(new Error("not used")),
      alert: () => Promise.reject(new Error("not used")),
      confirm: () => Promise.reject(new Error("not used")),
      storage: sessionStorage,
      scope: {}, // a different window: no shared in-flight promise
    };
    await expect(ribbon.isOutreachEnabled(otherFrame, form as never)).resolves.toBe(true);
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(1);
    // and once settled, yet another frame reads it from session storage, still without a request
    await expect(ribbon.isOutreachEnabled({ ...otherFrame, scope: {} }, form as never)).resolves.toBe(true);
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(1);
  });

  test("the configuration is read once per ten minutes, also across sessions, not once per form load", async () => {
    const emulator = demoEmulator();
    const { form } = installXrm(emulator.as(PERSONAS.seller), DEMO.contoso);
    const nextPageLoad = () => {
      forgetSharedResolutions();
      sessionStorage.clear(); // a new session: only localStorage remains
    };
    const configReads = () => emulator.requests.filter((r) => r.entity === "environmentvariabledefinition").length;
    await Ribbon.isOutreachEnabled(form);
    nextPageLoad();
    await Ribbon.isOutreachEnabled(form);
    expect(configReads()).toBe(1);
    // Eleven minutes later the entry is only a hint: the configuration is read again.
    const [key] = Object.keys(localStorage).filter((k) => k.startsWith(CONFIG_CACHE_PREFIX));
    const entry = JSON.parse(localStorage.getItem(key) ?? "{}");
    localStorage.setItem(key, JSON.stringify({ ...entry, at: entry.at - 11 * 60_000 }));
    nextPageLoad();
    await Ribbon.isOutreachEnabled(form);
    expect(configReads()).toBe(2);
    expect(emulator.requests.filter((r) => r.entity === "account")).toHaveLength(3);
  });
});
