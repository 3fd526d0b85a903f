/**
 * What `vet` and `check` cannot see, said on every run rather than left for a reader to guess:
 * the card may ask Microsoft Graph live and reads exception approvals; the command line reads
 * Dataverse (or, offline, a feed file, which carries neither).
 */
export function unseenEvidence(feed: string | undefined): string[] {
  if (feed) {
    return [
      `Microsoft Graph (GDAP relationships, CSP contracts) is not read offline: only the rows of ${feed} count, so a partner known only to Graph does not block here.`,
      'Outreach exceptions live in Dataverse, not in a feed: offline, no row is "allowed by exception".',
    ];
  }
  return [
    "Microsoft Graph is not asked live: its evidence counts once imported into Dataverse with `partnerguard sync --graph`.",
  ];
}
