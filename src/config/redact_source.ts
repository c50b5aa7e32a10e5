/**
 * Keeps secrets written directly in the YAML out of error reports. A
 * report quotes the offending line, and a failed reload is logged before
 * the new file's secrets are known to the log's redaction — so the quoted
 * lines themselves are redacted: the values of `token` and `api_key`, and
 * every value under `headers` (block or flow style). A `${VAR}` reference
 * is not a secret and stays, which keeps the report useful.
 *
 * @module
 */

/** What a redacted value reads as. */
export const REDACTED = "«redacted»";

const SECRET_KEY =
  /((?:^|[\s{,])["']?(?:token|api_key)["']?\s*:[ \t]*)("(?:[^"\\]|\\.)*"?|'[^']*'?|\$\{[^}\n]*\}?|[^,}#\n]*)/g;
const FLOW_HEADERS = /(\bheaders["']?\s*:\s*\{)([^}]*)(\}?)/g;
const FLOW_ENTRY =
  /(^|,)(\s*[^:,]+:[ \t]*)("(?:[^"\\]|\\.)*"?|'[^']*'?|\$\{[^}\n]*\}?|[^,]*)/g;

function hide(value: string): string {
  const bare = value.trim().replace(/^["']|["']$/g, "");
  if (bare === "" || /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(bare)) {
    return value;
  }
  return value.replace(value.trim(), REDACTED);
}

/** The file's lines with every secret value replaced by `REDACTED`. */
export function redactSecretLines(lines: readonly string[]): string[] {
  let headersIndent: number | null = null;
  return lines.map((line) => {
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === "" || line.trimStart().startsWith("#");
    if (headersIndent !== null && !blank && indent <= headersIndent) {
      headersIndent = null;
    }
    let out = line;
    if (headersIndent !== null && !blank) {
      // An entry of a `headers:` block: `Name: value`.
      out = out.replace(
        /^(\s*["']?[^:#]+["']?\s*:[ \t]*)(.*)$/,
        (_, key: string, value: string) => key + hide(value),
      );
    }
    const opens = /^(\s*)["']?headers["']?\s*:\s*(#.*)?$/.exec(line);
    if (opens) headersIndent = opens[1]?.length ?? 0;
    out = out.replace(
      FLOW_HEADERS,
      (_, open: string, body: string, close: string) =>
        open +
        body.replace(
          FLOW_ENTRY,
          (_m, sep: string, key: string, value: string) =>
            sep + key + hide(value),
        ) + close,
    );
    return out.replace(
      SECRET_KEY,
      (_, key: string, value: string) => key + hide(value),
    );
  });
}
