/**
 * A chat message as clients see it: who wrote it, its text and seq, and the bot's suggestions. The
 * one shape every frame that carries messages shares (`message`, `history`, `conversation.assigned`),
 * so it sits apart from the frames that use it.
 */

export type MessageAuthor = 'citizen' | 'bot' | 'operator' | 'system';

export interface Suggestion {
  intent: string;
  title: string;
}

/** A message as clients see it, pushed alone or inside `history`. */
export interface ChatMessage {
  conversationId: string;
  messageId: string;
  seq: number;
  from: MessageAuthor;
  text: string;
  ts: string;
  attachments?: string[];
  intent?: string;
  confidence?: number;
  suggestions?: Suggestion[];
  operator?: { displayName: string };
}
