import assert from "node:assert/strict";
import {
  DISCORD_MESSAGE_LIMIT,
  splitMessage,
} from "../../src/chunker/chunker.ts";
import {
  assertChunkInvariants,
  fenceOpenAtEnd,
  locateChunks,
  mulberry32,
  randomMessage,
} from "./chunk_properties.ts";

Deno.test("splitMessage() returns no chunks for empty or blank text", () => {
  assert.deepEqual(splitMessage(""), []);
  assert.deepEqual(splitMessage(" \n\t\n \u3000 "), []);
});

Deno.test("splitMessage() keeps a message that fits whole, without outer whitespace", () => {
  assert.deepEqual(splitMessage("  Hello there!\n\n"), ["Hello there!"]);
  assert.deepEqual(splitMessage("\n\n  - indented item"), [
    "  - indented item",
  ]);
  assert.deepEqual(splitMessage("x".repeat(2000)), ["x".repeat(2000)]);
});

Deno.test("splitMessage() rejects a limit below 8 or not an integer", async (t) => {
  for (const limit of [0, 7, 12.5, Number.NaN, -2000]) {
    await t.step(`limit ${limit}`, () => {
      assert.throws(() => splitMessage("hello", limit), RangeError);
    });
  }
});

Deno.test("splitMessage() prefers the best kind of break in the last third", async (t) => {
  const cases: [string, string, string[]][] = [
    [
      "a paragraph break",
      "aaaa bbbb cccc dddd eeee ffff\n\ngggg hhhh iiii",
      ["aaaa bbbb cccc dddd eeee ffff", "gggg hhhh iiii"],
    ],
    [
      "a line break over a sentence end",
      "aaaa bbbb cccc dddd eeee. ffff\ngggg hhhh iiii",
      ["aaaa bbbb cccc dddd eeee. ffff", "gggg hhhh iiii"],
    ],
    [
      "a sentence end over a space",
      "aaaa bbbb cccc dddd eeee ffff. gggg hhhh iiii",
      ["aaaa bbbb cccc dddd eeee ffff.", "gggg hhhh iiii"],
    ],
    [
      "a sentence end after a closing quote",
      'aaaa bbbb cccc dddd eeee "fff." gggg hhhh iiii',
      ['aaaa bbbb cccc dddd eeee "fff."', "gggg hhhh iiii"],
    ],
    [
      "the last space when nothing better is near the end",
      "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii",
      ["aaaa bbbb cccc dddd eeee ffff gggg hhhh", "iiii"],
    ],
    [
      "a late space over an early paragraph break",
      "aaaa\n\nbbbb cccc dddd eeee ffff gggg hhhh iiii",
      ["aaaa\n\nbbbb cccc dddd eeee ffff gggg hhhh", "iiii"],
    ],
    [
      "a Chinese full stop with no space after it",
      "你好世界你好世界你好世界你好世界你好世界你好世界你好世界。你好世界你好世界你好世界",
      [
        "你好世界你好世界你好世界你好世界你好世界你好世界你好世界。",
        "你好世界你好世界你好世界",
      ],
    ],
    [
      "anywhere inside a word longer than the limit",
      "x".repeat(100),
      ["x".repeat(40), "x".repeat(40), "x".repeat(20)],
    ],
    [
      "before a long word rather than inside it",
      `see ${"y".repeat(60)}`,
      ["see", "y".repeat(40), "y".repeat(20)],
    ],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => {
      const chunks = splitMessage(input, 40);
      assert.deepEqual(chunks, expected);
      assertChunkInvariants(input, chunks, 40);
    });
  }
});

