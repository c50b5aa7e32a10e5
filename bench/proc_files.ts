/**
 * Reading Linux `/proc` files. Deno opens anything under `/proc` only with
 * `--allow-all`; `deno task bench` keeps narrower permissions (with
 * `--allow-run`) and reads them through `cat`.
 *
 * @module
 */

/** The text of a `/proc` file, e.g. `readProcFile("cpuinfo")` or `readProcFile("123/status")`. */
export async function readProcFile(file: string): Promise<string> {
  const path = `/proc/${file}`;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("cat", { args: [path], stdin: "null" })
      .output();
  } catch (error) {
    throw new Error(
      `Cannot read ${path}: running cat failed (${
        error instanceof Error ? error.message : String(error)
      })`,
      { cause: error },
    );
  }
  if (!output.success) {
    const reason = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Cannot read ${path}: ${reason || "cat failed"}`);
  }
  return new TextDecoder().decode(output.stdout);
}
