/**
 * The real PartnerGuard control, initialised as the form would (createContext from the playground,
 * the English .resx strings, a 400 px wide account form), over `webApi`; the caller renders it.
 */
import { PartnerGuard } from "../../PartnerGuard/index";
import { createContext } from "../../playground/fakeContext";
import { WebApiHost } from "../../src/sources/webApi";
import { resxStrings } from "./strings";

export function initControl(webApi: WebApiHost, accountId: string | undefined) {
  const requestRender = jest.fn();
  const context = createContext({
    accountId,
    accountName: "x",
    languageId: 1033,
    strings: resxStrings(1033),
    width: 400,
    webApi,
    requestRender,
  });
  const control = new PartnerGuard();
  control.init(context as never);
  return { control, context, requestRender };
}
