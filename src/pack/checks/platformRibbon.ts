/**
 * What the account RibbonDiffXml may reference without defining or shipping it: Microsoft's own rules
 * and libraries behind the out-of-box commands PartnerGuard redefines (Send direct email, Add to
 * marketing list, Quick campaign). Each comes from the real RetrieveEntityRibbon(account) output quoted
 * in docs/research/oob-commands.md; a redefinition references them by id and never redefines them
 * (define-custom-actions-modify-ribbon.md does the same with Mscrm.HideOnModern). Anything else that is
 * neither in the package nor in these lists is an error, as before.
 */

/** Out-of-box rule ids (EnableRule or DisplayRule) referenced by the gated commands. */
export const PLATFORM_RIBBON_RULES: ReadonlySet<string> = new Set([
  "Mscrm.AddPrimaryToMarketingList",
  "Mscrm.AddSelectedToMarketingList",
  "Mscrm.FormStateExistingOrReadOnly",
  "Mscrm.HideOnModern",
  "Mscrm.IsBulkEmailInUciEnabled",
  "Mscrm.NotAListForm",
  "Mscrm.NotOffline",
  "Mscrm.QuickCampaignAllowed",
  "Mscrm.SelectedEntityIsListedForSendDirectEmailOrEmailable",
  "Mscrm.SelectionCountAtLeastOne",
  "Mscrm.SelectionCountAtLeastZero",
  "Mscrm.ShowOnlyOnModern",
  "Mscrm.VisualizationPaneNotMaximized",
  "Mscrm.WriteActivityPermission",
]);

/**
 * Libraries of the gated commands' actions, as the export writes them: two system web resources
 * (`$webresource:` + name) and one static platform script. Their functions cannot be checked here.
 */
export const PLATFORM_RIBBON_LIBRARIES: ReadonlySet<string> = new Set([
  "$webresource:Activities/SystemLibraries/InsertEmailTemplate.js",
  "$webresource:Marketing/CommandActions/Marketing_CommandActions.js",
  "/_static/_common/scripts/RibbonActions.js",
]);
