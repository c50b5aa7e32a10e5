/**
 * The fake's CDN: files users attach are served over loopback from the REST
 * listener's origin under `/attachments/{channel}/{attachment}/{filename}`,
 * like `cdn.discordapp.com`, with Discord's signed query (`ex`, `is`, `hm`):
 * a request without the exact signature gets 404 as an expired or forged
 * link does. Every request is recorded, so tests can check that a bot
 * fetched nothing but the URLs it was given. A file may answer with a
 * redirect instead (to test that the bot does not follow one).
 */
import type { Json } from "./payloads.ts";
import type { SnowflakeGenerator } from "./snowflake.ts";

/** A file a user attaches. */
export interface FakeFileSpec {
  filename: string;
  /** The bytes, or text (UTF-8). */
  data: Uint8Array | string;
  /** The type Discord reports and the CDN serves; default none. */
  contentType?: string;
  /** The size Discord reports; default the data's length. */
  size?: number;
  /** Answer 302 with this Location instead of the file. */
  redirectTo?: string;
}

/** One request the CDN received. */
export interface CdnRecord {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
}

interface StoredFile {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  redirectTo: string | null;
  signature: string;
}

/** The files of the fake and their requests. */
export class FakeCdn {
  readonly requests: CdnRecord[] = [];
  readonly #files = new Map<string, StoredFile>();
  readonly #ids: SnowflakeGenerator;
  #origin = "";

  constructor(ids: SnowflakeGenerator) {
    this.#ids = ids;
  }

  /** Where the files are served from (set once the listener is up). */
  set origin(origin: string) {
    this.#origin = origin;
  }

  /** Stores a file and returns Discord's attachment object for it. */
  upload(channelId: string, spec: FakeFileSpec): Json {
    const id = this.#ids.next();
    const bytes = typeof spec.data === "string"
      ? new TextEncoder().encode(spec.data)
      : new Uint8Array(spec.data);
    const path = `/attachments/${channelId}/${id}/${
      encodeURIComponent(spec.filename)
    }`;
    const signature = `ex=${
      (Date.now() / 1000 + 86400).toString(16).split(".")[0]
    }&is=${id.slice(-8)}&hm=${crypto.randomUUID().replaceAll("-", "")}`;
    this.#files.set(path, {
      bytes,
      contentType: spec.contentType ?? "",
      redirectTo: spec.redirectTo ?? null,
      signature,
    });
    const url = `${this.#origin}${path}?${signature}`;
    return {
      id,
      filename: spec.filename,
      size: spec.size ?? bytes.length,
      url,
      proxy_url: url.replace("/attachments/", "/media/attachments/"),
      ...(spec.contentType ? { content_type: spec.contentType } : {}),
    };
  }

  /** Answers a request under `/attachments/` (or `/media/`), or null for other paths. */
  handle(req: Request): Response | null {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/media\//, "/");
    if (!path.startsWith("/attachments/")) return null;
    const file = this.#files.get(path);
    let response: Response;
    if (file === undefined || url.search !== `?${file.signature}`) {
      response = new Response("This content is no longer available.", {
        status: 404,
      });
    } else if (req.method !== "GET" && req.method !== "HEAD") {
      response = new Response(null, { status: 405 });
    } else if (file.redirectTo !== null) {
      response = new Response(null, {
        status: 302,
        headers: { location: file.redirectTo },
      });
    } else {
      response = new Response(req.method === "HEAD" ? null : file.bytes, {
        status: 200,
        headers: file.contentType ? { "content-type": file.contentType } : {},
      });
    }
    this.requests.push({
      method: req.method,
      url: url.pathname + url.search,
      status: response.status,
    });
    return response;
  }
}
