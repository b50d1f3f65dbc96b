/**
 * The port of paging cursors (`nextCursor` / `cursor` of `ticket.list` and `history.get`,
 * docs/protocol.md "Paging"): an opaque, tamper-evident token that carries where the next page
 * starts, bound to who asked and for what, so that a client can neither forge a position nor use
 * another caller's cursor.
 */

/** What a cursor is bound to: the action and list it pages (e.g. `ticket.list:received`) and the caller. */
export interface CursorScope {
  /** The action and its filter, e.g. `history.get:<conversationId>`. */
  list: string;
  /** Who asked: the citizen id, else the session id; staff their principal id. */
  caller: string;
}

export interface PagingCursors {
  /** Seals `position` (a small JSON value) into an opaque cursor for `scope`. */
  seal(scope: CursorScope, position: unknown): Promise<string>;
  /**
   * Opens a cursor sealed for `scope`: its position, or `undefined` when it was not sealed by this
   * service, was changed, was sealed for another scope, or has expired.
   */
  open(scope: CursorScope, cursor: string): Promise<unknown>;
}
