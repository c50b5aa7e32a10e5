import assert from "node:assert/strict";
import {
  declaredKind,
  decodeText,
  sniffImageType,
} from "../../src/attachments/file_kind.ts";
import { base64, imageDataUrl } from "../../src/attachments/image_data.ts";

Deno.test("declaredKind() trusts a declared type over the extension, and the extension only without a type", async (t) => {
  const cases: [string, string, string][] = [
    ["script.py", "text/x-python; charset=utf-8", "text"],
    ["data.json", "application/json", "text"],
    ["page.svg", "image/svg+xml", "text"],
    ["notes.txt", "application/zip", "binary"],
    ["photo.txt", "image/png", "image"],
    ["song.mp3", "audio/mpeg", "binary"],
    ["main.rs", "", "text"],
    ["main.rs", "application/octet-stream", "text"],
    ["cat.png", "", "image"],
    ["Dockerfile", "", "text"],
    ["README", "", "maybe_text"],
    ["blob.bin", "", "maybe_text"],
  ];
  for (const [name, type, kind] of cases) {
    await t.step(
      `${name} as "${type}" → ${kind}`,
      () => assert.equal(declaredKind(name, type), kind),
    );
  }
});

Deno.test("decodeText() reads UTF-8 text and refuses bytes that are not text", async (t) => {
  const encode = (s: string) => new TextEncoder().encode(s);
  await t.step(
    "plain text, BOM removed",
    () => assert.equal(decodeText(encode("\uFEFFhéllo\n"), false), "héllo\n"),
  );
  await t.step(
    "a NUL byte",
    () => assert.equal(decodeText(Uint8Array.of(104, 0, 105), false), null),
  );
  await t.step(
    "invalid UTF-8",
    () =>
      assert.equal(decodeText(Uint8Array.of(0xc3, 0x28, 0x41), false), null),
  );
  await t.step(
    "many control characters",
    () => assert.equal(decodeText(encode("\x01\x02\x03abc"), false), null),
  );
  await t.step(
    "a character cut by the cap is dropped, not held against it",
    () => {
      const bytes = encode("ab€");
      assert.equal(decodeText(bytes.subarray(0, 4), true), "ab");
      assert.equal(decodeText(bytes.subarray(0, 4), false), null);
    },
  );
  await t.step("a PNG is not text", () =>
    assert.equal(
      decodeText(
        Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0),
        false,
      ),
      null,
    ));
});

Deno.test("sniffImageType() knows PNG, JPEG, GIF and WebP by their bytes only", () => {
  assert.equal(
    sniffImageType(
      Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    ),
    "image/png",
  );
  assert.equal(
    sniffImageType(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)),
    "image/jpeg",
  );
  assert.equal(sniffImageType(new TextEncoder().encode("GIF89a")), "image/gif");
  assert.equal(
    sniffImageType(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ")),
    "image/webp",
  );
  assert.equal(sniffImageType(new TextEncoder().encode("<svg></svg>")), null);
});

Deno.test("imageDataUrl() gives a data URL typed by the bytes, and none for what is no image", () => {
  const png = Uint8Array.of(
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0xff,
  );
  assert.equal(imageDataUrl(png), "data:image/png;base64,iVBORw0KGgr/");
  assert.equal(imageDataUrl(new TextEncoder().encode("<svg/>")), null);
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  assert.equal(base64(big), btoa(String.fromCharCode(...big)));
});
