import { type DiscordError, invalidFormBody } from "./message_rules.ts";

/** Component types the fake understands (Discord's values). */
export const ComponentType = { ActionRow: 1, Button: 2 } as const;

const MAX_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;
const MAX_CUSTOM_ID = 100;
const MAX_LABEL = 80;
const LINK_STYLE = 5;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a message's `components` against Discord's rules for buttons: at most 5 action rows
 * (type 1) of at most 5 buttons (type 2); a button has a style 1–5, a label of at most 80
 * characters or an emoji, a `custom_id` of 1–100 characters (a link button a `url` instead),
 * and custom ids are unique within the message. Returns the first problem, or null.
 */
export function checkComponents(components: unknown): DiscordError | null {
  if (components === undefined || components === null) return null;
  if (!Array.isArray(components)) {
    return invalidFormBody(
      ["components"],
      "BASE_TYPE_ARRAY",
      "Must be an array.",
    );
  }
  if (components.length > MAX_ROWS) {
    return invalidFormBody(
      ["components"],
      "BASE_TYPE_MAX_LENGTH",
      `Must be ${MAX_ROWS} or fewer in length.`,
    );
  }
  const ids = new Set<string>();
  for (const [r, row] of components.entries()) {
    if (!isRecord(row) || row.type !== ComponentType.ActionRow) {
      return invalidFormBody(
        ["components", r, "type"],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (1,).',
      );
    }
    const buttons = Array.isArray(row.components) ? row.components : [];
    if (buttons.length < 1 || buttons.length > MAX_BUTTONS_PER_ROW) {
      return invalidFormBody(
        ["components", r, "components"],
        buttons.length < 1 ? "BASE_TYPE_MIN_LENGTH" : "BASE_TYPE_MAX_LENGTH",
        buttons.length < 1
          ? "Must be 1 or more in length."
          : `Must be ${MAX_BUTTONS_PER_ROW} or fewer in length.`,
      );
    }
    for (const [b, button] of buttons.entries()) {
      const at = ["components", r, "components", b];
      if (!isRecord(button) || button.type !== ComponentType.Button) {
        return invalidFormBody(
          [...at, "type"],
          "UNION_TYPE_CHOICES",
          "Invalid component type.",
        );
      }
      const style = button.style;
      if (typeof style !== "number" || style < 1 || style > LINK_STYLE) {
        return invalidFormBody(
          [...at, "style"],
          "BASE_TYPE_CHOICES",
          "Value must be one of {1, 2, 3, 4, 5}.",
        );
      }
      const label = button.label;
      if (
        label !== undefined &&
        (typeof label !== "string" || label.length > MAX_LABEL)
      ) {
        return invalidFormBody(
          [...at, "label"],
          "BASE_TYPE_MAX_LENGTH",
          `Must be ${MAX_LABEL} or fewer in length.`,
        );
      }
      if (label === undefined && button.emoji === undefined) {
        return invalidFormBody(
          [...at],
          "COMPONENT_INVALID_BUTTON",
          "A button needs a label or an emoji.",
        );
      }
      if (style === LINK_STYLE) {
        if (typeof button.url !== "string" || button.custom_id !== undefined) {
          return invalidFormBody(
            [...at, "url"],
            "BUTTON_COMPONENT_URL_REQUIRED",
            "A link button needs a url and no custom_id.",
          );
        }
        continue;
      }
      const id = button.custom_id;
      if (
        typeof id !== "string" || id.length < 1 || id.length > MAX_CUSTOM_ID
      ) {
        return invalidFormBody(
          [...at, "custom_id"],
          typeof id === "string"
            ? "BASE_TYPE_BAD_LENGTH"
            : "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
          typeof id === "string"
            ? `Must be between 1 and ${MAX_CUSTOM_ID} in length.`
            : "A custom id is required",
        );
      }
      if (ids.has(id)) {
        return invalidFormBody(
          [...at, "custom_id"],
          "COMPONENT_CUSTOM_ID_DUPLICATED",
          "Component custom id cannot be duplicated",
        );
      }
      ids.add(id);
    }
  }
  return null;
}

/** The custom ids of a message's buttons, in order. */
export function buttonIds(components: readonly unknown[]): string[] {
  return components.flatMap((row) =>
    isRecord(row) && Array.isArray(row.components)
      ? row.components.flatMap((b) =>
        isRecord(b) && typeof b.custom_id === "string" ? [b.custom_id] : []
      )
      : []
  );
}
