/**
 * The operator console (`/console/`): sign-in to the operators' user pool, then one socket with the
 * ID token; presence and skills, the queues' statistics, the conversations assigned (with unread
 * counts, the wait so far and an «Принять» for new ones), and the desk of the open one: reply with
 * canned answers, internal notes, transfer, ticket status, typing. A reconnect (also with a renewed
 * token) says `hello` and the presence again, which brings back every conversation held.
 */

import type { ChatMessage } from '#events/chat-message.ts';
import type { CannedFrame } from '#events/desk-frames.ts';
import type {
  ConversationAssignedFrame,
  ConversationCitizenFrame,
  OperatorHeartbeatFrame,
  OperatorStateFrame,
  QueueStatsFrame,
} from '#events/operator-frames.ts';
import type { ConversationUpdatedFrame, HistoryFrame, MessageAckFrame } from '#events/server-frames.ts';
import type { TicketView } from '#events/tickets.ts';
import { AttachmentLinks, keepAtEnd } from '../shared/attachment-links.ts';
import { loadConfig, type PublicConfig } from '../shared/config.ts';
import { ChatConnection, type ConnectionState, type Frame } from '../shared/connection.ts';
import { h, replace, uuid } from '../shared/dom.ts';
import { CognitoClient, CognitoError, claimsOf, type SignInStep, type Tokens } from './cognito.ts';
import { DeskConversation } from './conversation.ts';
import { qrCanvas } from './qr.ts';
import { CONSOLE_STRINGS, type ConsoleLang, type ConsoleStrings, statusLabelOf } from './strings.ts';

/** Ticket statuses with no move left: the console offers no status change on them. */
const FINAL_STATUSES: readonly string[] = ['completed', 'rejected'];
const SKILLS = ['auth', 'applications', 'documents', 'legal', 'mfc', 'general', 'senior'] as const;
const TRANSFER_TARGETS = ['senior', 'auth', 'applications', 'documents', 'legal', 'mfc', 'general'] as const;
const REFRESH_BEFORE_MS = 5 * 60_000;
/** `operator.heartbeat` this often: well inside the 45 s presence lease (docs/protocol.md, "Presence"). */
const HEARTBEAT_SECONDS = 15;
/** How often an operator off line has the queues' numbers read (on line they are pushed). */
const OFFLINE_STATS_SECONDS = 30;
type Presence = 'online' | 'away' | 'offline';
/**
 * The signed-in session of this tab (tokens, presence, skills), in `sessionStorage`: a reload keeps the
 * operator signed in, on line and holding their conversations (the server's grace period covers the
 * moment the page is away); closing the tab or signing out forgets it. Not `localStorage`: another
 * tab, or the next person at a shared desk, does not inherit it.
 */
const SESSION_KEY = 'support-console.session';
interface StoredSession {
  tokens: Tokens;
  presence: Presence;
  skills: string[];
}

/** The tab's stored session, if it has one of the right shape (anything else is forgotten). */
function storedSession(): StoredSession | undefined {
  let value: Partial<StoredSession> | null;
  try {
    value = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Partial<StoredSession> | null;
  } catch {
    value = null;
  }
  const tokens = value?.tokens;
  if (
    typeof tokens?.idToken !== 'string' ||
    typeof tokens.expiresAt !== 'number' ||
    !['online', 'away', 'offline'].includes(String(value?.presence)) ||
    !Array.isArray(value?.skills) ||
    !value.skills.every((skill) => typeof skill === 'string')
  ) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return { tokens, presence: value.presence as Presence, skills: value.skills };
}

class OperatorConsole {
  private lang: ConsoleLang = localStorage.getItem('support-console.lang') === 'en' ? 'en' : 'ru';
  private config!: PublicConfig;
  private cognito!: CognitoClient;
  private tokens: Tokens | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private connection: ChatConnection | undefined;
  private connectionState: ConnectionState = 'closed';
  private presence: Presence = 'offline';
  private skills: string[] = [];
  private maxChats = 3;
  private isSenior = false;
  private displayName = '';
  private stats: QueueStatsFrame['byQueue'] = {};
  private readonly conversations = new Map<string, DeskConversation>();
  private selected: string | undefined;
  private citizenTyping: ReturnType<typeof setTimeout> | undefined;
  private lastTypingSent = 0;
  /** Seconds since the console started, for the heartbeat. */
  private ticks = 0;
  private draft = '';
  private canned: CannedFrame['items'] = [];
  /** The language the canned answers shown were asked in (undefined: the console's). */
  private cannedLang: string | undefined;
  private readonly app = document.getElementById('app') as HTMLElement;
  private readonly announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  /**
   * What happened to the operator's work without them (an offer missed, a conversation taken away),
   * shown until they act: the announcer says it to a screen reader, this to the eye.
   */
  private readonly notice = h('p', { class: 'notice' });
  /** The citizens' files in the transcripts, opened through `attachment.url` (links of at most 5 minutes). */
  private readonly attachments = new AttachmentLinks((frame) => this.request(frame));

  private get s(): ConsoleStrings {
    return CONSOLE_STRINGS[this.lang];
  }

  async start(): Promise<void> {
    document.documentElement.lang = this.lang;
    this.config = await loadConfig(location.href);
    if (!this.config.cognito) throw new Error('config.json has no cognito');
    this.cognito = new CognitoClient(this.config.cognito);
    if (!(await this.resume())) this.renderSignIn();
    setInterval(() => this.tick(), 1000);
    // Back in the tab: the open conversation has been read.
    document.addEventListener('visibilitychange', () => {
      const open = this.selected ? this.conversations.get(this.selected) : undefined;
      if (document.hidden || !open || open.unread === 0) return;
      open.unread = 0;
      this.renderList();
    });
  }

