/**
 * Which conversation each recent session had open, as this process last saw it. Only a guess: it
 * lets `message.send` read the session and its conversation in one round trip instead of two. The
 * session's `openConversationId`, read consistently in that same round trip, stays the authority; a
 * stale or missing guess costs the second read, nothing else. Bounded, oldest forgotten first.
 */
export class OpenConversationHints {
  private readonly bySession = new Map<string, string>();

  constructor(private readonly capacity = 10_000) {}

  guess(sessionId: string): string | undefined {
    return this.bySession.get(sessionId);
  }

  remember(sessionId: string, conversationId: string): void {
    // Re-inserting moves the session to the newest end of the Map's insertion order.
    this.bySession.delete(sessionId);
    this.bySession.set(sessionId, conversationId);
    if (this.bySession.size <= this.capacity) return;
    const oldest = this.bySession.keys().next();
    if (!oldest.done) this.bySession.delete(oldest.value);
  }
}
