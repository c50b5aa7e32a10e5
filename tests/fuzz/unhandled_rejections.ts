/**
 * Records unhandled promise rejections while a fuzz test runs, instead of
 * letting the first one end the process, so the test can fail with all of
 * them listed.
 *
 * @module
 */

/** Runs `body` and returns the reasons of every rejection nobody handled. */
export async function unhandledRejectionsOf(
  body: () => Promise<void>,
): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const record = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    reasons.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", record);
  let failure: { error: unknown } | undefined;
  try {
    await body();
  } catch (error) {
    failure = { error };
  }
  // Rejections are reported after the microtask queue drains, also when
  // the body failed: keep listening until then.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  globalThis.removeEventListener("unhandledrejection", record);
  if (failure !== undefined) {
    throw failure.error instanceof Error
      ? new Error(
        `${failure.error.message} (unhandled rejections meanwhile: ${
          reasons.map(String).join("; ") || "none"
        })`,
        { cause: failure.error },
      )
      : failure.error;
  }
  return reasons;
}
