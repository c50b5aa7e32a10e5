/**
 * Polls `probe` every `intervalMs` (with `setTimeout`, cleared on every path) until it returns
 * something other than undefined, null or false, and resolves with that. Rejects after
 * `timeoutMs` of wall-clock time, naming `description`, or as soon as `probe` throws.
 */
export function waitFor<T>(
  probe: () => T | undefined | null | false,
  timeoutMs = 2000,
  description = "the condition",
  intervalMs = 5,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      let value: T | undefined | null | false;
      try {
        value = probe();
      } catch (error) {
        reject(error);
        return;
      }
      if (value !== undefined && value !== null && value !== false) {
        resolve(value);
      } else if (performance.now() >= deadline) {
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${description}`,
          ),
        );
      } else {
        setTimeout(check, intervalMs);
      }
    };
    check();
  });
}
