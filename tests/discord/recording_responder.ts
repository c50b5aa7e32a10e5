/**
 * An interaction responder for tests that records every call as a line:
 * `respond TEXT`, `defer ID`, `edit TEXT [button ids]`, `update TEXT`, `private TEXT`,
 * `choices a,b`.
 */
import type { InteractionResponder } from "../../src/discord/slash_commands.ts";

/** Records what the bot answered. */
export class RecordingResponder implements InteractionResponder {
  calls: string[] = [];
  respond(_id: string, _token: string, content: string) {
    this.calls.push(`respond ${content}`);
    return Promise.resolve();
  }
  deferEphemeral(id: string) {
    this.calls.push(`defer ${id}`);
    return Promise.resolve();
  }
  editResponse(
    _token: string,
    content: string,
    buttons: readonly { custom_id: string }[] = [],
  ) {
    this.calls.push(
      `edit ${content}${buttons.map((b) => ` [${b.custom_id}]`).join("")}`,
    );
    return Promise.resolve();
  }
  autocomplete(_id: string, _token: string, choices: { value: string }[]) {
    this.calls.push(`choices ${choices.map((c) => c.value).join(",")}`);
    return Promise.resolve();
  }
}
