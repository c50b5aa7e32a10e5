/**
 * The error every store implementation raises when an operation cannot be
 * done: the message says what could not be done and why (`Cannot store the
 * message in conversation 123: the store is closed`), and `cause` keeps the
 * database's own error.
 */
export class StoreError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}