Deno.test("splitMessage() never cuts inside a mention, custom emoji, timestamp or URL", async (t) => {
  const tokens = [
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<:blobcat:123456789012345678>",
    "<a:parrot:123456789012345678>",
    "<t:1700000000:R>",
    "</ask model:123456789012345678>",
    "https://example.com/a/b?c=d",
  ];
  for (const token of tokens) {
    await t.step(token, () => {
      const input = `${"x".repeat(40)}${token}${"y".repeat(10)}`;
      const chunks = splitMessage(input, 50);
      assert.equal(chunks[0], "x".repeat(40));
      assert.ok(
        chunks[1]?.startsWith(token),
        `${chunks[1]} starts with ${token}`,
      );
    });
  }
});

Deno.test("splitMessage() never cuts inside a grapheme cluster or surrogate pair", async (t) => {
  const clusters = [
    ["family ZWJ sequence", "👨‍👩‍👧‍👦"],
    ["skin tone", "👍🏽"],
    ["flag", "🇫🇷"],
    ["rainbow flag", "🏳️‍🌈"],
    ["keycap", "1️⃣"],
    ["combining marks", "e\u0301\u0323"],
    ["Thai with tone marks", "กั้"],
    ["astral letter", "𝒜"],
  ];
  for (const [name, cluster] of clusters) {
    await t.step(name ?? "", () => {
      const text = cluster ?? "";
      const pad = 21 - Math.ceil(text.length / 2);
      const input = `${"x".repeat(pad)}${text}${"y".repeat(30)}`;
      const chunks = splitMessage(input, 20);
      assert.ok(
        chunks.some((chunk) => chunk.includes(text)),
        JSON.stringify(chunks),
      );
      assertChunkInvariants(input, chunks, 20);
    });
  }
});

Deno.test("splitMessage() cuts a URL longer than the room at a grapheme boundary", () => {
  const input = `https://example.com/${"a".repeat(25)}🏳️‍🌈 and more`;
  const chunks = splitMessage(input, 50);
  assert.deepEqual(chunks, [
    `https://example.com/${"a".repeat(25)}`,
    "🏳️‍🌈 and more",
  ]);
});

Deno.test("splitMessage() closes a ```ts fence at a cut and reopens it in the next chunk", () => {
  const code = Array.from({ length: 12 }, (_, i) => `const v${i} = ${i};`).join(
    "\n",
  );
  const input = `Here:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`;
  const chunks = splitMessage(input, 80);
  assert.ok(chunks.length >= 3, JSON.stringify(chunks));
  const inside = chunks.filter((chunk) => chunk.includes("const"));
  for (const [i, chunk] of inside.entries()) {
    if (i < inside.length - 1) {
      assert.ok(chunk.endsWith("\n```"), `chunk ${i} is closed: ${chunk}`);
    }
    if (i > 0) {
      assert.ok(chunk.startsWith("```ts\n"), `chunk ${i} reopens: ${chunk}`);
    }
  }
  assertChunkInvariants(input, chunks, 80);
});

Deno.test("splitMessage() reopens ~~~ and four-backtick fences with their own markers", async (t) => {
  for (const marker of ["~~~", "````"]) {
    await t.step(marker, () => {
      const inner = marker === "````" ? "```\nnested\n```\n" : "";
      const body = Array.from({ length: 8 }, (_, i) => `line number ${i}`).join(
        "\n",
      );
      const input = `${marker}md\n${inner}${body}\n${marker}`;
      const chunks = splitMessage(input, 60);
      assert.ok(chunks.length >= 2);
      assert.ok(chunks[1]?.startsWith(`${marker}md\n`), chunks[1]);
      assert.ok(chunks[0]?.endsWith(`\n${marker}`), chunks[0]);
      assertChunkInvariants(input, chunks, 60);
    });
  }
});

Deno.test("splitMessage() closes a fence that the text never closes", () => {
  assert.deepEqual(splitMessage("```py\nprint(1)"), ["```py\nprint(1)\n```"]);
});

