/**
 * The playground runs on a demo clock so that its scenarios ("expiring soon", "only expired
 * history") stay true whatever the real date: Date.now starts at the demo date and ticks on.
 * `?now=real` uses the real clock, `?now=2027-01-01` another date.
 */
export const DEMO_DATE = "2026-11-24T12:00:00Z";

export function installDemoClock(param: string | null): number {
  if (param === "real") return Date.now();
  const base = Date.parse(param ?? DEMO_DATE);
  const start = Date.now();
  const realNow = Date.now.bind(Date);
  const demoBase = Number.isNaN(base) ? Date.parse(DEMO_DATE) : base;
  Date.now = () => demoBase + (realNow() - start);
  return demoBase;
}
