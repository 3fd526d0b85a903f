/**
 * Business units, as privilege depths see them (developer/data-platform/security-concepts): Basic
 * covers the rows the caller owns, Local the rows owned in the caller's business unit, Deep those
 * and the rows of its child units, Global every unit. Every org has one root unit; the emulator
 * puts users there unless a persona names another unit.
 *
 * A row's unit is its `owningbusinessunit` when a test set one, else its owner's unit (the
 * platform sets the column from the owner on create and on assign). A row without an owner (test
 * data the system inserted) is the root unit's. Teams own nothing here: they are not emulated.
 */
import { ServerColumns } from "../schema";
import type { CellValue, Record_ } from "./emulatorTypes";
import { EmulatorError } from "./emulatorError";

/** The root business unit every org has (the emulator's id for it). */
export const ROOT_BUSINESS_UNIT = "00000000-0000-4000-a000-0000000000b0";

const idOf = (value: CellValue): string | undefined =>
  typeof value === "object" && value !== null ? value.id.toLowerCase() : undefined;

export class BusinessUnits {
  /** Unit -> its parent (the root has none). */
  private readonly parents = new Map<string, string | undefined>([[ROOT_BUSINESS_UNIT, undefined]]);
  private readonly users = new Map<string, string>();

  /** Add a unit under a parent (the root when none is given); the parent must exist. */
  define(id: string, parentUnit: string = ROOT_BUSINESS_UNIT): void {
    const unit = id.toLowerCase();
    const above = parentUnit.toLowerCase();
    if (!this.parents.has(above)) throw new EmulatorError(404, `businessunit With Id = ${above} Does Not Exist`);
    if (unit === above || this.within(above, unit))
      throw new EmulatorError(400, `emulator: business unit ${unit} cannot be its own ancestor`);
    this.parents.set(unit, above);
  }

  /** Put a user in a unit (defined on the fly under the root when it is new). */
  assign(userId: string, unit: string): void {
    const id = unit.toLowerCase();
    if (!this.parents.has(id)) this.define(id);
    this.users.set(userId.toLowerCase(), id);
  }

  ofUser(userId: string): string {
    return this.users.get(userId.toLowerCase()) ?? ROOT_BUSINESS_UNIT;
  }

  ofRow(row: Record_): string {
    const owning = idOf(row[ServerColumns.owningBusinessUnit]);
    if (owning) return owning;
    const owner = idOf(row[ServerColumns.owner]);
    return owner ? this.ofUser(owner) : ROOT_BUSINESS_UNIT;
  }

  /** Whether `unit` is `ancestor` or below it. */
  within(unit: string, ancestor: string): boolean {
    const seen = new Set<string>();
    for (let at: string | undefined = unit; at !== undefined && !seen.has(at); at = this.parents.get(at)) {
      if (at === ancestor) return true;
      seen.add(at);
    }
    return false;
  }
}