Deno.test("splitMessage() recognises a fence line after indentation it trims", () => {
  const code = "let x = 1;\n".repeat(300);
  const input = `${"word ".repeat(390)}\n${
    " ".repeat(100)
  }\`\`\`ts\n${code}\`\`\`\nend`;
  const chunks = splitMessage(input);
  assert.equal(chunks.length, 3);
  assert.ok(chunks[1]?.startsWith("```ts\nlet x = 1;"), chunks[1]);
  assert.ok(chunks[2]?.startsWith("```ts\nlet x = 1;"), chunks[2]);
  assertChunkInvariants(input, chunks, DISCORD_MESSAGE_LIMIT);
});

Deno.test("splitMessage() does not cut right after a fence opener or right before its close", () => {
  const opener = "aaaa bbbb cccc dddd eeee ffff gg\n```ts\nconst x = 1;\n```";
  assert.deepEqual(splitMessage(opener, 40), [
    "aaaa bbbb cccc dddd eeee ffff gg",
    "```ts\nconst x = 1;\n```",
  ]);
  const closer = `\`\`\`ts\n${"a".repeat(25)}\n\`\`\`\nafter that`;
  assert.deepEqual(splitMessage(closer, 40), [
    `\`\`\`ts\n${"a".repeat(25)}\n\`\`\``,
    "after that",
  ]);
});

Deno.test("splitMessage() cuts a 5000-character answer with a code block into 3+ chunks with intact fences", () => {
  const prose =
    "The model explains the idea in plain words, one sentence after another. ";
  const code = Array.from(
    { length: 50 },
    (_, i) => `  const value${i} = compute(${i}); // step ${i} of the loop`,
  ).join("\n");
  const input = `${prose.repeat(20)}\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${
    prose.repeat(15)
  }`;
  assert.ok(input.length >= 5000, `${input.length}`);
  const chunks = splitMessage(input);
  assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= DISCORD_MESSAGE_LIMIT);
    assert.ok(!fenceOpenAtEnd(chunk), chunk);
  }
  const reopened = chunks.filter((chunk) => chunk.startsWith("```ts\n"));
  assert.ok(
    reopened.length >= 1,
    "the code block spans a cut and is reopened as ts",
  );
  assertChunkInvariants(input, chunks, DISCORD_MESSAGE_LIMIT);
});

Deno.test("splitMessage() keeps every invariant on random chat text", async (t) => {
  for (const limit of [2000, 300, 120, 50]) {
    await t.step(`limit ${limit}`, () => {
      const rand = mulberry32(limit);
      for (let run = 0; run < 150; run++) {
        const input = randomMessage(
          rand,
          Math.floor(rand() * (limit * 3 + 300)),
        );
        assertChunkInvariants(input, splitMessage(input, limit), limit);
      }
    });
  }
  for (const limit of [8, 13, 21]) {
    await t.step(`limit ${limit}, too small to repeat most fences`, () => {
      const rand = mulberry32(limit);
      for (let run = 0; run < 100; run++) {
        const input = randomMessage(rand, Math.floor(rand() * 400));
        const chunks = splitMessage(input, limit);
        assertChunkInvariants(input, chunks, limit, { balancedFences: false });
      }
    });
  }
});

Deno.test("assertChunkInvariants() catches lost text, split tokens and open fences", async (t) => {
  const input = "hello <@123456789012345678> world\n```ts\nx\n```";
  await t.step("lost text", () => {
    assert.equal(
      locateChunks(input, ["hello", "world", "```ts\nx\n```"]),
      null,
    );
  });
  await t.step("a split mention", () => {
    const chunks = ["hello <@1234567890", "12345678> world", "```ts\nx\n```"];
    assert.throws(() => assertChunkInvariants(input, chunks, 2000));
  });
  await t.step("an open fence", () => {
    const chunks = ["hello <@123456789012345678> world\n```ts", "x\n```"];
    assert.throws(() => assertChunkInvariants(input, chunks, 2000));
  });
  await t.step("an over-long chunk", () => {
    assert.throws(() => assertChunkInvariants(input, [input], 20));
  });
});
