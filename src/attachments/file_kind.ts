/**
 * What kind of file an attachment is, judged first by its declared type and
 * name (to decide what to fetch) and then by its bytes (to decide what it
 * really is): a file that claims to be text but holds NUL bytes or invalid
 * UTF-8 is not read as text, and an "image" whose bytes are not PNG, JPEG,
 * GIF or WebP is not sent as one. The extension alone never makes a file
 * readable: a `.txt` declared as `application/zip` stays unread.
 *
 * @module
 */

/** What the declared type and name suggest. */
export type DeclaredKind = "image" | "text" | "maybe_text" | "binary";

const TEXT_EXTENSIONS = new Set(
  (
    "txt md markdown rst log csv tsv json jsonl ndjson yaml yml toml ini cfg conf env " +
    "xml html htm css scss sass less svg js mjs cjs ts tsx jsx py pyi rb go rs java kt kts " +
    "c h cc cpp cxx hpp cs swift m mm php pl pm lua r sql sh bash zsh fish ps1 bat cmd " +
    "dockerfile makefile gradle properties tex bib diff patch srt vtt gitignore lock " +
    "vue svelte astro dart scala clj ex exs erl hs ml elm nim zig v sol graphql gql proto"
  ).split(" "),
);

const IMAGE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "webp"]);

const TEXT_APPLICATION_TYPES = new Set([
  "application/json",
  "application/ld+json",
  "application/xml",
  "application/javascript",
  "application/ecmascript",
  "application/typescript",
  "application/x-javascript",
  "application/x-typescript",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/x-sh",
  "application/x-shellscript",
  "application/sql",
  "application/x-python",
  "application/x-python-code",
  "application/x-httpd-php",
  "application/x-perl",
  "application/x-ruby",
  "application/graphql",
  "application/x-tex",
  "application/x-ndjson",
  "application/csv",
]);

/** The lower-case extension of a file name, "" when none. */
export function extensionOf(name: string): string {
  const base = name.toLowerCase().split("/").pop() ?? "";
  if (base === "dockerfile" || base === "makefile") return base;
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? (dot === 0 ? base.slice(1) : "") : base.slice(dot + 1);
}

/** The media type without parameters, lower case. */
function essence(content_type: string): string {
  return (content_type.split(";")[0] ?? "").trim().toLowerCase();
}

/** What a file claims to be, from its declared type (first) and its name. */
export function declaredKind(name: string, content_type: string): DeclaredKind {
  const type = essence(content_type);
  const ext = extensionOf(name);
  if (type.startsWith("image/")) {
    return type === "image/svg+xml" ? "text" : "image";
  }
  if (
    type.startsWith("text/") || TEXT_APPLICATION_TYPES.has(type) ||
    type.endsWith("+json") || type.endsWith("+xml")
  ) return "text";
  if (type === "" || type === "application/octet-stream") {
    if (IMAGE_EXTENSIONS.has(ext)) return "image";
    return TEXT_EXTENSIONS.has(ext) ? "text" : "maybe_text";
  }
  // Declared as something else (audio, video, zip, pdf, …): the type wins over the name.
  return "binary";
}

/**
 * The text of a file's bytes, or null when they are not text: invalid UTF-8
 * (a character cut at the end of a truncated read is dropped, not held
 * against it), a NUL byte, or more than 1 in 50 control characters. A BOM
 * is removed.
 */
export function decodeText(
  bytes: Uint8Array,
  truncated: boolean,
): string | null {
  if (bytes.includes(0)) return null;
  let end = bytes.length;
  if (truncated) {
    // Step back over a multi-byte character the cap cut in half.
    let back = 0;
    while (back < 4 && end - back > 0) {
      const byte = bytes[end - back - 1] ?? 0;
      if ((byte & 0xc0) !== 0x80) {
        const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        if (need > back + 1) end -= back + 1;
        break;
      }
      back += 1;
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(0, end),
    );
  } catch {
    return null;
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      (code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12 &&
        code !== 27) || code === 127
    ) {
      control += 1;
    }
  }
  return control * 50 > text.length ? null : text;
}

/** The image type of a picture's bytes (PNG, JPEG, GIF, WebP), or null. */
export function sniffImageType(bytes: Uint8Array): string | null {
  const at = (i: number) => bytes[i] ?? -1;
  if (
    at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47 &&
    at(4) === 0x0d && at(5) === 0x0a && at(6) === 0x1a && at(7) === 0x0a
  ) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) {
    return "image/gif";
  }
  if (
    at(0) === 0x52 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x46 &&
    at(8) === 0x57 && at(9) === 0x45 && at(10) === 0x42 && at(11) === 0x50
  ) return "image/webp";
  return null;
}
