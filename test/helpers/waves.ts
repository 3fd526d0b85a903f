/**
 * A host that holds every read until the test lets the whole wave answer at once: one release is
 * one round trip (requests issued together all start before the wave goes). Writes pass through.
 */
import { WebApiHost } from "../../src/sources/webApi";

export function waves(inner: WebApiHost) {
  const held: (() => void)[] = [];
  const entities: string[] = [];
  const host: WebApiHost = {
    ...inner,
    retrieveMultipleRecords: (entity, options, maxPageSize) =>
      new Promise((resolve, reject) => {
        entities.push(entity);
        held.push(() => void inner.retrieveMultipleRecords(entity, options, maxPageSize).then(resolve, reject));
      }),
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  async function run<T>(
    work: (host: WebApiHost) => Promise<T>,
  ): Promise<{ result: T; trips: number; entities: string[] }> {
    entities.length = 0;
    let settled: { result: T } | undefined;
    const done = work(host).then((result) => void (settled = { result }));
    let trips = 0;
    for (let idle = 0; !settled && idle < 50;) {
      await tick();
      await tick(); // requests issued together all start before the wave goes
      if (!held.length) {
        idle++;
        continue;
      }
      trips++;
      for (const go of held.splice(0)) go();
    }
    await done;
    return { result: (settled as { result: T }).result, trips, entities: [...entities] };
  }
  return { run };
}
