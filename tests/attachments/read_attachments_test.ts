import assert from "node:assert/strict";
import type { Attachment } from "../../src/attachments/attachment.ts";
import type {
  AttachmentFetcher,
  FetchResult,
} from "../../src/attachments/attachment_fetch.ts";
import { readAttachments } from "../../src/attachments/read_attachments.ts";

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2);

/** A fetcher over a map of URL → bytes that records what was read and with which cap. */
function filesAt(files: Record<string, { bytes: Uint8Array; type?: string }>) {
  const reads: [string, number][] = [];
  const fetcher: AttachmentFetcher = {
    read(url, max): Promise<FetchResult> {
      reads.push([url, max]);
      const file = files[url];
      if (file === undefined) {
        return Promise.resolve({ ok: false, reason: "HTTP 404" });
      }
      return Promise.resolve({
        ok: true,
        bytes: file.bytes.subarray(0, max),
        content_type: file.type ?? "",
        truncated: file.bytes.length > max,
      });
    },
  };
  return { fetcher, reads };
}

function file(name: string, content_type = "", size = 10): Attachment {
  return {
    id: "1",
    name,
    url: `https://cdn.discordapp.com/${name}`,
    content_type,
    size,
  };
}

const limits = {
  max_text_bytes: 100,
  max_images: 2,
  max_image_bytes: 50,
  vision: true,
};

Deno.test("readAttachments() sends at most max_images images, notes the rest, and keeps references without bytes", async () => {
  const { fetcher } = filesAt({
    "https://cdn.discordapp.com/a.png": { bytes: PNG },
    "https://cdn.discordapp.com/b.png": { bytes: PNG },
    "https://cdn.discordapp.com/c.png": { bytes: PNG },
  });
  const read = await readAttachments(
    [
      file("a.png", "image/png"),
      file("b.png", "image/png"),
      file("c.png", "image/png"),
    ],
    limits,
    fetcher,
  );
  assert.equal(read.images.length, 2);
  assert.match(read.images[0]?.data_url ?? "", /^data:image\/png;base64,/);
  assert.equal(
    read.text,
    "[image: a.png]\n\n[image: b.png]\n\n[image: c.png, not shown: at most 2 images per message]",
  );
  assert.deepEqual(read.image_refs.map((r) => r.name), [
    "a.png",
    "b.png",
    "c.png",
  ]);
  assert.equal(read.had_images, true);
});

Deno.test("readAttachments() does not download an image declared larger than max_image_bytes, nor one that is not an image", async () => {
  const { fetcher, reads } = filesAt({
    "https://cdn.discordapp.com/fake.png": {
      bytes: new TextEncoder().encode("<html>"),
    },
  });
  const read = await readAttachments(
    [file("huge.png", "image/png", 9_000_000), file("fake.png", "image/png")],
    limits,
    fetcher,
  );
  assert.deepEqual(reads, [["https://cdn.discordapp.com/fake.png", 50]]);
  assert.equal(read.images.length, 0);
  assert.match(
    read.text,
    /\[attached: huge\.png, 9 MB, image too large to show\]/,
  );
  assert.match(
    read.text,
    /\[attached: fake\.png, 10 B, not a PNG, JPEG, GIF or WebP image\]/,
  );
});

Deno.test("readAttachments() without vision reads no image bytes at all", async () => {
  const { fetcher, reads } = filesAt({});
  const read = await readAttachments([file("a.png", "image/png")], {
    ...limits,
    vision: false,
  }, fetcher);
  assert.deepEqual(reads, []);
  assert.equal(read.text, "[image: a.png]");
  assert.equal(read.had_images, true);
});

Deno.test("readAttachments() reads text judged by content: an unknown type with text inside is read, a .txt holding binary is not", async () => {
  const { fetcher } = filesAt({
    "https://cdn.discordapp.com/README": {
      bytes: new TextEncoder().encode("hello"),
    },
    "https://cdn.discordapp.com/notes.txt": {
      bytes: Uint8Array.of(1, 0, 2, 3),
    },
    "https://cdn.discordapp.com/served.txt": {
      bytes: new TextEncoder().encode("PK"),
      type: "application/zip",
    },
  });
  const read = await readAttachments(
    [
      file("README"),
      file("notes.txt", "text/plain", 4),
      file("served.txt", "", 2),
      file("gone.md"),
    ],
    limits,
    fetcher,
  );
  assert.equal(
    read.text,
    [
      "[file: README]\n```\nhello\n```",
      "[attached: notes.txt, 4 B, not readable]",
      "[attached: served.txt, 2 B, not readable]",
      "[attached: gone.md, 10 B, could not be read (HTTP 404)]",
    ].join("\n\n"),
  );
});
