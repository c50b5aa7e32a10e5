import { FakeCdn, type FakeFileSpec } from "./cdn.ts";
import { type FakeClock, systemClock } from "./clock.ts";
import {
  messageDeleteFor,
  messageEventFor,
  sessionSees,
} from "./gateway_events.ts";
import {
  type ButtonPressSpec,
  createButtonInteraction,
  createInteraction,
  type InteractionSpec,
  readyPayload,
} from "./gateway_payloads.ts";
import { FakeGateway } from "./gateway_server.ts";
import { channelObject, guildCreatePayload } from "./payloads.ts";
import { serveRest } from "./rest_listener.ts";
import type { FailureRule } from "./rest_server.ts";
import type { RestEvents } from "./rest_types.ts";
import { buildWorld, type FakeDiscordOptions } from "./options.ts";
import {
  type FakeGuildSpec,
  type FakeInteraction,
  type FakeMessage,
  type FakeThreadSpec,
  type GatewayRecord,
  Intents,
  PRIVILEGED_INTENTS,
  type RestRecord,
  type UserMessageSpec,
} from "./types.ts";
import { waitFor } from "./wait_for.ts";
import type { FakeChannel, FakeWorld } from "./world.ts";

export type { FakeDiscordOptions } from "./options.ts";
export type { UserMessageSpec } from "./types.ts";
export type { FakeFileSpec } from "./cdn.ts";

/**
 * A fake Discord over loopback for end-to-end tests and benchmarks: REST under
 * `restBaseUrl` + `/v10` and a gateway v10 at `gatewayUrl`, both enforcing Discord's rules,
 * recording everything received, with helpers to drive the bot from the Discord side.
 */
export class FakeDiscord {
  /** The fake's data: users, guilds, channels, messages, commands, interactions. */
  readonly world: FakeWorld;
  /** The gateway: sessions, close codes, op 7/9, `sendRaw`, `vanish()`/`restore()`. */
  readonly gateway: FakeGateway;
  /** The clock the rules read (rate-limit windows, interaction deadline, timestamps). */
  readonly clock: FakeClock;
  /** The only bot token accepted by REST (`Bot <token>`) and IDENTIFY/RESUME. */
  readonly token: string;
  /** Every REST request, in arrival order, with the status it got. */
  readonly requests: RestRecord[] = [];
  /** Every gateway frame received from clients. */
  readonly gatewayReceived: GatewayRecord[] = [];
  /** Active injected failures (see `failNext`). */
  readonly failures: FailureRule[] = [];
  /** Attached files, served over loopback from the REST origin; `cdn.requests` records fetches. */
  readonly cdn: FakeCdn;
  readonly #echo: boolean;
  readonly #rest: Deno.HttpServer<Deno.NetAddr>;
  readonly #hostname: string;

  /** Starts a fake Discord on free loopback ports. Call `close()` when done. */
  static start(options: FakeDiscordOptions = {}): FakeDiscord {
    return new FakeDiscord(options);
  }

