/**
 * `${VAR}` and `${VAR:-default}` references in config strings, resolved from
 * the environment. `$${` writes a literal `${`. A reference to an unset
 * variable without a default is reported, not silently replaced.
 *
 * @module
 */

/** The result of interpolating one string. */
export interface Interpolation {
  value: string;
  /** Names of referenced variables that are unset and have no default. */
  missing: string[];
  /** Names of every variable referenced (for secrets: their values get redacted). */
  referenced: string[];
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces every `${VAR}` and `${VAR:-default}` in `text` using `lookup`.
 * As in POSIX shells, the default applies when the variable is unset or empty.
 */
export function interpolateEnv(
  text: string,
  lookup: (name: string) => string | undefined,
): Interpolation {
  const missing: string[] = [];
  const referenced: string[] = [];
  const value = text.replace(
    REFERENCE,
    (whole, name?: string, fallback?: string) => {
      if (whole === "$${") return "${";
      if (name === undefined) return whole;
      referenced.push(name);
      const found = lookup(name);
      if (fallback !== undefined) {
        return found === undefined || found === "" ? fallback : found;
      }
      if (found === undefined) {
        missing.push(name);
        return "";
      }
      return found;
    },
  );
  return { value, missing, referenced };
}
