/**
 * The conversation as the citizen sees it: messages in `seq` order without gaps or duplicates,
 * and the citizen's own messages that have no `seq` yet (sending, waiting for the network, failed).
 * A message's attachments are drawn by the widget's {@link TranscriptParts.attachments} (thumbnails
 * and links through `attachment.url`); a message still waiting for its files shows each file's state.
 * It owns the `role="log"` element; nothing else writes into it.
 */
import type { ChatMessage } from '#events/chat-message.ts';
import type { MessageAckFrame } from '#events/server-frames.ts';
import { keepAtEnd } from '../shared/attachment-links.ts';
import { formatTime, h, linkified, replace } from '../shared/dom.ts';
import type { PendingFile } from './attachment-tray.ts';
import type { Strings, WidgetLang } from './strings.ts';

export type OutgoingStatus = 'sending' | 'failed';

export interface Outgoing {
  clientMessageId: string;
  text: string;
  status: OutgoingStatus;
  /** The files that go with it: it leaves once each is ready or refused. */
  files: PendingFile[];
  /** False when the text stands in for the files' names (a file sent on its own). */
  typed: boolean;
  element: HTMLElement;
}

/** How the widget draws what the transcript does not own: attachments and the files' states. */
export interface TranscriptParts {
  attachments(attachmentIds: string[]): HTMLElement;
  describeFile(file: PendingFile): string;
}

export class Transcript {
  /** The conversation whose messages the log is keyed by. */
  conversationId: string | null = null;
  private readonly bySeq = new Map<number, { message: ChatMessage; element: HTMLElement }>();
  private readonly outgoing = new Map<string, Outgoing>();
  /** Every seq from 1 to this one is shown. */
  lastContiguousSeq = 0;
  /**
   * The assistant's greeting, with topics to start from, shown above the log while it shows nothing
   * (a new visitor, no open conversation, signed out); the widget places it. Not a message: the
   * server stores nothing of it, and the log holds the conversation alone.
   */
  readonly intro = h('div', { class: 'intro', hidden: true });

  constructor(
    readonly element: HTMLElement,
    private strings: () => { s: Strings; lang: WidgetLang },
    private readonly onRetry: (clientMessageId: string) => void,
    private readonly onSuggestion: (title: string) => void,
    private readonly parts: TranscriptParts,
  ) {
    keepAtEnd(element);
  }

  /** Starts over for another conversation (a new one after the last was closed). */
  switchTo(conversationId: string | null): void {
    if (conversationId === this.conversationId) return;
    if (this.conversationId !== null && conversationId !== null) {
      for (const { element } of this.bySeq.values()) element.removeAttribute('data-seq');
    }
    this.conversationId = conversationId;
    this.bySeq.clear();
    this.lastContiguousSeq = 0;
  }

  /** Empties the log: after signing out, nothing of the conversation stays on a shared screen. */
  clear(): void {
    this.element.replaceChildren();
    this.bySeq.clear();
    this.outgoing.clear();
    this.conversationId = null;
    this.lastContiguousSeq = 0;
    this.hideIntro();
    this.showIntro();
  }

  /**
   * Greets while the log shows nothing; the first message there takes its place. Drawn once (a
   * reconnect's `welcome` leaves a topic the keyboard is on where it is); the empty log, folded
   * away meanwhile, is no stop for the Tab key.
   */
  showIntro(): void {
    if (!this.intro.hidden || this.element.childElementCount > 0) return;
    this.intro.hidden = false;
    this.element.tabIndex = -1;
    this.renderIntro();
  }

  private hideIntro(): void {
    if (this.intro.hidden) return;
    this.intro.hidden = true;
    this.element.tabIndex = 0;
    replace(this.intro);
  }

  /** Adds a message (pushed or from `history`); one already shown is ignored. True when new. */
  add(message: ChatMessage): boolean {
    if (this.conversationId === null) this.conversationId = message.conversationId;
    if (message.conversationId !== this.conversationId || this.bySeq.has(message.seq)) return false;
    this.hideIntro();
    const element = this.render(message);
    this.bySeq.set(message.seq, { message, element });
    this.insertInOrder(message.seq, element);
    while (this.bySeq.has(this.lastContiguousSeq + 1)) this.lastContiguousSeq++;
    this.showSuggestionsOfLast();
    // Again once the suggestions are drawn: they add to the height.
    this.scroll();
    return true;
  }

  /** Shows the end of the log (the panel opened: while hidden, the log had no height to scroll). */
  scrollToEnd(): void {
    this.scroll();
  }

  /** True when a seq higher than the contiguous run is shown: something was missed. */
  hasGap(): boolean {
    for (const seq of this.bySeq.keys()) if (seq > this.lastContiguousSeq) return true;
    return false;
  }

  queue(clientMessageId: string, text: string, files: PendingFile[] = [], typed = true): void {
    const element = h('div', { class: 'msg citizen', 'data-client-id': clientMessageId });
    const entry: Outgoing = { clientMessageId, text, status: 'sending', files, typed, element };
    this.outgoing.set(clientMessageId, entry);
    this.hideIntro();
    this.renderOutgoing(entry);
    this.element.appendChild(element);
    this.scroll();
  }

  pending(): Omit<Outgoing, 'element'>[] {
    return [...this.outgoing.values()];
  }