  private constructor(options: FakeDiscordOptions) {
    this.clock = options.clock ?? systemClock;
    this.#hostname = options.hostname ?? "127.0.0.1";
    this.#echo = options.echoBotMessages ?? true;
    const built = buildWorld(options, this.clock);
    this.world = built.world;
    this.token = built.token;
    this.cdn = new FakeCdn(this.world.ids);
    this.gateway = new FakeGateway({
      hostname: this.#hostname,
      token: this.token,
      clock: this.clock,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41250,
      enabledPrivilegedIntents: options.enabledPrivilegedIntents ??
        PRIVILEGED_INTENTS,
      readyData: (session) =>
        readyPayload(this.world, session, this.gateway.url),
      afterReady: (session) => {
        for (const guild of this.world.guilds.values()) {
          if (sessionSees(session, guild.id, Intents.Guilds)) {
            this.gateway.dispatchTo(
              session,
              "GUILD_CREATE",
              guildCreatePayload(guild, this.world),
            );
          }
        }
      },
      record: (record) => this.gatewayReceived.push(record),
    });
    this.gateway.listen();
    const events: RestEvents = {
      messageCreated: (m) =>
        this.#echo && this.#dispatchMessage("MESSAGE_CREATE", m),
      messageUpdated: (m) =>
        this.#echo && this.#dispatchMessage("MESSAGE_UPDATE", m),
      threadChanged: (t, thread) =>
        this.gateway.dispatch(
          t,
          (s) =>
            sessionSees(s, thread.guildId, Intents.Guilds)
              ? {
                ...channelObject(thread, this.world),
                ...(t === "THREAD_CREATE" ? { newly_created: true } : {}),
              }
              : undefined,
        ),
      messageDeleted: (m) =>
        this.#echo &&
        this.gateway.dispatch("MESSAGE_DELETE", (s) => messageDeleteFor(m, s)),
    };
    this.#rest = serveRest({
      hostname: this.#hostname,
      clock: this.clock,
      world: this.world,
      token: this.token,
      events,
      settings: {
        interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
        gatewayUrl: () => this.gateway.url,
        sessionStartRemaining: () => this.gateway.sessionStartRemaining,
      },
      messageRateLimit: options.messageRateLimit,
      globalRateLimit: options.globalRateLimit,
      failures: this.failures,
      record: (record) => this.requests.push(record),
      intercept: (req) => this.cdn.handle(req),
    });
    this.cdn.origin = `http://${this.#hostname}:${this.#rest.addr.port}`;
  }

  /** The bot's user id. */
  get botId(): string {
    return this.world.bot.id;
  }

  /** The application id (the bot id unless configured). */
  get applicationId(): string {
    return this.world.applicationId;
  }

  /** The REST base up to `/api` (clients add `/v10`), like `DISCORD_API_BASE_URL`. */
  get restBaseUrl(): string {
    return `http://${this.#hostname}:${this.#rest.addr.port}/api`;
  }

  /** The gateway WebSocket URL (clients add `?v=10&encoding=json`), like `DISCORD_GATEWAY_URL`. */
  get gatewayUrl(): string {
    return this.gateway.url;
  }

  /** The first configured user that is not the bot. */
  get defaultUserId(): string {
    const user = [...this.world.users.values()].find((u) =>
      u.id !== this.botId
    );
    if (!user) throw new Error("The fake has no user besides the bot");
    return user.id;
  }

  /** The intents of the most recent IDENTIFY, or null before any. */
  get intents(): number | null {
    const last = this.gateway.identifies.at(-1);
    return typeof last?.intents === "number" ? last.intents : null;
  }

  /** How many 429s were answered (injected ones included unless `organicOnly`). */
  rateLimitedCount(organicOnly = false): number {
    return this.requests.filter((r) =>
      r.status === 429 && !(organicOnly && r.injected)
    ).length;
  }

  /** Requests that matched a route template such as `POST /channels/{channel}/messages`. */
  requestsTo(route: string): RestRecord[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** The live messages of a channel in order, each with its current (edited) content. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.world.messagesIn(channelId);
  }

  /** The current contents of a channel's live messages, in order. */
  contentsIn(channelId: string): string[] {
    return this.messagesIn(channelId).map((m) => m.content);
  }

  /** An interaction the fake dispatched, by id. */
  interaction(id: string): FakeInteraction | undefined {
    return this.world.interactions.get(id);
  }

  /** Registered commands of a scope: `"global"` or a guild id. */
  commands(scope: string): readonly Record<string, unknown>[] {
    return this.world.commands.get(scope) ?? [];
  }

  /** See `waitFor`: polls `probe` until it returns a value, or rejects after `timeoutMs`. */
  waitFor<T>(
    probe: () => T | undefined | null | false,
    timeoutMs = 2000,
    what?: string,
  ) {
    return waitFor(probe, timeoutMs, what);
  }

  /** A user writes a message: stored, then dispatched as MESSAGE_CREATE. */
  sendUserMessage(spec: UserMessageSpec): FakeMessage {
    const channel = this.world.channels.get(spec.channelId);
    if (channel?.archived) {
      // A message in an archived thread unarchives it; a locked one takes none.
      if (channel.locked) {
        throw new Error(`Cannot write in locked thread ${channel.id}`);
      }
      channel.archived = false;
      this.gateway.dispatch(
        "THREAD_UPDATE",
        (s) =>
          sessionSees(s, channel.guildId, Intents.Guilds)
            ? channelObject(channel, this.world)
            : undefined,
      );
    }
    const attachments = (spec.attachments ?? []).map((file) =>
      this.cdn.upload(spec.channelId, file)
    );
    const message = this.world.createUserMessage(
      spec,
      this.defaultUserId,
      attachments,
    );
    this.#dispatchMessage("MESSAGE_CREATE", message);
    return message;
  }

  /** A user edits their own message: content replaced, MESSAGE_UPDATE dispatched (the full message). */
  editUserMessage(messageId: string, content: string): FakeMessage {
    const message = this.world.messages.get(messageId);
    if (!message || message.deleted) {
      throw new Error(`Cannot edit unknown message ${messageId}`);
    }
    if (message.authorId === this.botId || message.webhookId) {
      throw new Error(`Message ${messageId} is not a user's`);
    }
    this.world.editMessage(message, content, message.embeds, undefined);
    this.#dispatchMessage("MESSAGE_UPDATE", message);
    return message;
  }

  /** A user (or moderator) deletes a message: marked deleted, MESSAGE_DELETE dispatched. */
  deleteMessage(messageId: string): void {
    const message = this.world.messages.get(messageId);
    if (!message || message.deleted) {
      throw new Error(`Cannot delete unknown message ${messageId}`);
    }
    message.deleted = true;
    this.gateway.dispatch(
      "MESSAGE_DELETE",
      (s) => messageDeleteFor(message, s),
    );
  }

  /** A user runs a slash command: dispatched as INTERACTION_CREATE; the deadline starts now. */
  sendCommand(
    spec: Omit<InteractionSpec, "type" | "userId"> & {
      userId?: string;
      /** Attachment options: uploaded to the CDN, sent as type 11 options with resolved data. */
      files?: { name: string; file: FakeFileSpec }[];
    },
  ): FakeInteraction {
    const { files, ...rest } = spec;
    const resolved: Record<string, Record<string, unknown>> = {};
    const fileOptions = (files ?? []).map(({ name, file }) => {
      const attachment = this.cdn.upload(spec.channelId, file);
      const id = String(attachment.id);
      resolved[id] = attachment;
      return { name, type: 11, value: id };
    });
    return this.#interact({
      ...rest,
      options: [...(spec.options ?? []), ...fileOptions],
      ...(fileOptions.length > 0 ? { resolvedAttachments: resolved } : {}),
      userId: spec.userId ?? this.defaultUserId,
      type: 2,
    });
  }

  /** A user types in a command option: an autocomplete INTERACTION_CREATE (type 4). */
  sendAutocomplete(
    spec: Omit<InteractionSpec, "type" | "userId"> & { userId?: string },
  ): FakeInteraction {
    return this.#interact({
      ...spec,
      userId: spec.userId ?? this.defaultUserId,
      type: 4,
    });
  }

  /** A user presses a button on a message: a MESSAGE_COMPONENT INTERACTION_CREATE (type 3). */
  pressButton(
    spec: Omit<ButtonPressSpec, "userId"> & { userId?: string },
  ): FakeInteraction {
    const { interaction, payload } = createButtonInteraction(this.world, {
      ...spec,
      userId: spec.userId ?? this.defaultUserId,
    });
    this.gateway.dispatch(
      "INTERACTION_CREATE",
      (s) => sessionSees(s, interaction.guildId, null) ? payload : undefined,
    );
    return interaction;
  }

  /** Creates a thread under a channel and dispatches THREAD_CREATE. */
  createThread(spec: FakeThreadSpec): FakeChannel {
    const thread = this.world.addThread(spec);
    this.gateway.dispatch(
      "THREAD_CREATE",
      (s) =>
        sessionSees(s, thread.guildId, Intents.Guilds)
          ? { ...channelObject(thread, this.world), newly_created: true }
          : undefined,
    );
    return thread;
  }

  /** A moderator archives (and perhaps locks) a thread: THREAD_UPDATE dispatched. */
  archiveThread(threadId: string, options: { locked?: boolean } = {}): void {
    const thread = this.world.channels.get(threadId);
    if (!thread || thread.parentId === null) {
      throw new Error(`Cannot archive ${threadId}: not a thread`);
    }
    thread.archived = true;
    thread.locked = options.locked ?? false;
    this.gateway.dispatch(
      "THREAD_UPDATE",
      (s) =>
        sessionSees(s, thread.guildId, Intents.Guilds)
          ? channelObject(thread, this.world)
          : undefined,
    );
  }

  /** A moderator deletes a thread with its messages: THREAD_DELETE dispatched (id, guild, parent, type). */
  deleteThread(threadId: string): void {
    const thread = this.world.channels.get(threadId);
    if (!thread || thread.parentId === null) {
      throw new Error(`Cannot delete ${threadId}: not a thread`);
    }
    this.world.channels.delete(threadId);
    for (const m of this.world.messagesIn(threadId)) m.deleted = true;
    this.gateway.dispatch(
      "THREAD_DELETE",
      (s) =>
        sessionSees(s, thread.guildId, Intents.Guilds)
          ? {
            id: thread.id,
            guild_id: thread.guildId,
            parent_id: thread.parentId,
            type: thread.type,
          }
          : undefined,
    );
  }

  /** Sets a member's roles in a guild (the bot's too: its permissions come from them). */
  setMemberRoles(guildId: string, userId: string, roleIds: string[]): void {
    const guild = this.world.guilds.get(guildId);
    if (!guild) {
      throw new Error(`Cannot change roles in unknown guild ${guildId}`);
    }
    guild.memberRoles.set(userId, roleIds);
  }

  /** The bot joins a guild: stored, then GUILD_CREATE dispatched. */
  addGuild(spec: FakeGuildSpec): void {
    const guild = this.world.addGuild(spec);
    this.gateway.dispatch(
      "GUILD_CREATE",
      (s) =>
        sessionSees(s, guild.id, Intents.Guilds)
          ? guildCreatePayload(guild, this.world)
          : undefined,
    );
  }

  /** Dispatches any event `t` with data `d` (sequenced, replayable) to every live session. */
  dispatch(t: string, d: unknown): number {
    return this.gateway.dispatch(t, () => d);
  }

  /** Makes the bot's sends to a channel succeed or fail with 403 Missing Permissions. */
  setSendable(channelId: string, sendable: boolean): void {
    const channel = this.world.channels.get(channelId);
    if (!channel) throw new Error(`Cannot change unknown channel ${channelId}`);
    channel.sendable = sendable;
  }

  /** Injects failures for the next matching requests (see `FailureRule`). */
  failNext(rule: FailureRule): void {
    this.failures.push({ ...rule });
  }

  /** Stops both listeners, dropping every connection. Shut the bot down first. */
  async close(): Promise<void> {
    await this.gateway.close();
    await this.#rest.shutdown();
  }

  #dispatchMessage(
    t: "MESSAGE_CREATE" | "MESSAGE_UPDATE",
    message: FakeMessage,
  ): void {
    this.gateway.dispatch(t, (s) => messageEventFor(this.world, message, s));
  }

  #interact(spec: InteractionSpec): FakeInteraction {
    const { interaction, payload } = createInteraction(this.world, spec);
    this.gateway.dispatch(
      "INTERACTION_CREATE",
      (s) => sessionSees(s, interaction.guildId, null) ? payload : undefined,
    );
    return interaction;
  }
}
