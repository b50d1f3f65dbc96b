/**
 * The citizen's chat widget: `<support-chat>`, a custom element with its own Shadow DOM, added by
 * one script tag (the element is created if the page has none). It owns the session on this
 * device: the resume token in localStorage (shared by the page's tabs: each reconnect takes the
 * newest, so a tab whose connection the server closed because another tab identified comes back
 * with that tab's token), the socket and its reconnection, the messages typed while offline (sent
 * once, in order, with their `clientMessageId`), signing out, and the screens: the chat,
 * identification, "My requests" and the rating. Attachments: the tray (./attachment-tray.ts) uploads
 * the files; a message takes the tray's files and leaves once each has its verdict.
 */

import type { AttachmentReadyFrame, AttachmentRejectedFrame } from '#events/attachments.ts';
import type { ChatMessage } from '#events/chat-message.ts';
import type { AuthVerifiedFrame } from '#events/identification.ts';
import type {
  ConversationUpdatedFrame,
  HistoryFrame,
  MessageAckFrame,
  SuggestionsFrame,
  WelcomeFrame,
} from '#events/server-frames.ts';
import type { ConnectionClosedFrame } from '#events/session-frames.ts';
import type { FeedbackRequestFrame, TicketsFrame, TicketView } from '#events/tickets.ts';
import { AttachmentLinks } from '../shared/attachment-links.ts';
import { loadConfig, type PublicConfig } from '../shared/config.ts';
import { ChatConnection, type ConnectionState, type Frame } from '../shared/connection.ts';
import { h, replace, uuid } from '../shared/dom.ts';
import { ATTACHMENT_STRINGS, type AttachmentStrings } from './attachment-strings.ts';
import { AttachmentTray, isSettled, type PendingFile } from './attachment-tray.ts';
import { IdentifyView } from './identify.ts';
import { awaitedText, RequestsView } from './requests.ts';
import { STRINGS, type Strings, type WidgetLang } from './strings.ts';
import { Transcript } from './transcript.ts';
import { VISIT_STRINGS } from './visit-strings.ts';
import { VisitsView } from './visits.ts';
import css from './widget.css';

const TOKEN_KEY = 'support-chat.resumeToken';
/** The session the stored token resumes: a tab told that session was signed out drops only its token. */
const SESSION_KEY = 'support-chat.sessionId';
const LANG_KEY = 'support-chat.lang';
const SUGGEST_DEBOUNCE_MS = 250;
const SUGGEST_WAIT_MS = 5000;
const TYPING_SHOWN_MS = 4000;
/** Where the panel covers the whole page (widget.css, the same width). */
const FULL_SCREEN = '(max-width: 480px)';
/** What Tab stops at. */
const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
const scriptOrigin = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

type View = 'chat' | 'identify' | 'requests' | 'visits';

export class SupportChatElement extends HTMLElement {
  private readonly root = this.attachShadow({ mode: 'open' });
  private language: WidgetLang = 'ru';
  private config: Promise<PublicConfig> | undefined;
  private connection: ChatConnection | undefined;
  private token: string | null = null;
  private refusals = 0;
  /** The language was switched while a socket was opening: its session may still speak the old one. */
  private languageToConfirm = false;
  private verified = false;
  /** The `nextCursor` of the last page of "My requests" shown: "Show more" asks for the page after it. */
  private requestsCursor: string | undefined;
  private view: View = 'chat';
  private state: ConversationUpdatedFrame | undefined;
  /**
   * The last ticket pushed (`ticket.updated`): what is awaited while it waits, and its final note
   * once closed, are said with the status.
   */
  private pushedTicket: TicketView | undefined;
  private flushing = false;
  private catchingUp = false;
  private suggestTimer: ReturnType<typeof setTimeout> | undefined;
  private latestSuggest = '';
  private lastTypingSent = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the rating form rates: the conversation's ticket (`feedback.request`) or a ticket chosen in "My requests". */
  private feedback: { conversationId?: string; ticketId: string } | undefined;
  private connectionState: ConnectionState = 'closed';
  /** The session of the current socket said `welcome`: frames may go (its token is stored). */
  private ready = false;
  private readonly readyWaiters = new Set<() => void>();

