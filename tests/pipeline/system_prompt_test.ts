import assert from "node:assert/strict";
import {
  placesPreferences,
  renderSystemPrompt,
} from "../../src/pipeline/system_prompt.ts";

Deno.test("renderSystemPrompt() fills every variable and leaves unknown ones", () => {
  const text = renderSystemPrompt(
    "{{persona}} in {{server}} #{{channel}} with {{user}} on {{date}} at {{time}}; {{unknown}} {{ user }}",
    {
      persona: "Helper",
      server: "Guild",
      channel: "general",
      user: "Alice",
      now: Date.UTC(2026, 10, 25, 14, 5),
    },
  );
  assert.equal(
    text,
    "Helper in Guild #general with Alice on 2026-11-25 at 14:05 UTC; {{unknown}} Alice",
  );
});

Deno.test("renderSystemPrompt() places {{preferences}} where the prompt says, empty when none", () => {
  const vars = {
    persona: "Helper",
    server: "Guild",
    channel: "general",
    user: "Alice",
    now: 0,
  };
  const template = "You are Helper. {{preferences}}";
  assert.equal(placesPreferences(template), true);
  assert.equal(placesPreferences("You are Helper."), false);
  assert.equal(
    renderSystemPrompt(template, {
      ...vars,
      preferences: "Alice's preferences: Answer in French.",
    }),
    "You are Helper. Alice's preferences: Answer in French.",
  );
  assert.equal(renderSystemPrompt(template, vars), "You are Helper. ");
});
