/**
 * The playground runs on a demo clock so that its scenarios ("expiring soon", "only expired
 * history") stay true whatever the real date: Date.now starts at the demo date and ticks on.
 * `?now=real` uses the real clock, `?now=2027-01-01` another date.
 */
export const DEMO_DATE = "2026-11-24T12:00:00Z";

let advanced = 0;

export function installDemoClock(param: string | null): number {
  const realNow = Date.now.bind(Date);
  const start = realNow();
  const base = param === "real" ? start : Date.parse(param ?? DEMO_DATE);
  const demoBase = Number.isNaN(base) ? Date.parse(DEMO_DATE) : base;
  Date.now = () => demoBase + advanced + (realNow() - start);
  return demoBase;
}

/** Time passes at once (the browser tests' way to leave a freshness bound behind without sleeping). */
export function advanceDemoClock(ms: number): void {
  advanced += ms;
}
