import { CastError } from './types.js';

/** Rejects with E_DEVICE_TIMEOUT when `work` has not settled within `ms`; `onTimeout` cleans up. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new CastError('E_DEVICE_TIMEOUT', `${what} did not answer within ${ms} ms; check the device is on and on this network`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
