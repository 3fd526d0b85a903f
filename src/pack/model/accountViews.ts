/**
 * Three system views of account (issue 24) built on the stored verdict (model/account.ts): the
 * lists sellers work from. They sit beside Microsoft's account views (new ids, never a replacement)
 * and are public system views, so every app that does not restrict the account views shows them.
 *
 * The stored verdict is as of the last `partnerguard sync --verdicts`; a protection can end between
 * two runs. So the views compare "protected until" with today in their filters, with FetchXML's
 * relative date operators (powerapps-docs `developer/data-platform/fetchxml/reference/operators.md`,
 * 03/08/2024: `today` "The value equals today's date.", `yesterday`, `next-x-years` "The value is
 * within the next specified number of years.", `olderthan-x-days` "The value is older than the
 * specified number of days."), which the service evaluates when the view runs: an ended protection
 * moves the account from "with a partner of record" to "clear for outreach" that day, sync or not.
 *
 * Where exactly those operators draw their line inside a day (now, or midnight) is not documented.
 * The filters use them only where either reading gives the same rows for a date-only column (whose
 * value is a day at 00:00, platform-facts F): "still protected" is `today` or `next-x-years`
 * (tomorrow onwards either way, today by `today`), "ended" is `yesterday` or `olderthan-x-days 1`
 * (the day before yesterday and earlier either way, yesterday by `yesterday`). Today is the calling
 * user's today (their time zone setting): for a few hours around midnight two users in different
 * time zones can see an account on different sides (docs/admin.md, "Views").
 */
import { Account, StoredOutreachCodes, StoredVerdict } from "../../schema";
import { ACCOUNT_COLUMNS } from "./account";
import { QueryType, View, ViewFilter } from "./types";

const V = StoredVerdict;
const S = StoredOutreachCodes;

/**
 * What the views know of account: the columns we add, and the standard ones they name (the
 * primary key and the system columns are known anyway).
 */
export const ACCOUNT_VIEW_TABLE = {
  logicalName: Account.logicalName,
  primaryId: Account.id,
  primaryName: Account.name,
  columns: [{ logicalName: Account.name }, ...ACCOUNT_COLUMNS],
} as const;

/** The grid of all three: the account, the stored verdict (the badge renders the status), its age. */
const COLUMNS = [
  Account.name,
  V.outreach,
  V.partnerName,
  V.partner,
  V.relationshipType,
  V.protectedUntil,
  V.computedOn,
];

const active = [{ attribute: "statecode", operator: "eq", value: 0 } as const];

/** The protection runs today or later (see above: the same rows whichever way the platform reads a day). */
const STILL_PROTECTED: ViewFilter = {
  type: "or",
  conditions: [
    // No end recorded: protected until someone ends it.
    { attribute: V.protectedUntil, operator: "null" },
    { attribute: V.protectedUntil, operator: "today" },
    { attribute: V.protectedUntil, operator: "next-x-years", value: 100 },
  ],
};

/** The protection's last day is yesterday or earlier. */
const PROTECTION_ENDED: ViewFilter = {
  type: "or",
  conditions: [
    { attribute: V.protectedUntil, operator: "yesterday" },
    { attribute: V.protectedUntil, operator: "olderthan-x-days", value: 1 },
  ],
};

export const ACCOUNT_VIEWS: View[] = [
  {
    // Clear: allowed, allowed by an exception, or blocked by a protection that has ended since the
    // sync. Never "could not be verified" (fail closed), never an account the sync has not judged.
    key: "clear-for-outreach",
    name: { 1033: "Accounts clear for outreach", 1031: "Firmen, die angesprochen werden dürfen" },
    queryType: QueryType.public,
    isDefault: false,
    columns: COLUMNS,
    conditions: active,
    filters: [
      {
        type: "or",
        conditions: [{ attribute: V.outreach, operator: "in", values: [S.allowed, S["allowed-by-exception"]] }],
        filters: [
          {
            type: "and",
            conditions: [{ attribute: V.outreach, operator: "eq", value: S.blocked }],
            filters: [PROTECTION_ENDED],
          },
        ],
      },
    ],
    order: [{ attribute: Account.name, descending: false }],
  },
  {
    // Protected by a partner today: blocked, or open only through an exception, while the
    // protection runs. Soonest end first: those are the next to become clear.
    key: "partner-of-record",
    name: { 1033: "Accounts with a partner of record", 1031: "Firmen mit zuständigem Partner" },
    queryType: QueryType.public,
    isDefault: false,
    columns: COLUMNS,
    conditions: [...active, { attribute: V.outreach, operator: "in", values: [S.blocked, S["allowed-by-exception"]] }],
    filters: [STILL_PROTECTED],
    order: [
      { attribute: V.protectedUntil, descending: false },
      { attribute: Account.name, descending: false },
    ],
  },
  {
    key: "not-verified",
    name: {
      1033: "Accounts PartnerGuard could not verify",
      1031: "Firmen, die PartnerGuard nicht prüfen konnte",
    },
    queryType: QueryType.public,
    isDefault: false,
    columns: COLUMNS,
    conditions: [...active, { attribute: V.outreach, operator: "eq", value: S.unverified }],
    order: [{ attribute: Account.name, descending: false }],
  },
];
