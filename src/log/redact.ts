/**
 * Keeps secrets out of logs. Known secret values (the bot token, API keys,
 * registered when the config loads) are replaced wherever they appear, and
 * so are things shaped like Discord tokens and bearer credentials. Values
 * under keys that name secrets (`token`, `api_key`, `authorization`…) are
 * replaced before formatting.
 *
 * @module
 */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

const SECRET_KEY = /token|api[_-]?key|authorization|password|secret|cookie/i;
const SECRET_SHAPES: RegExp[] = [
  /[A-Za-z0-9_-]{20,30}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, // Discord bot token
  /\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g, // Authorization header values
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI-style keys
];

const URL_TOKEN = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'\\]{16,}/g;

/** The set of secret values to redact; the config loader adds to it. */
export class SecretRegistry {
  #values: string[] = [];

  /** Adds values to redact (values shorter than 4 characters are ignored: they would mangle text). */
  add(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length >= 4 && !this.#values.includes(value)) {
        this.#values.push(value);
      }
    }
    this.#values.sort((a, b) => b.length - a.length);
  }

  /** Replaces every registered secret and every secret-shaped string in `text`. */
  redactText(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join(REDACTED);
    // Webhook and interaction tokens travel in URL paths (`/webhooks/{id}/{token}`,
    // `/interactions/{id}/{token}/callback`): whoever has one posts as the bot.
    out = out.replace(URL_TOKEN, `$1${REDACTED}`);
    for (const shape of SECRET_SHAPES) {
      out = out.replace(
        shape,
        (match, scheme?: string) =>
          scheme !== undefined && match.startsWith(scheme)
            ? `${scheme} ${REDACTED}`
            : REDACTED,
      );
    }
    return out;
  }

  /** A copy of `value` with secret-named keys replaced and strings redacted, cycles cut. */
  redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
    if (typeof value === "string") return this.redactText(value);
    if (typeof value !== "object" || value === null) return value;
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    if (value instanceof Error) {
      return {
        name: value.name,
        message: this.redactText(value.message),
        stack: this.redactText(value.stack ?? ""),
      };
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.redactValue(item, seen));
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) &&
          (typeof item === "string" || typeof item === "number")
        ? (item === "" ? "" : REDACTED)
        : this.redactValue(item, seen);
    }
    return out;
  }
}