  private readonly launcher = h('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false' });
  private readonly panel = h('section', { class: 'panel', hidden: true, role: 'dialog' });
  private readonly log = h('div', { role: 'log', class: 'log', tabindex: 0 });
  private readonly transcript: Transcript;
  private readonly identify: IdentifyView;
  private readonly requests: RequestsView;
  private readonly visits: VisitsView;
  private readonly announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  private readonly links = new AttachmentLinks((frame) => this.ask(frame));
  private readonly tray: AttachmentTray;

  constructor() {
    super();
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    this.root.adoptedStyleSheets = [sheet];
    this.tray = new AttachmentTray({
      ask: (frame) => this.ask(frame),
      conversationId: () => this.transcript.conversationId,
      language: () => this.language,
      onChange: () => {
        this.transcript.refreshFiles();
        void this.flush();
      },
      announce: (text) => this.announce(text),
      links: this.links,
    });
    this.transcript = new Transcript(
      this.log,
      () => ({ s: this.s, lang: this.language }),
      (id) => this.retry(id),
      (title) => {
        this.sendText(title);
        // The chip goes with the next answer: the focus goes on where the citizen writes.
        this.root.querySelector<HTMLTextAreaElement>('#sc-message')?.focus();
      },
      {
        attachments: (ids) => this.links.render(ids, this.as, this.language),
        describeFile: (file) => this.tray.describe(file),
      },
    );
    this.identify = new IdentifyView(
      (frame) => this.ask(frame),
      () => this.s,
      (frame) => this.verifiedNow(frame),
      () => this.signOut(),
    );
    this.requests = new RequestsView(
      () => ({ s: this.s, lang: this.language }),
      (ticket) => {
        this.feedback = { ticketId: ticket.ticketId };
        this.show('chat');
        this.renderFeedback();
        this.root.querySelector<HTMLInputElement>('input[name="rating"]')?.focus();
      },
      () => void this.loadMoreRequests(),
    );
    this.visits = new VisitsView({
      ask: (frame) => this.ask(frame),
      strings: () => ({ v: VISIT_STRINGS[this.language], lang: this.language }),
      verified: () => this.verified,
      identify: () => {
        this.show('identify');
        this.root.querySelector<HTMLInputElement>('#sc-contact')?.focus();
      },
      announce: (text) => this.announce(text),
      // Only a page of the widget's own site: a path, never another scheme.
      pageUrl: (path) => {
        const url = new URL(path, this.getAttribute('config-origin') ?? scriptOrigin);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : '';
      },
      leave: () => {
        this.show('chat');
        this.root.querySelector<HTMLElement>('[data-tab="visits"]')?.focus();
      },
    });
  }

  private get s(): Strings {
    return STRINGS[this.language];
  }

  private get as(): AttachmentStrings {
    return ATTACHMENT_STRINGS[this.language];
  }

  connectedCallback(): void {
    const stored = localStorage.getItem(LANG_KEY);
    const wanted = this.getAttribute('lang') ?? stored ?? document.documentElement.lang;
    this.language = wanted?.startsWith('en') ? 'en' : 'ru';
    this.token = localStorage.getItem(TOKEN_KEY);
    this.launcher.addEventListener('click', () => this.toggle());
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.toggle(false);
      if (event.key === 'Tab') this.keepFocusInFullScreen(event);
    });
    this.render();
    // A session to resume is resumed at once (`welcome` says whether to greet); a new visitor is
    // greeted, and connects when opening the chat.
    if (this.token) this.connectionFor().start();
    else this.transcript.showIntro();
  }

  /**
   * On a small screen the panel covers the whole page: Tab and Shift+Tab go round within it, never
   * to the page hidden behind (Escape or «Закрыть» leaves it). On a wide screen the page stays in
   * view and Tab goes on to it.
   */
  private keepFocusInFullScreen(event: KeyboardEvent): void {
    if (!window.matchMedia(FULL_SCREEN).matches) return;
    const stops = [...this.panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (element) =>
        element.getClientRects().length > 0 &&
        element.tabIndex >= 0 &&
        !element.matches(':disabled') &&
        // Of a radio group, Tab stops at the checked one only.
        !(element instanceof HTMLInputElement && element.type === 'radio' && !element.checked),
    );
    const first = stops[0];
    const last = stops.at(-1);
    if (!first || !last) return;
    const active = this.root.activeElement;
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  disconnectedCallback(): void {
    this.connection?.stop();
  }

  private connectionFor(): ChatConnection {
    if (this.connection) return this.connection;
    this.config ??= loadConfig(this.getAttribute('config-origin') ?? scriptOrigin);
    let wsUrl = '';
    void this.config.then((config) => {
      wsUrl = config.wsUrl;
    });
    this.connection = new ChatConnection({
      url: () => {
        const url = new URL(wsUrl || 'ws://invalid.invalid/');
        url.searchParams.set('lang', this.language);
        // The newest token of any tab: after another tab identified, only its token resumes the session.
        this.token = localStorage.getItem(TOKEN_KEY) ?? this.token;
        if (this.token) url.searchParams.set('token', this.token);
        return url.toString();
      },
      onOpen: () => void this.afterOpen(),
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => this.onConnectionState(state),
      onRefused: () => void this.onRefused(),
    });
    const start = this.connection.start.bind(this.connection);
    this.connection.start = () => void this.config?.then(start);
    return this.connection;
  }

  // ——— connection ———

  private async afterOpen(): Promise<void> {
    const connection = this.connectionFor();
    this.refusals = 0;
    try {
      const welcome = (await connection.request({ action: 'hello' })) as WelcomeFrame;
      if (welcome.type !== 'welcome') return;
      this.storeToken(welcome.resumeToken, welcome.sessionId);
      // Opened before a language switch, with the old `lang`: once more with the new one.
      if (this.languageToConfirm) {
        this.languageToConfirm = false;
        if (welcome.lang !== this.language) {
          connection.reconnectNow();
          return;
        }
      }
      const verifiedChanged = this.verified !== welcome.verified;
      this.verified = welcome.verified;
      this.ready = true;
      for (const wake of this.readyWaiters) wake();
      if (welcome.conversationId) {
        this.transcript.switchTo(welcome.conversationId);
        // Where it stands, at once after a reload (the place in line comes with the next tick);
        // kept when this page already knows more of the same conversation (a reconnect).
        const known = this.state?.conversationId === welcome.conversationId;
        if (welcome.conversation && (!known || this.state?.state !== welcome.conversation.state)) {
          this.state = {
            type: 'conversation.updated',
            conversationId: welcome.conversationId,
            ...welcome.conversation,
          };
          this.renderStatus();
        }
        void this.readTicketOfConversation();
        await this.catchUp();
      } else this.transcript.showIntro();
      await this.flush();
      // A verdict pushed while the socket was down is asked for.
      void this.tray.recheck();
      if (this.view === 'requests') void this.loadRequests();
      if (this.view === 'visits') void this.visits.refresh();
      // Redrawn only when it changes: a code being asked for or typed is not wiped by a reconnect.
      if (this.view === 'identify' && verifiedChanged) this.identify.render(this.verified);
    } catch {
      // The socket closed meanwhile: the next open starts over.
    }
  }

  /** Reads what was missed (`history.get` after the last contiguous seq) until nothing is left. */
  private async catchUp(): Promise<void> {
    const conversationId = this.transcript.conversationId;
    if (!conversationId || this.catchingUp) return;
    this.catchingUp = true;
    try {
      for (;;) {
        const answer = await this.connectionFor().request({
          action: 'history.get',
          conversationId,
          afterSeq: this.transcript.lastContiguousSeq,
          limit: 100,
        });
        if (answer.type !== 'history') return;
        const history = answer as HistoryFrame;
        for (const message of history.messages) this.showMessage(message, false);
        if (!history.hasMore || history.messages.length === 0) return;
      }
    } finally {
      this.catchingUp = false;
    }
  }

  private onConnectionState(state: ConnectionState): void {
    this.connectionState = state;
    if (state !== 'open') this.ready = false;
    this.renderStatus();
  }

  /** A socket refused before opening: after three refusals while the site answers, the token is dropped. */
  private async onRefused(): Promise<void> {
    if (!this.token || !navigator.onLine) return;
    if (++this.refusals < 3) return;
    try {
      const response = await fetch(new URL('/config.json', scriptOrigin), { cache: 'no-store' });
      if (response.ok) this.storeToken(null);
    } catch {
      // the site is unreachable too: keep the token
    }
  }

  /**
   * Sends a frame once the session is ready (connecting first if needed), so that a click made
   * while the socket opens is not lost and never races `hello` for the stored token.
   */
  private async ask(frame: Record<string, unknown>, waitMs = 10_000): Promise<Frame> {
    const connection = this.connectionFor();
    if (!this.ready) {
      connection.start();
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.readyWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.readyWaiters.add(wake);
      });
    }
    return connection.request(frame);
  }

  private storeToken(token: string | null, sessionId?: string): void {
    this.token = token;
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    if (token && sessionId) localStorage.setItem(SESSION_KEY, sessionId);
    else if (!token) localStorage.removeItem(SESSION_KEY);
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case 'message':
        this.showMessage(frame as unknown as ChatMessage, true);
        break;
      case 'conversation.updated':
        this.state = frame as ConversationUpdatedFrame;
        if (this.state.state !== 'closed') this.transcript.switchTo(this.state.conversationId);
        this.renderStatus();
        this.announce(this.statusText());
        void this.readTicketOfConversation();
        break;
      case 'typing':
        this.showTyping();
        break;
      case 'attachment.ready':
        this.tray.onReady(frame as AttachmentReadyFrame);
        break;
      case 'attachment.rejected':
        this.tray.onRejected(frame as AttachmentRejectedFrame);
        break;
      case 'ticket.updated': {
        const { ticket } = frame as { ticket: TicketView };
        this.requests.update(ticket);
        this.pushedTicket = ticket;
        this.renderStatus();
        this.announce(
          [`${ticket.number}: ${ticket.statusLabel}`, awaitedText(this.s, this.language, ticket)]
            .filter(Boolean)
            .join('. '),
        );
        break;
      }
      case 'feedback.request':
        this.feedback = frame as FeedbackRequestFrame;
        this.renderFeedback();
        break;
      case 'connection.closed':
        // `identified`: nothing to do — the socket closes and the reconnect takes the token the
        // identifying tab stored. `session_ended`: another tab signed out.
        if ((frame as ConnectionClosedFrame).reason === 'session_ended')
          this.signedOut((frame as ConnectionClosedFrame).sessionId);
        break;
    }
  }

  private showMessage(message: ChatMessage, live: boolean): void {
    if (
      message.conversationId !== this.transcript.conversationId &&
      this.transcript.conversationId !== null
    ) {
      if (this.state?.state !== 'closed') return;
      this.transcript.switchTo(message.conversationId);
    }
    const added = this.transcript.add(message);
    // The log (role="log") announces new messages itself.
    if (added && live && message.from !== 'citizen') this.hideTyping();
    // A jump in seq means something was missed — unless our own send is still waiting for its ack.
    if (live && this.transcript.hasGap() && !this.flushing) void this.catchUp();
  }

  // ——— sending ———

  /**
   * Queues a message; from the composer (`withFiles`) it takes the tray's files along. Files
   * alone go with their names as the text (the protocol requires one). A conversation begins with
   * words: the first message cannot be files alone.
   */
  private sendText(text: string, withFiles = false): void {
    const trimmed = text.trim();
    const hasFiles = withFiles && this.tray.hasFiles();
    if (!trimmed && !hasFiles) return;
    if (!trimmed && this.transcript.conversationId === null) {
      this.tray.askForWords();
      return;
    }
    const files = hasFiles ? this.tray.take() : [];
    this.transcript.queue(uuid(), trimmed || namesOf(files), files, trimmed !== '');
    this.connectionFor().start();
    void this.flush();
  }

  private retry(clientMessageId: string): void {
    this.transcript.setStatus(clientMessageId, 'sending');
    void this.flush();
  }

  /** Sends the waiting messages one after another, each until it is acknowledged or refused. */
  private async flush(): Promise<void> {
    const connection = this.connectionFor();
    if (this.flushing || !connection.isOpen || !this.ready) return;
    this.flushing = true;
    try {
      for (;;) {
        const next = this.transcript.pending().find((p) => p.status === 'sending');
        if (!next) break;
        // Files that waited for a conversation start now that there is one; the message waits for
        // its files' verdicts (the tray's onChange flushes again).
        if (this.transcript.conversationId !== null) this.tray.conversationKnown();
        if (next.files.some((file) => file.status !== 'waiting' && !isSettled(file))) break;
        const ready = next.files.filter((file) => file.status === 'ready');
        const attachmentIds = ready.flatMap((file) => (file.attachmentId ? [file.attachmentId] : []));
        // Refused files go back to the tray, where the reason stays (and a failed one can be tried again).
        this.tray.giveBack(
          next.files.filter((file) => file.status === 'rejected' || file.status === 'failed'),
        );
        // No conversation to attach to yet: the words go now and open it, the files follow on their own.
        const later = next.files.filter((file) => file.status === 'waiting');
        if (!next.typed && attachmentIds.length === 0 && later.length === 0) {
          this.transcript.drop(next.clientMessageId);
          continue;
        }
        let answer: Frame;
        try {
          answer = await connection.request({
            action: 'message.send',
            clientMessageId: next.clientMessageId,
            text: next.text,
            ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
          });
        } catch (error) {
          // Closed: it stays `sending` and goes again after the reconnect, with the same id.
          if (error instanceof Error && error.message === 'timeout')
            this.transcript.setStatus(next.clientMessageId, 'failed');
          break;
        }
        if (answer.type === 'message.ack') {
          const ack = answer as MessageAckFrame;
          if (this.state && this.state.conversationId !== ack.conversationId) this.newConversation();
          this.transcript.acknowledge(ack, attachmentIds);
          if (later.length > 0) this.transcript.queue(uuid(), namesOf(later), later, false);
        } else {
          this.transcript.setStatus(next.clientMessageId, 'failed');
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.transcript.hasGap()) void this.catchUp();
  }

  private onInput(text: string): void {
    clearTimeout(this.suggestTimer);
    this.suggestTimer = setTimeout(() => void this.suggest(text), SUGGEST_DEBOUNCE_MS);
    const conversationId = this.transcript.conversationId;
    if (this.state?.state === 'operator' && conversationId && Date.now() - this.lastTypingSent > 2000) {
      this.lastTypingSent = Date.now();
      this.connectionFor().send({ action: 'typing', conversationId });
    }
  }

  private async suggest(text: string): Promise<void> {
    this.latestSuggest = text;
    const box = this.root.querySelector('.suggest');
    if (!box) return;
    if (text.trim().length < 2) return replace(box);
    try {
      // Typed while the socket opens: asked as soon as the session is there (a few seconds at most).
      const answer = await this.ask({ action: 'suggest', text: text.slice(0, 200) }, SUGGEST_WAIT_MS);
      // A later keystroke's answer wins: an older one is dropped.
      if (this.latestSuggest !== text || answer.type !== 'suggestions') return;
      replace(
        box,
        (answer as SuggestionsFrame).items.map((item) =>
          h(
            'button',
            { type: 'button', class: 'chip', onclick: () => this.pickSuggestion(item.title) },
            item.title,
          ),
        ),
      );
    } catch {
      replace(box);
    }
  }

  private pickSuggestion(title: string): void {
    const input = this.root.querySelector('textarea');
    if (input) input.value = '';
    const box = this.root.querySelector('.suggest');
    if (box) replace(box);
    this.sendText(title);
  }

  /**
   * The citizen wrote after their conversation closed and a new one began: the closed one's status
   * and the thanks for its rating go (a rating form not yet sent stays: it can still be sent).
   */
  private newConversation(): void {
    this.state = undefined;
    this.renderStatus();
    this.renderFeedback();
  }

  private async askOperator(): Promise<void> {
    try {
      const answer = await this.ask({ action: 'operator.request' });
      if (answer.type !== 'conversation.updated') return;
      // Asked again while waiting, the answer says `queued` without the place and the ticket the
      // line told: what it does not say stays as it was.
      const before = this.state;
      const same =
        before?.conversationId === (answer as ConversationUpdatedFrame).conversationId &&
        before.state === (answer as ConversationUpdatedFrame).state;
      this.onFrame(same ? { ...before, ...answer } : answer);
    } catch {
      this.announce(this.s.errors.offline?.() ?? '');
    }
  }

  // ——— identification, requests, rating ———

  private verifiedNow(frame: AuthVerifiedFrame): void {
    this.storeToken(frame.resumeToken);
    this.verified = true;
    this.identify.render(true);
    this.announce(this.s.verified);
    // A booking that asked for identification goes on by itself; otherwise "My requests".
    if (this.visits.resumeAfterIdentification()) this.show('visits');
    else this.show('requests');
  }

  /** `session.end`: false when it could not be sent or answered (offline), so nothing changed here. */
  private async signOut(): Promise<boolean> {
    try {
      const answer = await this.ask({ action: 'session.end' });
      if (answer.type !== 'session.ended') return false;
      this.signedOut((answer as { sessionId: string }).sessionId);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The session is over (signed out here or in another tab): its token dropped (unless the storage
   * already holds another session's), the socket left closed until the person writes again (then a
   * new guest session), and nothing of the conversation left on the screen.
   */
  private signedOut(sessionId: string): void {
    // «Выйти» goes away with the view it was in: the focus, when it was in the chat, goes where one writes.
    const hadFocus = this.root.activeElement !== null;
    // A new connection (and with it a new guest session) only when the person writes again.
    this.connection?.stop();
    this.connection = undefined;
    this.ready = false;
    this.connectionState = 'closed';
    if (localStorage.getItem(SESSION_KEY) === sessionId || !localStorage.getItem(SESSION_KEY)) {
      localStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(SESSION_KEY);
    }
    this.token = null;
    this.verified = false;
    this.state = undefined;
    this.feedback = undefined;
    this.transcript.clear();
    this.tray.clear();
    this.requests.show([]);
    this.visits.reset();
    this.show('chat');
    this.renderStatus();
    this.renderFeedback();
    this.announce(this.s.signedOut);
    if (hadFocus) this.root.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
  }

  private async loadRequests(): Promise<void> {
    this.requestsCursor = undefined;
    if (!this.verified) return this.requests.show([]);
    try {
      const answer = await this.ask({ action: 'ticket.list' });
      if (answer.type !== 'tickets') return;
      const page = answer as TicketsFrame;
      this.requestsCursor = page.nextCursor;
      this.requests.show(page.items, page.nextCursor !== undefined);
    } catch {
      // shown again after the reconnect
    }
  }

  /** "Show more": the page after the last one shown. */
  private async loadMoreRequests(): Promise<void> {
    const cursor = this.requestsCursor;
    if (cursor === undefined) return;
    try {
      const answer = await this.ask({ action: 'ticket.list', cursor });
      if (answer.type !== 'tickets') return;
      const page = answer as TicketsFrame;
      this.requestsCursor = page.nextCursor;
      this.requests.append(page.items, page.nextCursor !== undefined);
    } catch {
      // the button stays: the citizen may ask again
    }
  }

  private renderFeedback(): void {
    const box = this.root.querySelector('.csat');
    if (!box) return;
    const feedback = this.feedback;
    if (!feedback) {
      replace(box);
      return;
    }
    const s = this.s;
    const comment = h('textarea', { id: 'sc-comment', rows: 2, maxlength: 2000 });
    const error = h('p', { class: 'error', role: 'alert' });
    const form = h(
      'form',
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const rating = Number(
            (form.querySelector('input[name="rating"]:checked') as HTMLInputElement | null)?.value,
          );
          if (!rating) return;
          try {
            const answer = await this.ask({
              action: 'feedback.submit',
              // A portal ticket has no conversation: it is rated by its id.
              ...(feedback.conversationId
                ? { conversationId: feedback.conversationId }
                : { ticketId: feedback.ticketId }),
              rating,
              ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
            });
            if (answer.type === 'feedback.ack' || (answer as { code?: string }).code === 'CONFLICT') {
              this.feedback = undefined;
              replace(box, h('p', { role: 'status' }, s.thanks));
              void this.loadRequests();
            } else error.textContent = s.errors[(answer as { code?: string }).code ?? 'INTERNAL']?.() ?? '';
          } catch {
            error.textContent = s.errors.offline?.() ?? '';
          }
        },
      },
      h(
        'fieldset',
        {},
        h('legend', {}, s.rateTitle),
        [1, 2, 3, 4, 5].map((n) =>
          h(
            'label',
            { class: 'star' },
            h('input', { type: 'radio', name: 'rating', value: n, required: true }),
            s.stars(n),
          ),
        ),
      ),
      h('label', { for: 'sc-comment' }, s.comment),
      comment,
      h('button', { type: 'submit' }, s.submitRating),
      error,
    );
    replace(box, form);
  }

  // ——— rendering ———

  private toggle(open = this.panel.hidden): void {
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      this.connectionFor().start();
      this.transcript.scrollToEnd();
      this.root.querySelector('textarea')?.focus();
    } else this.launcher.focus();
  }

  private show(view: View): void {
    this.view = view;
    for (const name of ['chat', 'identify', 'requests', 'visits'] as const) {
      const element = this.root.querySelector<HTMLElement>(`[data-view="${name}"]`);
      if (element) element.hidden = name !== view;
      this.root.querySelector(`[data-tab="${name}"]`)?.setAttribute('aria-pressed', String(name === view));
    }
    if (view === 'identify') this.identify.render(this.verified);
    if (view === 'visits') this.visits.open();
    // What came while another tab was shown (the log had no height to scroll): the newest in view.
    if (view === 'chat') this.transcript.scrollToEnd();
    if (view === 'requests') {
      if (this.verified) void this.loadRequests();
      else {
        // A guest is shown the sign-in instead: the focus goes where they type their phone or e-mail.
        this.show('identify');
        this.root.querySelector<HTMLInputElement>('#sc-contact')?.focus();
      }
    }
  }

  private switchLanguage(): void {
    this.language = this.language === 'ru' ? 'en' : 'ru';
    localStorage.setItem(LANG_KEY, this.language);
    // The panel is drawn anew: the log keeps where it was read, the focus stays on the button.
    const { scrollTop } = this.log;
    this.render();
    this.transcript.relabel();
    this.log.scrollTop = scrollTop;
    this.root.querySelector<HTMLButtonElement>('header .lang')?.focus();
    // The session's language follows: `hello` on the new connection takes the new `lang`. Frames
    // asked meanwhile wait for it, so that they are answered in the new language.
    if (this.connection?.isOpen) {
      this.ready = false;
      this.connection.reconnectNow();
    } else if (this.connection) {
      // Still connecting with the old `lang`: `hello` says which one the session took.
      this.ready = false;
      this.languageToConfirm = true;
    }
  }

  private render(): void {
    const s = this.s;
    this.launcher.textContent = s.launcher;
    this.launcher.setAttribute('aria-controls', 'sc-panel');
    this.log.setAttribute('aria-label', s.conversation);
    this.panel.id = 'sc-panel';
    this.panel.setAttribute('aria-label', s.title);
    this.panel.setAttribute('lang', this.language);
    const input = h('textarea', { id: 'sc-message', rows: 2, maxlength: 4000, placeholder: s.placeholder });
    input.addEventListener('input', () => this.onInput(input.value));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        input.form?.requestSubmit();
      }
    });
    const composer = h(
      'form',
      {
        class: 'composer',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const text = input.value;
          input.value = '';
          // A suggestion still on its way is for a text already sent: it is dropped.
          clearTimeout(this.suggestTimer);
          this.latestSuggest = '';
          const box = this.root.querySelector('.suggest');
          if (box) replace(box);
          this.sendText(text, true);
        },
      },
      h('label', { for: 'sc-message', class: 'sr-only' }, s.message),
      this.tray.attachButton(),
      input,
      h('button', { type: 'submit' }, s.send),
    );
    const tab = (view: View, label: string) =>
      h(
        'button',
        {
          type: 'button',
          'data-tab': view,
          'aria-pressed': String(this.view === view),
          onclick: () => this.show(view),
        },
        label,
      );
    replace(
      this.panel,
      h(
        'header',
        {},
        h('h2', {}, s.title),
        h(
          'button',
          {
            type: 'button',
            class: 'lang',
            lang: this.language === 'ru' ? 'en' : 'ru',
            'aria-label': s.languageLabel,
            onclick: () => this.switchLanguage(),
          },
          s.language,
        ),
        h('button', { type: 'button', class: 'close', onclick: () => this.toggle(false) }, s.close),
      ),
      h(
        'nav',
        {},
        tab('chat', s.conversation),
        tab('requests', s.myRequests),
        tab('visits', VISIT_STRINGS[this.language].open),
        tab('identify', s.identify),
      ),
      h('p', { class: 'status', role: 'status' }),
      h(
        'div',
        { 'data-view': 'chat', class: 'view chat', hidden: this.view !== 'chat' },
        this.transcript.intro,
        this.log,
        h('p', { class: 'typing', 'aria-live': 'polite' }),
        h('div', { class: 'csat' }),
        h('div', { class: 'suggest', role: 'group', 'aria-label': s.suggestions }),
        this.tray.element,
        composer,
        h('button', { type: 'button', class: 'ask', onclick: () => void this.askOperator() }, s.askOperator),
      ),
      h('div', { 'data-view': 'identify', hidden: this.view !== 'identify' }, this.identify.element),
      h('div', { 'data-view': 'requests', hidden: this.view !== 'requests' }, this.requests.element),
      h('div', { 'data-view': 'visits', hidden: this.view !== 'visits' }, this.visits.element),
      this.announcer,
    );
    if (!this.launcher.isConnected) replace(this.root, this.launcher, this.panel);
    const chatView = this.panel.querySelector<HTMLElement>('[data-view="chat"]');
    if (chatView) this.tray.acceptDrops(chatView);
    this.tray.render();
    this.renderStatus();
    this.renderFeedback();
    this.requests.render();
    this.visits.render();
    if (this.view === 'identify') this.identify.render(this.verified);
  }

  private statusText(): string {
    const s = this.s;
    const state = this.state;
    if (!state) return '';
    if (state.state === 'queued')
      return [
        s.queued(state.queuePosition, state.etaSeconds),
        state.ticket ? s.ticket(state.ticket.number) : '',
      ]
        .filter(Boolean)
        .join(' ');
    if (state.state === 'operator') {
      // What the specialist waits for (a document, an answer), and until when: the citizen acts on it.
      const ticket = this.pushedTicket;
      const awaited =
        ticket && ticket.ticketId === state.ticket?.ticketId
          ? awaitedText(this.s, this.language, ticket)
          : '';
      return [s.withOperator(state.operator?.displayName ?? s.operator), awaited].filter(Boolean).join('. ');
    }
    if (state.state === 'closed') {
      // What the operator wrote for the citizen when they closed it: a guest has no «Мои обращения»
      // to read it in, so it is said here.
      const ticket = this.pushedTicket;
      const note =
        ticket && ticket.ticketId === state.ticket?.ticketId ? ticket.history.at(-1)?.note : undefined;
      return note ? `${s.closed} ${s.closingNote(note)}` : s.closed;
    }
    return '';
  }

  /**
   * The conversation's ticket as it stands, for a verified citizen whose page has not had it pushed
   * (a reload, another tab): what it awaits is said in the status line from the start.
   */
  private async readTicketOfConversation(): Promise<void> {
    const ticketId = this.state?.ticket?.ticketId;
    if (!this.verified || !ticketId || this.pushedTicket?.ticketId === ticketId) return;
    try {
      const answer = await this.ask({ action: 'ticket.get', ticketId });
      // A push that came meanwhile is newer.
      if (answer.type !== 'ticket' || this.pushedTicket?.ticketId === ticketId) return;
      this.pushedTicket = (answer as { ticket: TicketView }).ticket;
      this.renderStatus();
    } catch {
      // said with the next push
    }
  }

  private renderStatus(): void {
    const status = this.root.querySelector('.status');
    if (!status) return;
    const s = this.s;
    const connection =
      this.connectionState === 'open'
        ? ''
        : this.connection && !navigator.onLine
          ? s.offline
          : this.connection
            ? s.connecting
            : '';
    status.textContent = [connection, this.statusText()].filter(Boolean).join(' ');
  }

  private showTyping(): void {
    const typing = this.root.querySelector('.typing');
    if (!typing) return;
    typing.textContent = this.s.typing(this.state?.operator?.displayName ?? this.s.operator);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_SHOWN_MS);
  }

  private hideTyping(): void {
    const typing = this.root.querySelector('.typing');
    if (typing) typing.textContent = '';
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }
}

/** The text of files sent on their own: their names. */
function namesOf(files: PendingFile[]): string {
  return files
    .map((file) => file.file.name)
    .join(', ')
    .slice(0, 4000);
}