  /** Takes back a message that has nothing left to say (a file sent on its own that was refused). */
  drop(clientMessageId: string): void {
    this.outgoing.get(clientMessageId)?.element.remove();
    this.outgoing.delete(clientMessageId);
  }

  /** Redraws the messages waiting for files (a file's state changed). */
  refreshFiles(): void {
    for (const entry of this.outgoing.values()) if (entry.files.length > 0) this.renderOutgoing(entry);
  }

  setStatus(clientMessageId: string, status: OutgoingStatus): void {
    const entry = this.outgoing.get(clientMessageId);
    if (!entry) return;
    entry.status = status;
    this.renderOutgoing(entry);
  }

  /** The server stored the message (with `attachmentIds`): it takes its place by `seq` (once, whatever came first). */
  acknowledge(ack: MessageAckFrame, attachmentIds: string[] = []): void {
    const entry = this.outgoing.get(ack.clientMessageId);
    if (!entry) return;
    this.outgoing.delete(ack.clientMessageId);
    entry.element.remove();
    if (this.conversationId !== ack.conversationId) this.switchTo(ack.conversationId);
    this.add({
      conversationId: ack.conversationId,
      messageId: ack.messageId,
      seq: ack.seq,
      from: 'citizen',
      text: entry.text,
      ts: ack.ts,
      ...(attachmentIds.length > 0 ? { attachments: attachmentIds } : {}),
    });
  }

  /** Redraws every message in another language (labels only; texts stay as sent). */
  relabel(): void {
    for (const entry of this.bySeq.values()) {
      const fresh = this.render(entry.message);
      entry.element.replaceWith(fresh);
      entry.element = fresh;
    }
    for (const entry of this.outgoing.values()) this.renderOutgoing(entry);
    this.showSuggestionsOfLast();
    if (!this.intro.hidden) this.renderIntro();
  }

  private renderIntro(): void {
    const { s } = this.strings();
    replace(
      this.intro,
      h(
        'div',
        { class: 'msg' },
        h('span', { class: 'who' }, s.bot),
        h('p', { class: 'text' }, s.intro),
        h(
          'div',
          { class: 'chips', role: 'group', 'aria-label': s.topicsLabel },
          s.topics.map((topic) =>
            h('button', { type: 'button', class: 'chip', onclick: () => this.onSuggestion(topic) }, topic),
          ),
        ),
      ),
    );
  }

  private render(message: ChatMessage): HTMLElement {
    const { s, lang } = this.strings();
    const author =
      message.from === 'citizen'
        ? s.you
        : message.from === 'operator'
          ? (message.operator?.displayName ?? s.operator)
          : message.from === 'bot'
            ? s.bot
            : s.system;
    return h(
      'div',
      { class: `msg ${message.from}`, 'data-seq': message.seq },
      h('span', { class: 'who' }, author),
      // Addresses the bot or an operator gives are links; a citizen's own text stays text.
      h('p', { class: 'text' }, message.from === 'citizen' ? message.text : linkified(message.text)),
      message.attachments?.length ? this.parts.attachments(message.attachments) : null,
      h(
        'span',
        { class: 'meta' },
        formatTime(message.ts, lang),
        message.from === 'citizen' ? ` · ${s.delivered}` : '',
      ),
      h('div', { class: 'chips' }),
    );
  }

  private renderOutgoing(entry: Outgoing): void {
    const { s } = this.strings();
    replace(
      entry.element,
      h('span', { class: 'who' }, s.you),
      h('p', { class: 'text' }, entry.text),
      entry.files.length > 0
        ? h(
            'ul',
            { class: 'attachments', role: 'list' },
            entry.files.map((file) =>
              h('li', { class: `file-state ${file.status}` }, this.parts.describeFile(file)),
            ),
          )
        : null,
      h(
        'span',
        { class: `meta ${entry.status}` },
        entry.status === 'failed' ? s.failed : s.sending,
        entry.status === 'failed'
          ? h(
              'button',
              { type: 'button', class: 'link', onclick: () => this.onRetry(entry.clientMessageId) },
              s.retry,
            )
          : null,
      ),
    );
  }

  /** Only the latest bot answer offers its suggestions as buttons. */
  private showSuggestionsOfLast(): void {
    for (const { element } of this.bySeq.values()) {
      const chips = element.querySelector('.chips');
      if (chips) replace(chips);
    }
    const last = [...this.bySeq.values()].sort((a, b) => b.message.seq - a.message.seq)[0];
    const suggestions = last?.message.from === 'bot' ? (last.message.suggestions ?? []) : [];
    const chips = last?.element.querySelector('.chips');
    if (!chips) return;
    replace(
      chips,
      suggestions.map((suggestion) =>
        h(
          'button',
          { type: 'button', class: 'chip', onclick: () => this.onSuggestion(suggestion.title) },
          suggestion.title,
        ),
      ),
    );
  }

  private insertInOrder(seq: number, element: HTMLElement): void {
    const after = [...this.element.querySelectorAll<HTMLElement>('[data-seq]')].find(
      (other) => Number(other.dataset.seq) > seq,
    );
    const firstOutgoing = this.element.querySelector('[data-client-id]');
    this.element.insertBefore(element, after ?? firstOutgoing ?? null);
    this.scroll();
  }

  private scroll(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}
