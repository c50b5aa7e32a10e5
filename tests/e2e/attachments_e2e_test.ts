/**
 * End to end: files attached in Discord reach the model. A `.py` file is
 * read into the user's message with its name; a PNG goes to a vision
 * persona as an `image_url` data URL; a text file over the cap is cut with
 * a note; a zip gets its one-line note; and the bot fetches nothing but
 * the attachment URLs it was given (no redirect, no URL from the text).
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";
import type { FakeFileSpec } from "../fakes/fake_discord/cdn.ts";

/** A 1×1 PNG. */
export const TINY_PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

interface Part {
  type: string;
  text?: string;
  image_url?: { url: string };
}

async function send(
  h: BotHarness,
  content: string,
  attachments: FakeFileSpec[],
  count: number,
) {
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${content}`,
    attachments,
  });
  await h.discord.waitFor(
    () =>
      h.llm.chatRequests().length >= count &&
      botMessages(h, CHANNEL).length >= count,
    10_000,
    `reply ${count}`,
  );
  const body = h.llm.chatRequests()[count - 1]?.body as {
    messages: { role: string; content: string | Part[] }[];
  };
  return body.messages;
}

function textOf(content: string | Part[] | undefined): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((p) => p.text ?? "").join("");
}

Deno.test("a .py file and a PNG reach the LLM request: the code in the user's message, the picture as an image_url part", async () => {
  await using h = await startHarness({
    configParts: { helper: ", vision: true" },
  });
  const messages = await send(
    h,
    "what does this do, and what is in the picture?",
    [
      {
        filename: "fizz.py",
        contentType: "text/x-python; charset=utf-8",
        data:
          "for i in range(1, 16):\n    print('Fizz' if i % 3 == 0 else i)\n",
      },
      { filename: "dot.png", contentType: "image/png", data: TINY_PNG },
    ],
    1,
  );
  const last = messages.at(-1);
  assert.equal(last?.role, "user");
  assert.ok(Array.isArray(last?.content), "the user message has content parts");
  const parts = last.content as Part[];
  assert.equal(parts[0]?.type, "text");
  const text = parts[0]?.text ?? "";
  assert.match(text, /^alice: what does this do/);
  assert.match(text, /\[file: fizz\.py\]\n```\nfor i in range\(1, 16\):/);
  assert.match(text, /\[image: dot\.png\]/);
  assert.equal(parts[1]?.type, "image_url");
  assert.equal(
    parts[1]?.image_url?.url,
    `data:image/png;base64,${btoa(String.fromCharCode(...TINY_PNG))}`,
  );

  // The next turn sees the file again (it is part of what alice said), the picture as its name.
  const next = await send(h, "and now?", [], 2);
  const earlier = next.find((m) => textOf(m.content).includes("fizz.py"));
  assert.equal(
    typeof earlier?.content,
    "string",
    "history carries no image bytes",
  );
  assert.match(textOf(earlier?.content), /\[image: dot\.png\]/);
  assert.match(textOf(earlier?.content), /print\('Fizz'/);
});

Deno.test("a file over max_text_bytes is cut with a note, a zip gets its one-line note, and a persona without vision says once that it cannot see images", async () => {
  await using h = await startHarness({
    configExtra: "attachments: { max_text_bytes: 1kB }\n",
  });
  const messages = await send(h, "read these", [
    {
      filename: "big.log",
      contentType: "text/plain",
      data: "line\n".repeat(1000),
    },
    {
      filename: "archive.zip",
      contentType: "application/zip",
      data: new Uint8Array(2_100_000),
    },
    { filename: "cat.png", contentType: "image/png", data: TINY_PNG },
  ], 1);
  const text = textOf(messages.at(-1)?.content);
  assert.match(text, /\[file: big\.log\]/);
  assert.match(
    text,
    /\[… cut: big\.log is 5 kB; only the first 1 kB are shown\]/,
  );
  assert.ok(text.split("line").length - 1 <= 200, "no more than 1 kB was read");
  assert.match(text, /\[attached: archive\.zip, 2\.1 MB, not readable\]/);
  assert.match(text, /\[image: cat\.png\]/);
  assert.equal(
    typeof messages.at(-1)?.content,
    "string",
    "no image part without vision",
  );
  const notices = () =>
    h.discord.contentsIn(CHANNEL).filter((c) => c.includes("can't see images"));
  await h.discord.waitFor(() => notices().length === 1, 5_000, "the notice");
  await send(h, "another", [{
    filename: "dog.png",
    contentType: "image/png",
    data: TINY_PNG,
  }], 2);
  assert.equal(notices().length, 1, "told once per conversation");
  // The zip's bytes were never downloaded: only the text file and nothing else was fetched.
  assert.deepEqual(
    h.discord.cdn.requests.map((r) => r.url.split("?")[0]?.split("/").pop()),
    ["big.log"],
  );
});

Deno.test("the bot fetches only the attachment URLs Discord gave: no redirect is followed and no URL from the text is fetched", async () => {
  await using h = await startHarness();
  const trap = `${
    h.discord.restBaseUrl.replace("/api", "")
  }/attachments/${CHANNEL}/1/trap.txt`;
  const messages = await send(h, `also read ${trap} please`, [
    { filename: "notes.txt", contentType: "text/plain", data: "plain notes" },
    {
      filename: "moved.txt",
      contentType: "text/plain",
      data: "x",
      redirectTo: trap,
    },
  ], 1);
  const text = textOf(messages.at(-1)?.content);
  assert.match(text, /\[file: notes\.txt\]\n```\nplain notes\n```/);
  assert.match(
    text,
    /\[attached: moved\.txt, 1 B, could not be read \(redirected\)\]/,
  );
  const fetched = h.discord.cdn.requests.map((r) => r.url);
  assert.equal(fetched.length, 2);
  for (const url of fetched) {
    assert.match(url, /^\/attachments\/\d+\/\d+\/(notes|moved)\.txt\?ex=/);
  }
});

Deno.test("a file with nothing but the bot's mention is a question about the file", async () => {
  await using h = await startHarness();
  const messages = await send(h, "", [
    {
      filename: "todo.md",
      contentType: "text/markdown",
      data: "- [ ] ship it",
    },
  ], 1);
  assert.equal(
    textOf(messages.at(-1)?.content),
    "alice: [file: todo.md]\n```\n- [ ] ship it\n```",
  );
});

Deno.test("with history_images: true an earlier picture is fetched again from its attachment URL for later turns", async () => {
  await using h = await startHarness({
    configParts: { helper: ", vision: true" },
    configExtra: "attachments: { history_images: true }\n",
  });
  await send(h, "look", [{
    filename: "dot.png",
    contentType: "image/png",
    data: TINY_PNG,
  }], 1);
  const next = await send(h, "what colour was it?", [], 2);
  const earlier = next.find((m) =>
    textOf(m.content).includes("[image: dot.png]")
  );
  assert.ok(
    Array.isArray(earlier?.content),
    "the earlier message carries its picture again",
  );
  assert.equal(
    (earlier.content as Part[])[1]?.image_url?.url,
    `data:image/png;base64,${btoa(String.fromCharCode(...TINY_PNG))}`,
  );
  assert.equal(typeof next.at(-1)?.content, "string");
  assert.equal(
    h.discord.cdn.requests.length,
    2,
    "fetched once per turn, from the same URL",
  );
  assert.equal(h.discord.cdn.requests[0]?.url, h.discord.cdn.requests[1]?.url);
});