  // ——— sign-in ———

  private renderSignIn(step?: Extract<SignInStep, { session: string }>, secret?: string, notice = ''): void {
    const s = this.s;
    const error = h('p', { class: 'error', role: 'alert' }, notice);
    const field = (id: string, label: string, type: string, autocomplete: string) => [
      h('label', { for: id }, label),
      h('input', { id, name: id, type, autocomplete, required: true }),
    ];
    const value = (form: HTMLFormElement, id: string) =>
      (form.elements.namedItem(id) as HTMLInputElement).value;
    const submit = (run: (form: HTMLFormElement) => Promise<SignInStep>) => async (event: Event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        await this.afterStep(await run(event.target as HTMLFormElement));
      } catch (failure) {
        // A challenge's session that is no longer valid: back to the start, saying why.
        if (step && failure instanceof CognitoError && failure.code === 'NotAuthorizedException')
          return this.renderSignIn(undefined, undefined, s.sessionExpired);
        error.textContent = this.signInError(failure, step === undefined);
      }
    };
    let form: HTMLFormElement;
    if (!step) {
      form = h(
        'form',
        { onsubmit: submit((f) => this.cognito.signIn(value(f, 'username'), value(f, 'password'))) },
        field('username', s.username, 'text', 'username'),
        field('password', s.password, 'password', 'current-password'),
        h('button', { type: 'submit' }, s.signIn),
      );
    } else if (step.kind === 'NEW_PASSWORD_REQUIRED') {
      form = h(
        'form',
        { onsubmit: submit((f) => this.cognito.answer(step, { NEW_PASSWORD: value(f, 'new-password') })) },
        field('new-password', s.newPassword, 'password', 'new-password'),
        h('button', { type: 'submit' }, s.savePassword),
      );
    } else if (step.kind === 'MFA_SETUP' && !secret) {
      void this.cognito.associateTotp(step.session).then(
        (associated) => this.renderSignIn({ ...step, session: associated.session }, associated.secret),
        (failure) =>
          this.renderSignIn(
            undefined,
            undefined,
            failure instanceof CognitoError && failure.code === 'NotAuthorizedException'
              ? s.sessionExpired
              : this.signInError(failure),
          ),
      );
      return;
    } else if (step.kind === 'MFA_SETUP' && secret) {
      const uri = totpUri(step.login, secret);
      form = h(
        'form',
        {
          onsubmit: submit(async (f) => {
            const session = await this.cognito.verifyTotp(step.session, value(f, 'totp'));
            return this.cognito.answer({ ...step, session }, {});
          }),
        },
        h('p', {}, s.totpSetup),
        qrCanvas(uri, s.totpQr),
        h('p', {}, `${s.totpSecret}: `, h('code', { class: 'totp-secret' }, secret)),
        h('p', {}, h('a', { href: uri }, s.totpOpenApp)),
        field('totp', s.totpCode, 'text', 'one-time-code'),
        h('button', { type: 'submit' }, s.confirm),
      );
    } else {
      form = h(
        'form',
        { onsubmit: submit((f) => this.cognito.answer(step, { SOFTWARE_TOKEN_MFA_CODE: value(f, 'totp') })) },
        field('totp', s.totpCode, 'text', 'one-time-code'),
        h('button', { type: 'submit' }, s.confirm),
      );
    }
    replace(
      this.app,
      h('header', { class: 'top' }, h('h1', {}, s.title), this.languageButton()),
      h('main', { class: 'sign-in' }, h('h2', {}, s.signInTitle), form, error),
    );
    form.querySelector('input')?.focus();
  }

  /** A refused request in words: the field to fill in for a BAD_REQUEST that names one. */
  private errorText(answer: Frame): string {
    const s = this.s;
    const code = String((answer as { code?: string }).code ?? 'INTERNAL');
    const details = (answer as { details?: { field?: string }[] }).details;
    const field = details?.[0]?.field?.split('.')[0];
    const label = field ? s.fieldNames[field] : undefined;
    if (code === 'BAD_REQUEST' && label) return s.missingField(label);
    return s.errors[code] ?? s.errors.INTERNAL ?? code;
  }

  /** What went wrong with a sign-in step, in words. */
  private signInError(failure: unknown, firstStep = false): string {
    const s = this.s;
    if (!(failure instanceof CognitoError)) return s.signInUnavailable;
    // The password's rules are for a new password; at the first step the local Cognito stand-in says
    // InvalidPasswordException for a wrong one, where Cognito says NotAuthorizedException.
    if (firstStep && failure.code === 'InvalidPasswordException') return s.signInFailed;
    return s.signInErrors[failure.code] ?? s.signInFailed;
  }

  private async afterStep(step: SignInStep): Promise<void> {
    if (step.kind !== 'signedIn') return this.renderSignIn(step);
    this.useTokens(step.tokens);
    const claims = claimsOf(step.tokens.idToken);
    const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
    this.isSenior = groups.includes('senior');
    // As citizens see the operator (functions/domain/operator-identity.ts, displayNameOf): the
    // administrator's `given_name`, else the username — never `name`, which the operator may set.
    this.displayName =
      [claims.given_name, claims['cognito:username']]
        .map((value) => (typeof value === 'string' ? value.trim() : ''))
        .find((value) => value !== '')
        ?.slice(0, 128) ?? 'Operator';
    this.renderDesk();
    this.connect();
  }

  /**
   * The session this tab had before a reload: its tokens (renewed first if the ID token is about to
   * expire), its presence and skills. False when there is none or it cannot be renewed.
   */
  private async resume(): Promise<boolean> {
    const stored = storedSession();
    if (!stored) return false;
    let { tokens } = stored;
    if (tokens.expiresAt - Date.now() < REFRESH_BEFORE_MS) {
      try {
        tokens = await this.cognito.refresh(tokens);
      } catch {
        sessionStorage.removeItem(SESSION_KEY);
        return false;
      }
    }
    this.presence = stored.presence;
    this.skills = stored.skills;
    await this.afterStep({ kind: 'signedIn', tokens });
    return true;
  }

  private saveSession(): void {
    if (!this.tokens) return;
    const session: StoredSession = { tokens: this.tokens, presence: this.presence, skills: this.skills };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  /** Keeps the tokens and renews them before they expire; a renewed token means a new connection. */
  private useTokens(tokens: Tokens): void {
    this.tokens = tokens;
    this.saveSession();
    clearTimeout(this.refreshTimer);
    const wait = Math.max(10_000, tokens.expiresAt - Date.now() - REFRESH_BEFORE_MS);
    this.refreshTimer = setTimeout(async () => {
      if (!this.tokens) return;
      try {
        this.useTokens(await this.cognito.refresh(this.tokens));
        this.connection?.reconnectNow();
      } catch {
        this.signOut();
      }
    }, wait);
  }

  private signOut(): void {
    sessionStorage.removeItem(SESSION_KEY);
    clearTimeout(this.refreshTimer);
    this.connection?.stop();
    this.connection = undefined;
    this.tokens = undefined;
    this.conversations.clear();
    this.selected = undefined;
    this.presence = 'offline';
    this.updateTitle();
    this.renderSignIn();
  }

  // ——— socket ———

  private connect(): void {
    this.connection = new ChatConnection({
      url: () => {
        const url = new URL(this.config.wsUrl);
        url.searchParams.set('lang', this.lang);
        url.searchParams.set('token', this.tokens?.idToken ?? '');
        return url.toString();
      },
      onOpen: () => void this.afterOpen(),
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => {
        this.connectionState = state;
        this.renderConnection();
      },
    });
    this.connection.start();
  }

  private async afterOpen(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    try {
      await connection.request({ action: 'hello' });
      if (this.presence !== 'offline') await this.setPresence(this.presence);
      else if (!(await this.joinAnotherTab(connection))) {
        // Off line, the queues are still shown (is it time to go on line?): read now and then.
        void this.loadStats();
      }
      void this.loadCanned('');
    } catch {
      // closed meanwhile: the next open does it again
    }
  }

  private async setPresence(status: Presence): Promise<void> {
    this.presence = status;
    // The skills ticked on this page are the ones sent, always: with none chosen yet every box shows
    // ticked, and sending none would have kept whatever an earlier session (or a script) stored.
    const answer = await this.request({
      action: 'operator.status',
      status,
      skills: this.skills.length > 0 ? this.skills : this.offeredSkills(),
      maxChats: this.maxChats,
    });
    if (answer.type === 'operator.state') {
      const state = answer as OperatorStateFrame;
      this.skills = state.skills;
      this.renderPresence();
    }
    this.saveSession();
    if (status === 'online') await this.loadStats();
  }

  /** The skills this operator may tick: every queue's, and `senior` for seniors. */
  private offeredSkills(): string[] {
    return SKILLS.filter((skill) => skill !== 'senior' || this.isSenior);
  }

  private async request(frame: Record<string, unknown>): Promise<Frame> {
    try {
      return (await this.connection?.request(frame)) ?? { type: 'error', code: 'offline' };
    } catch {
      return { type: 'error', code: 'offline' };
    }
  }

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case 'conversation.assigned':
        this.onAssigned(frame as ConversationAssignedFrame);
        break;
      case 'message':
        this.onMessage(frame as unknown as ChatMessage);
        break;
      case 'operator.state':
        this.onOperatorState(frame as OperatorStateFrame);
        break;
      case 'queue.stats':
        this.stats = (frame as QueueStatsFrame).byQueue;
        this.renderStats();
        break;
      case 'typing':
        if ((frame as { conversationId?: string }).conversationId === this.selected) this.showTyping();
        break;
      case 'ticket.updated':
        this.onTicket((frame as { ticket: TicketView }).ticket);
        break;
      case 'conversation.citizen':
        this.onCitizen(frame as ConversationCitizenFrame);
        break;
      case 'conversation.updated': {
        // The citizen's data was erased at their request: nothing of it stays on this screen.
        const update = frame as unknown as ConversationUpdatedFrame;
        if (update.state === 'closed' && update.reason === 'erased')
          this.drop(update.conversationId, this.s.erased);
        break;
      }
    }
  }

  /**
   * A status the backend set: `away` after an assignment was not accepted in time. What was offered
   * and not accepted is no longer the operator's.
   */
  private onOperatorState(state: OperatorStateFrame): void {
    if (state.status === this.presence) return;
    this.presence = state.status;
    this.saveSession();
    this.renderPresence();
    if (state.status !== 'away') return;
    for (const conversation of [...this.conversations.values()])
      if (!conversation.accepted) this.drop(conversation.id, this.s.missedAccept);
    this.announce(this.s.missedAccept);
    this.notice.textContent = this.s.missedAccept;
  }

  private onAssigned(frame: ConversationAssignedFrame): void {
    const id = frame.conversation.conversationId;
    const existing = this.conversations.get(id);
    // Announced again after a reconnect: one accepted here is accepted again (a repeat is harmless).
    if (existing?.accepted) void this.accept(existing);
    if (existing) this.countUnread(existing, existing.reassigned(frame));
    else {
      const conversation = new DeskConversation(frame);
      this.conversations.set(id, conversation);
      if (conversation.accepted) {
        // Held before this page was loaded (a reload): accepted again, which is harmless, and not new.
        void this.accept(conversation);
      } else {
        this.announce(`${this.s.newAssignment}${frame.ticket ? ` ${frame.ticket.number}` : ''}`);
        this.notify(this.s.newAssignment);
      }
    }
    this.renderList();
    // Given again after a reconnect: only the transcript is redrawn, so nothing being typed is lost.
    if (this.selected === id) {
      if (existing) this.renderTranscript();
      else this.renderDetail();
    }
  }

  /**
   * The citizen identified meanwhile: their card is drawn anew where it is shown, and nothing else
   * (a reply being typed stays); said to a screen reader.
   */
  private onCitizen(frame: ConversationCitizenFrame): void {
    const conversation = this.conversations.get(frame.conversationId);
    if (!conversation) return;
    conversation.assigned = { ...conversation.assigned, citizen: frame.citizen };
    if (this.selected !== conversation.id) return;
    this.app.querySelector('.aside .card')?.replaceWith(conversation.renderCard(this.s, this.lang));
    if (frame.citizen.verified) this.announce(this.s.citizenVerified);
  }

  private onMessage(message: ChatMessage): void {
    const conversation = this.conversations.get(message.conversationId);
    if (!conversation?.add(message)) return;
    if (message.from === 'citizen') {
      if (this.selected !== message.conversationId || document.hidden) conversation.unread++;
      this.hideTyping();
      this.notify(this.s.newMessage);
    }
    if (conversation.hasGap()) void this.catchUp(conversation);
    this.renderList();
    if (this.selected === conversation.id) this.renderTranscript();
  }

  /** Citizen messages caught up after a reconnect count as unread like pushed ones. */
  private countUnread(conversation: DeskConversation, fromCitizen: number): void {
    if (fromCitizen === 0) return;
    if (this.selected !== conversation.id || document.hidden) conversation.unread += fromCitizen;
    this.notify(this.s.newMessage);
    this.renderList();
  }

  private async catchUp(conversation: DeskConversation): Promise<void> {
    for (;;) {
      const answer = await this.request({
        action: 'history.get',
        conversationId: conversation.id,
        afterSeq: conversation.lastContiguousSeq,
        limit: 100,
      });
      if (answer.type !== 'history') return;
      const history = answer as HistoryFrame;
      let fromCitizen = 0;
      for (const message of history.messages)
        if (conversation.add(message) && message.from === 'citizen') fromCitizen++;
      this.countUnread(conversation, fromCitizen);
      if (this.selected === conversation.id) this.renderTranscript();
      if (!history.hasMore || history.messages.length === 0) return;
    }
  }

  private onTicket(ticket: TicketView): void {
    for (const conversation of this.conversations.values()) {
      if (conversation.ticket?.ticketId !== ticket.ticketId) continue;
      conversation.ticket = ticket;
      conversation.closed = FINAL_STATUSES.includes(ticket.status);
      if (this.selected === conversation.id) this.renderDetail();
    }
    this.renderList();
  }

  private async loadStats(): Promise<void> {
    const stats = await this.request({ action: 'queue.stats' });
    if (stats.type === 'queue.stats') this.onFrame(stats);
  }

  /** In the language of the conversation open (its texts go to its citizen), else the console's. */
  private async loadCanned(query: string): Promise<void> {
    const lang = this.selected
      ? this.conversations.get(this.selected)?.assigned.conversation.lang
      : undefined;
    this.cannedLang = lang;
    const answer = await this.request({
      action: 'canned.list',
      ...(query ? { query } : {}),
      ...(lang ? { lang } : {}),
    });
    if (answer.type === 'canned') {
      this.canned = (answer as CannedFrame).items;
      this.renderCanned();
    }
  }

  // ——— rendering ———

  private languageButton(): HTMLElement {
    return h(
      'button',
      {
        type: 'button',
        class: 'lang',
        lang: this.lang === 'ru' ? 'en' : 'ru',
        'aria-label': this.s.languageLabel,
        onclick: () => {
          this.lang = this.lang === 'ru' ? 'en' : 'ru';
          localStorage.setItem('support-console.lang', this.lang);
          document.documentElement.lang = this.lang;
          if (this.tokens) {
            this.renderDesk();
            this.connection?.reconnectNow();
          } else this.renderSignIn();
        },
      },
      this.s.language,
    );
  }

  private renderDesk(): void {
    const s = this.s;
    replace(
      this.app,
      h(
        'header',
        { class: 'top' },
        h('h1', {}, s.title),
        h('span', { class: 'who-am-i' }, this.displayName),
        h('span', { class: 'connection', role: 'status' }),
        typeof Notification !== 'undefined' && Notification.permission === 'default'
          ? h(
              'button',
              {
                type: 'button',
                onclick: (event: Event) =>
                  void Notification.requestPermission().then(() => (event.target as HTMLElement).remove()),
              },
              s.enableNotifications,
            )
          : null,
        this.languageButton(),
        h('button', { type: 'button', onclick: () => this.signOut() }, s.signOut),
      ),
      h(
        'div',
        { class: 'desk' },
        h(
          'aside',
          { class: 'side' },
          h('section', { class: 'presence', 'aria-label': s.presence }),
          this.notice,
          h('section', { class: 'stats', 'aria-label': s.queues }),
          h('section', { class: 'list', 'aria-label': s.conversations }),
        ),
        h('main', { class: 'detail' }),
      ),
      this.announcer,
    );
    this.renderConnection();
    this.renderPresence();
    this.renderStats();
    this.renderList();
    this.renderDetail();
  }

  private renderConnection(): void {
    const element = this.app.querySelector('.connection');
    if (element) element.textContent = this.connectionState === 'open' ? this.s.connected : this.s.connecting;
  }

  private renderPresence(): void {
    const element = this.app.querySelector('.presence');
    if (!element) return;
    const s = this.s;
    const radios = (['online', 'away', 'offline'] as const).map((status) =>
      h(
        'label',
        { class: 'radio' },
        h('input', {
          type: 'radio',
          name: 'presence',
          value: status,
          checked: this.presence === status,
          onchange: () => {
            // The operator acts on it: what the notice said is taken in.
            this.notice.textContent = '';
            void this.setPresence(status);
          },
        }),
        s[status],
      ),
    );
    const skills = this.offeredSkills().map((skill) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          value: skill,
          checked: this.skills.length === 0 || this.skills.includes(skill),
          onchange: (event: Event) => {
            const box = event.target as HTMLInputElement;
            const all = this.skills.length === 0 ? this.offeredSkills() : this.skills;
            this.skills = box.checked ? [...new Set([...all, skill])] : all.filter((k) => k !== skill);
            if (this.presence !== 'offline' && this.skills.length > 0) void this.setPresence(this.presence);
          },
        }),
        s.skillNames[skill] ?? skill,
      ),
    );
    replace(
      element,
      h('fieldset', {}, h('legend', {}, s.presence), radios),
      h('fieldset', { class: 'skills' }, h('legend', {}, s.skills), skills),
    );
  }

  private renderStats(): void {
    const element = this.app.querySelector('.stats');
    if (!element) return;
    const s = this.s;
    const queues = Object.entries(this.stats).filter(([queue]) => queue !== 'senior' || this.isSenior);
    replace(
      element,
      h('h2', {}, s.queues),
      queues.length === 0
        ? null
        : h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, s.queue),
                h('th', { scope: 'col' }, s.waiting),
                h('th', { scope: 'col' }, s.oldest),
              ),
            ),
            h(
              'tbody',
              {},
              queues.map(([queue, stat]) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, s.skillNames[queue] ?? queue),
                  h('td', {}, stat.waiting),
                  h('td', {}, stat.oldestSeconds),
                ),
              ),
            ),
          ),
    );
  }

  private renderList(): void {
    this.updateTitle();
    const element = this.app.querySelector('.list');
    if (!element) return;
    const s = this.s;
    const items = [...this.conversations.values()];
    // The list is drawn anew on every message, offer and status: a button the operator had reached
    // with the keyboard keeps the focus in the new list (same conversation, same kind of button).
    const focused = element.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.focusKey
      : undefined;
    replace(
      element,
      h('h2', { tabindex: -1 }, s.conversations),
      items.length === 0
        ? h('p', {}, s.none)
        : h(
            'ul',
            {},
            items.map((conversation) => {
              const label = conversation.ticket?.number ?? conversation.id.slice(0, 8);
              return h(
                'li',
                {
                  class: conversation.id === this.selected ? 'current' : '',
                  // Taken, and the server has not answered yet: for scripts that wait on it.
                  'data-accepting': conversation.accepting,
                },
                h('span', { class: 'name' }, label),
                h('span', { class: 'sla', 'data-id': conversation.id }, this.slaText(conversation)),
                conversation.unread > 0
                  ? h('span', { class: 'unread' }, s.unread(conversation.unread))
                  : null,
                h(
                  'button',
                  {
                    type: 'button',
                    'aria-label': `${conversation.accepted ? s.open : s.accept} ${label}`,
                    'data-focus-key': `${conversation.id} select`,
                    onclick: () => this.select(conversation.id),
                  },
                  conversation.accepted ? s.open : s.accept,
                ),
                // An offer can be read before it is taken: the transcript, the intake, the citizen.
                conversation.accepted || conversation.id === this.selected
                  ? null
                  : h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'aria-label': `${s.preview} ${label}`,
                        'data-focus-key': `${conversation.id} preview`,
                        onclick: () => this.preview(conversation.id),
                      },
                      s.preview,
                    ),
              );
            }),
          ),
    );
    if (focused === undefined) return;
    // A preview button gone (the offer is open now): its conversation's own button; the conversation
    // gone (taken back, transferred): the list's heading, not the page's start.
    const [id] = focused.split(' ');
    const buttons = [...element.querySelectorAll<HTMLElement>('[data-focus-key]')];
    (
      buttons.find((b) => b.dataset.focusKey === focused) ??
      buttons.find((b) => b.dataset.focusKey === `${id} select`) ??
      element.querySelector<HTMLElement>('h2')
    )?.focus();
  }

  /**
   * Answers an assignment with `conversation.accept` (docs/protocol.md, "Accepting an assignment"):
   * only then is the citizen told an operator has joined. An assignment taken back meanwhile (not
   * accepted in time, or the conversation closed) is dropped from the list — unless this operator
   * closed its ticket while the accept was on its way (the accept a reconnect repeats can be
   * answered after the completion it raced): that one stays on screen, closed. Refused while their
   * final status is still on its way, the status's answer decides (`ticketForm`).
   */
  private async accept(conversation: DeskConversation): Promise<void> {
    const answer = await this.request({ action: 'conversation.accept', conversationId: conversation.id });
    conversation.accepting = false;
    if (answer.type !== 'error' || answer.code === 'offline' || conversation.closed) {
      this.renderList();
      return;
    }
    if (conversation.closing) conversation.acceptRefusedWhileClosing = true;
    else this.drop(conversation.id, this.s.acceptLost);
  }

  /** Removes a conversation that is no longer the operator's, and says so. */
  private drop(id: string, why: string): void {
    if (!this.conversations.delete(id)) return;
    if (this.selected === id) this.selected = undefined;
    this.announce(why);
    this.notice.textContent = why;
    this.renderList();
    this.renderDetail();
  }

  /**
   * A page off line here while the operator is on line (or away) in another tab or on another
   * device: it joins them as they are — their status, skills and chat limit as the server holds them
   * (`operator.heartbeat`) — and, saying that status again, gets the conversations they hold. True
   * when it joined.
   */
  private async joinAnotherTab(connection: ChatConnection): Promise<boolean> {
    const beat = (await connection.request({ action: 'operator.heartbeat' })) as Frame &
      Partial<OperatorHeartbeatFrame>;
    if (beat.type !== 'operator.heartbeat' || !beat.status || beat.status === 'offline' || !beat.skills)
      return false;
    this.skills = beat.skills;
    if (beat.maxChats) this.maxChats = beat.maxChats;
    await this.setPresence(beat.status);
    this.renderPresence();
    return true;
  }

  /**
   * Keeps the presence lease (docs/protocol.md, "Presence"): a heartbeat every
   * {@link HEARTBEAT_SECONDS} while online or away; a lease the backend lost is taken again.
   */
  private async heartbeat(): Promise<void> {
    if (this.presence === 'offline' || this.connectionState !== 'open') return;
    const answer = await this.request({ action: 'operator.heartbeat' });
    if (answer.type !== 'operator.heartbeat') return;
    const status = (answer as { status?: string }).status;
    if (status === 'offline') await this.setPresence(this.presence);
  }

  /** Shows an offer without taking it: the citizen is told nothing, the countdown goes on. */
  private preview(id: string): void {
    if (!this.conversations.has(id)) return;
    this.selected = id;
    this.renderList();
    this.renderDetail();
    // On to what was asked for, not onto «Принять» (a key held down would take the offer).
    this.app.querySelector<HTMLElement>('.detail h2')?.focus();
  }

  private select(id: string): void {
    const conversation = this.conversations.get(id);
    if (!conversation) return;
    if (!conversation.accepted) {
      conversation.acceptedAt = Date.now();
      conversation.accepting = true;
      void this.accept(conversation);
    }
    conversation.accepted = true;
    conversation.unread = 0;
    this.selected = id;
    this.renderList();
    this.renderDetail();
    (this.app.querySelector('#reply') as HTMLElement | null)?.focus();
    // Another citizen's language: the canned answers in it.
    if (this.cannedLang !== conversation.assigned.conversation.lang) void this.loadCanned('');
  }

  private renderDetail(): void {
    const element = this.app.querySelector('.detail');
    if (!element) return;
    const conversation = this.selected ? this.conversations.get(this.selected) : undefined;
    if (!conversation) {
      replace(element);
      return;
    }
    const s = this.s;
    const reply = h('textarea', { id: 'reply', rows: 3, maxlength: 4000 });
    reply.value = this.draft;
    reply.addEventListener('input', () => {
      this.draft = reply.value;
      if (Date.now() - this.lastTypingSent > 2000) {
        this.lastTypingSent = Date.now();
        this.connection?.send({ action: 'typing', conversationId: conversation.id });
      }
    });
    reply.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) reply.form?.requestSubmit();
    });
    const replyError = h('p', { class: 'error', role: 'alert' });
    const replyForm = h(
      'form',
      {
        class: 'reply',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const text = reply.value.trim();
          if (!text) return;
          const answer = await this.request({
            action: 'operator.reply',
            conversationId: conversation.id,
            clientMessageId: uuid(),
            text,
          });
          if (answer.type === 'message.ack') {
            const ack = answer as MessageAckFrame;
            conversation.add({
              conversationId: ack.conversationId,
              messageId: ack.messageId,
              seq: ack.seq,
              from: 'operator',
              text,
              ts: ack.ts,
              operator: { displayName: this.displayName },
            });
            this.draft = '';
            reply.value = '';
            replyError.textContent = '';
            this.renderTranscript();
          } else replyError.textContent = this.errorText(answer);
        },
      },
      h('label', { for: 'reply' }, s.reply),
      reply,
      h('button', { type: 'submit' }, s.send),
      replyError,
    );
    const cannedSearch = h('input', { id: 'canned-search', type: 'search', autocomplete: 'off' });
    cannedSearch.addEventListener('input', () => void this.loadCanned(cannedSearch.value.trim()));
    // Enter takes the best match into the reply, without leaving the keyboard.
    cannedSearch.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      this.app.querySelector<HTMLButtonElement>('.canned-item')?.click();
    });
    const note = h('textarea', { id: 'note', rows: 2, maxlength: 4000 });
    const noteForm = h(
      'form',
      {
        class: 'note-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const text = note.value.trim();
          if (!text) return;
          const answer = await this.request({
            action: 'operator.note',
            conversationId: conversation.id,
            text,
          });
          if (answer.type === 'note.ack') {
            const ack = answer as { noteId: string; ts: string };
            conversation.notes.push({
              conversationId: conversation.id,
              noteId: ack.noteId,
              kind: 'note',
              text,
              ts: ack.ts,
              operator: { operatorId: '', displayName: this.displayName },
            });
            note.value = '';
            this.renderTranscript();
          }
        },
      },
      h('label', { for: 'note' }, s.note),
      note,
      h('button', { type: 'submit' }, s.addNote),
    );
    const target = h(
      'select',
      { id: 'transfer-to' },
      TRANSFER_TARGETS.map((t) => h('option', { value: t }, s.skillNames[t] ?? t)),
    );
    const reason = h('input', { id: 'transfer-reason', type: 'text', maxlength: 1000, required: true });
    const transferError = h('p', { class: 'error', role: 'alert' });
    const transferForm = h(
      'form',
      {
        class: 'transfer',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const answer = await this.request({
            action: 'operator.transfer',
            conversationId: conversation.id,
            to: target.value,
            reason: reason.value.trim(),
          });
          if (answer.type === 'conversation.transferred') {
            this.conversations.delete(conversation.id);
            this.selected = undefined;
            this.announce(`${s.transferred}: ${conversation.ticket?.number ?? ''}`);
            this.renderList();
            this.renderDetail();
          } else transferError.textContent = this.errorText(answer);
        },
      },
      h('label', { for: 'transfer-to' }, s.transferTo),
      target,
      h('label', { for: 'transfer-reason' }, s.reason),
      reason,
      h('button', { type: 'submit' }, s.transfer),
      transferError,
    );
    replace(
      element,
      h('h2', { tabindex: -1 }, `${s.ticket} ${conversation.ticket?.number ?? ''}`),
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          { class: 'talk' },
          h('div', { role: 'log', class: 'log', 'aria-label': s.transcript, tabindex: 0 }),
          h('p', { class: 'typing', 'aria-live': 'polite' }),
          // A closed conversation takes no reply, note or transfer: say so instead of offering them;
          // an offer being previewed, the way to take it.
          ...(conversation.closed
            ? [h('p', { class: 'closed-note' }, s.closed)]
            : !conversation.accepted
              ? [
                  h(
                    'div',
                    { class: 'offer' },
                    h('p', {}, s.offered),
                    h(
                      'button',
                      { type: 'button', onclick: () => this.select(conversation.id) },
                      s.acceptAndReply,
                    ),
                  ),
                ]
              : [
                  replyForm,
                  h(
                    'section',
                    { class: 'canned', 'aria-label': s.canned },
                    h('label', { for: 'canned-search' }, s.cannedSearch),
                    cannedSearch,
                    h('ul', { class: 'canned-list' }),
                  ),
                  noteForm,
                ]),
        ),
        h(
          'div',
          { class: 'aside' },
          conversation.renderCard(s, this.lang),
          conversation.accepted ? this.ticketForm(conversation) : null,
          conversation.closed || !conversation.accepted ? null : transferForm,
        ),
      ),
    );
    const log = element.querySelector<HTMLElement>('.log');
    if (log) keepAtEnd(log);
    this.renderTranscript();
    this.renderCanned();
  }

  private ticketForm(conversation: DeskConversation): HTMLElement | null {
    const ticket = conversation.ticket;
    if (!ticket) return null;
    const s = this.s;
    // A final status has no move left (docs/protocol.md, tickets): the status alone, no form.
    if (FINAL_STATUSES.includes(ticket.status))
      return h('h3', {}, `${s.status}: ${statusLabelOf(s, ticket)}`);
    const status = h(
      'select',
      { id: 'ticket-status' },
      Object.entries(s.statusNames).map(([value, label]) =>
        h('option', { value, selected: value === ticket.status }, label),
      ),
    );
    const what = h('input', { id: 'waiting-what', type: 'text', maxlength: 1000 });
    const until = h('input', { id: 'waiting-until', type: 'datetime-local' });
    const reason = h('input', { id: 'reject-reason', type: 'text', maxlength: 1000 });
    const alternatives = h('textarea', { id: 'reject-alternatives', rows: 2 });
    const note = h('input', { id: 'status-note', type: 'text', maxlength: 2000 });
    const error = h('p', { class: 'error', role: 'alert' });
    // What a status asks for shows only with that status chosen.
    const waitingFields = h(
      'div',
      { class: 'status-fields' },
      h('label', { for: 'waiting-what' }, s.waitingWhat),
      what,
      h('label', { for: 'waiting-until' }, s.waitingUntil),
      until,
    );
    const rejectFields = h(
      'div',
      { class: 'status-fields' },
      h('label', { for: 'reject-reason' }, s.rejectReason),
      reason,
      h('label', { for: 'reject-alternatives' }, s.alternatives),
      alternatives,
    );
    const showFields = () => {
      waitingFields.hidden = status.value !== 'waiting';
      rejectFields.hidden = status.value !== 'rejected';
    };
    status.addEventListener('change', showFields);
    showFields();
    return h(
      'form',
      {
        class: 'ticket-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const frame: Record<string, unknown> = {
            action: 'ticket.setStatus',
            ticketId: ticket.ticketId,
            status: status.value,
          };
          if (note.value.trim()) frame.note = note.value.trim();
          if (status.value === 'waiting')
            frame.waitingFor = {
              what: what.value.trim(),
              ...(until.value ? { until: new Date(until.value).toISOString() } : {}),
            };
          if (status.value === 'rejected') {
            const list = alternatives.value
              .split('\n')
              .map((a) => a.trim())
              .filter(Boolean)
              .slice(0, 5);
            frame.rejectReason = {
              reason: reason.value.trim(),
              ...(list.length ? { alternatives: list } : {}),
            };
          }
          // While a final status is on its way, a repeated accept refused waits for its answer (accept).
          conversation.closing = FINAL_STATUSES.includes(status.value);
          conversation.acceptRefusedWhileClosing = false;
          const answer = await this.request(frame).finally(() => {
            conversation.closing = false;
          });
          if (answer.type === 'ticket.updated') this.onTicket((answer as { ticket: TicketView }).ticket);
          else if (conversation.acceptRefusedWhileClosing) this.drop(conversation.id, s.acceptLost);
          else error.textContent = this.errorText(answer);
        },
      },
      h('h3', {}, `${s.status}: ${statusLabelOf(s, ticket)}`),
      h('label', { for: 'ticket-status' }, s.status),
      status,
      waitingFields,
      rejectFields,
      h('label', { for: 'status-note' }, s.statusNote),
      note,
      h('button', { type: 'submit' }, s.setStatus),
      error,
    );
  }

  private renderTranscript(): void {
    const log = this.app.querySelector('.detail .log');
    const conversation = this.selected ? this.conversations.get(this.selected) : undefined;
    if (!log || !conversation) return;
    // Only what is new is appended, so that the live log announces new messages and nothing twice.
    const fresh = conversation.renderTranscript(this.s, this.lang, (ids) =>
      this.attachments.render(ids, this.s.attachments, this.lang),
    );
    const shown = log.children.length;
    if (
      fresh.length >= shown &&
      [...log.children].every((child, i) => child.textContent === fresh[i]?.textContent)
    ) {
      for (const element of fresh.slice(shown)) log.appendChild(element);
    } else replace(log, fresh);
    log.scrollTop = log.scrollHeight;
  }

  private renderCanned(): void {
    const list = this.app.querySelector('.canned-list');
    if (!list) return;
    replace(
      list,
      this.canned.slice(0, 8).map((item) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'canned-item',
              onclick: () => {
                const reply = this.app.querySelector<HTMLTextAreaElement>('#reply');
                if (!reply) return;
                reply.value = item.text;
                this.draft = item.text;
                reply.focus();
              },
            },
            item.title,
          ),
        ),
      ),
    );
  }

  private showTyping(): void {
    const typing = this.app.querySelector('.detail .typing');
    if (typing) typing.textContent = this.s.typing;
    clearTimeout(this.citizenTyping);
    this.citizenTyping = setTimeout(() => this.hideTyping(), 4000);
  }

  private hideTyping(): void {
    const typing = this.app.querySelector('.detail .typing');
    if (typing) typing.textContent = '';
  }

  /** The waits shown in the list count up every second. */
  private tick(): void {
    if (++this.ticks % HEARTBEAT_SECONDS === 0) void this.heartbeat();
    // On line the line tick pushes `queue.stats`; off line they are read every half minute.
    if (
      this.ticks % OFFLINE_STATS_SECONDS === 0 &&
      this.presence === 'offline' &&
      this.connectionState === 'open'
    )
      void this.loadStats();
    for (const element of this.app.querySelectorAll<HTMLElement>('.sla[data-id]')) {
      const conversation = this.conversations.get(element.dataset.id ?? '');
      if (conversation && !conversation.closed) element.textContent = this.slaText(conversation);
    }
  }

  /**
   * The SLA line of a conversation: the time left to accept an offer, the first reply's countdown
   * once accepted, else the wait so far.
   */
  private slaText(conversation: DeskConversation): string {
    if (conversation.closed) return this.s.closed;
    const acceptWithin = conversation.acceptDueSeconds();
    if (acceptWithin !== undefined) return this.s.acceptDue(acceptWithin);
    const due = conversation.firstReplyDueSeconds();
    if (due === undefined) return this.s.slaWaited(conversation.waitedSeconds());
    return due >= 0 ? this.s.slaReplyDue(due) : this.s.slaReplyOverdue(-due);
  }

  /** The tab's title counts what waits for the operator, so it shows in a background tab. */
  private updateTitle(): void {
    let waiting = 0;
    for (const conversation of this.conversations.values())
      waiting += conversation.unread + (conversation.accepted ? 0 : 1);
    document.title = waiting > 0 ? `(${waiting}) ${this.s.title}` : this.s.title;
  }

  private notify(text: string): void {
    if (!document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted')
      return;
    try {
      new Notification(this.s.title, { body: text });
    } catch {
      // Where pages may not construct notifications (Chrome on Android): the title badge still shows.
    }
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }
}

/**
 * The key as authenticator apps take it (Google's Key Uri Format): the account is what the
 * operator signs in with, the issuer names the service.
 */
function totpUri(login: string, secret: string): string {
  const issuer = 'SupportChat';
  return `otpauth://totp/${issuer}:${encodeURIComponent(login)}?secret=${secret}&issuer=${issuer}`;
}

void new OperatorConsole().start();
