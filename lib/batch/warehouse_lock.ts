/**
 * One batch at a time per warehouse: a batch holds an exclusive lock (`flock`) on the
 * warehouse folder itself from before it lists the lake until its tables are renamed into
 * place (or it gives up). A second batch on the same warehouse waits for the lock, so the
 * two never rename their tables in turn (pin of one run beside geo of the other), and the
 * second reads the lake after the first's tables are in place. The kernel drops the lock
 * when its holder's process ends, so a killed batch never leaves it behind; no lock file is
 * made.
 *
 * @module
 */
import { sleep } from "../sleep.ts";

/** How often a waiting batch tries the lock again, in ms. */
const RETRY_MS = 50;

/**
 * Options of {@linkcode lockWarehouse}.
 *
 * @example
 * ```ts
 * import { lockWarehouse, type LockWarehouseOptions } from "./warehouse_lock.ts";
 * const options: LockWarehouseOptions = { onWait: () => console.log("waiting") };
 * using _lock = await lockWarehouse(await Deno.makeTempDir(), options);
 * ```
 */
export interface LockWarehouseOptions {
  /** Called once, when another holder makes this call wait. */
  onWait?: () => void;
}

/**
 * Takes the exclusive lock of the warehouse folder `dir` (which must exist), waiting as
 * long as another handle, in this process or another, holds it. Close the returned handle
 * to release the lock.
 *
 * @example
 * ```ts
 * import { lockWarehouse } from "./warehouse_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await lockWarehouse(dir);
 * const next = lockWarehouse(dir, { onWait: () => console.log("another batch runs") });
 * lock.close(); // `next` now resolves
 * (await next).close();
 * ```
 */
export async function lockWarehouse(
  dir: string,
  options: LockWarehouseOptions = {},
): Promise<Deno.FsFile> {
  const handle = await Deno.open(dir, { read: true });
  try {
    if (await handle.tryLock(true)) return handle;
    options.onWait?.();
    while (!(await handle.tryLock(true))) await sleep(RETRY_MS);
    return handle;
  } catch (e) {
    handle.close();
    throw e;
  }
}
