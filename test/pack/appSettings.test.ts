/**
 * The PartnerGuard app ships with in-app notifications switched on: an app setting in its
 * AppModule, in the documented shape, which the schema check accepts only in that shape.
 */
import { elements } from "../../src/pack/xmlScan";
import { NEWER_THAN_SCHEMA, defaultSchemasDir, validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { InAppNotificationsSetting, ModelDrivenApp } from "../../src/schema";
import { Fixture, assembledFixture } from "./fixture";
import path from "node:path";

let xml: string;
let fx: Fixture;
beforeAll(async () => {
  ({ fx, customizations: xml } = await assembledFixture(true));
});
afterAll(() => fx.cleanup());

const appModule = () => {
  const apps = elements(xml, "AppModule");
  expect(apps).toHaveLength(1);
  return apps[0].inner;
};

describe("the app's in-app notifications setting", () => {
  test("the PartnerGuard app carries AllowNotificationsEarlyAccess = true, after its descriptions", () => {
    const app = appModule();
    expect(elements(app, "UniqueName")[0].inner).toBe(ModelDrivenApp.uniqueName);
    const [setting] = elements(elements(app, "appsettings")[0].inner, "appsetting");
    expect(setting.attrs.uniquename).toBe(InAppNotificationsSetting.uniqueName);
    // `<prefix>_<appname>_<settingname>`, as the docs ask of an app setting's unique name.
    expect(setting.attrs.uniquename).toBe(`${ModelDrivenApp.uniqueName}_${InAppNotificationsSetting.definition}`);
    expect(elements(elements(setting.inner, "settingdefinitionid")[0].inner, "uniquename")[0].inner).toBe(
      "AllowNotificationsEarlyAccess",
    );
    expect(elements(setting.inner, "value")[0].inner).toBe("true");
    expect(app.indexOf("<appsettings>")).toBeGreaterThan(app.indexOf("</Descriptions>"));
  });

  test("the packed customizations.xml still validates against the schemas", async () => {
    const problems = await validateCustomizations(xml, defaultSchemasDir(path.resolve(__dirname, "../..")));
    expect(problems).toEqual([]);
  });

  test("the schema check lets only the documented shape through (a misspelt element still fails)", async () => {
    const dir = defaultSchemasDir(path.resolve(__dirname, "../.."));
    const misspelt = xml
      .replace("<settingdefinitionid>", "<settingdefinition>")
      .replace("</settingdefinitionid>", "</settingdefinition>");
    expect((await validateCustomizations(misspelt, dir)).length).toBeGreaterThan(0);
    const strip = NEWER_THAN_SCHEMA.find((c) => c.construct.includes("appsettings"))!.strip;
    // Stripping keeps every line where it was, so problems point at the real line.
    expect(strip(xml).split("\n")).toHaveLength(xml.split("\n").length);
  });
});
