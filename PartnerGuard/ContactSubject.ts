/**
 * On a contact form, which account the card judges: the contact's company when it is an account
 * (src/sources/contactAccount.ts, one request per contact shown). Reads once per contact id; Retry
 * reads again (the company may have changed and been saved since). Answers for an older contact or
 * after destroy are dropped.
 */
import { ContactAccount } from "../src/sources/contactAccount";
import { messageOf } from "../src/sources/failures";

export type ContactSubjectState =
  | { kind: "new-record" }
  | { kind: "reading" }
  | { kind: "read"; account: ContactAccount }
  | { kind: "failed"; message: string };

export class ContactSubject {
  private state: ContactSubjectState = { kind: "new-record" };
  private contactId: string | undefined;
  private generation = 0;
  private destroyed = false;

  constructor(
    private readonly read: (contactId: string) => Promise<ContactAccount>,
    private readonly onChange: () => void,
  ) {}

  get current(): ContactSubjectState {
    return this.state;
  }

  /** Called on every updateView: only a new contact id starts a read. */
  show(contactId: string | undefined): ContactSubjectState {
    if (contactId !== this.contactId) {
      this.contactId = contactId;
      if (contactId) this.load();
      else {
        this.generation++;
        this.state = { kind: "new-record" };
      }
    }
    return this.state;
  }

  /**
   * Read the contact again (Retry). A contact already read keeps its account meanwhile, so the
   * verdict's own fresh resolution goes on; a different account, once read, replaces it.
   */
  retry = (): void => {
    if (this.contactId) this.load(this.state.kind === "read");
  };

  destroy(): void {
    this.destroyed = true;
    this.generation++;
  }

  private load(keep = false): void {
    const generation = ++this.generation;
    if (!keep) this.state = { kind: "reading" };
    this.read(this.contactId as string).then(
      (account) => this.settle(generation, { kind: "read", account }),
      (error: unknown) => this.settle(generation, { kind: "failed", message: messageOf(error) }),
    );
  }

  private settle(generation: number, state: ContactSubjectState): void {
    if (this.destroyed || generation !== this.generation) return;
    this.state = state;
    this.onChange();
  }
}
