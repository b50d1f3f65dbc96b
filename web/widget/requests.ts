/**
 * "My requests": the citizen's tickets with their status, what is awaited, a refusal's reason and
 * the history; a page at a time (`ticket.list` pages), "Show more" for the next one.
 */
import type { TicketView } from '#events/tickets.ts';
import { formatTime, h, replace } from '../shared/dom.ts';
import type { Strings, WidgetLang } from './strings.ts';

/** What a waiting ticket awaits, and until when, in words; empty for any other status. */
export function awaitedText(s: Strings, lang: WidgetLang, ticket: TicketView): string {
  const awaited = ticket.status === 'waiting' ? ticket.waitingFor : undefined;
  return awaited ? s.waitingFor(awaited.what, awaited.until && formatTime(awaited.until, lang)) : '';
}

export class RequestsView {
  readonly element = h('div', { class: 'view requests' });
  private tickets: TicketView[] = [];
  private hasMore = false;

  constructor(
    private readonly strings: () => { s: Strings; lang: WidgetLang },
    /** A completed ticket not rated yet (the portal's form brings no rating prompt): rate it. */
    private readonly onRate: (ticket: TicketView) => void,
    /** The citizen asks for the next page. */
    private readonly onMore: () => void,
  ) {}

  /** The first page; `hasMore`: an older page is left. */
  show(tickets: TicketView[], hasMore = false): void {
    this.tickets = tickets;
    this.hasMore = hasMore;
    this.render();
  }

  /** The next page, after those shown (a ticket shown already is kept once). */
  append(tickets: TicketView[], hasMore: boolean): void {
    const shown = new Set(this.tickets.map((t) => t.ticketId));
    const added = tickets.filter((t) => !shown.has(t.ticketId));
    this.tickets.push(...added);
    this.hasMore = hasMore;
    this.render();
    // «Показать ещё» gone with the last page: the focus goes on to the first ticket it brought.
    const root = this.element.getRootNode() as Document | ShadowRoot;
    if (!root.activeElement && added[0])
      this.element
        .querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(`history:${added[0].ticketId}`)}"]`)
        ?.focus();
  }

  /** A live `ticket.updated`: replaces the ticket, or adds it first. */
  update(ticket: TicketView): void {
    const index = this.tickets.findIndex((t) => t.ticketId === ticket.ticketId);
    if (index >= 0) this.tickets[index] = ticket;
    else this.tickets.unshift(ticket);
    this.render();
  }

  render(): void {
    // A live update draws the list anew: a history the citizen opened stays open, and the focus
    // stays on what it was on.
    const opened = new Set(
      [...this.element.querySelectorAll<HTMLDetailsElement>('details[open]')].map((d) => d.dataset.ticket),
    );
    const root = this.element.getRootNode() as Document | ShadowRoot;
    const focused = root.activeElement instanceof HTMLElement ? root.activeElement : null;
    const focusKey = focused && this.element.contains(focused) ? focused.dataset.focusKey : undefined;
    this.draw(opened);
    if (focusKey)
      this.element.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  private draw(opened: ReadonlySet<string | undefined>): void {
    const { s, lang } = this.strings();
    if (this.tickets.length === 0) {
      replace(this.element, h('h3', {}, s.myRequests), h('p', {}, s.noRequests));
      return;
    }
    replace(
      this.element,
      h('h3', {}, s.myRequests),
      h(
        'ul',
        { class: 'tickets' },
        this.tickets.map((ticket) =>
          h(
            'li',
            { class: 'ticket' },
            h(
              'p',
              {},
              h('strong', {}, ticket.number),
              ' ',
              h('span', { class: `badge ${ticket.status}` }, ticket.statusLabel),
            ),
            ticket.waitingFor ? h('p', {}, awaitedText(s, lang, ticket)) : null,
            ticket.rejectReason ? h('p', {}, s.rejectReason(ticket.rejectReason.reason)) : null,
            ticket.rejectReason?.alternatives?.length
              ? h(
                  'div',
                  {},
                  h('p', {}, s.alternatives),
                  h(
                    'ul',
                    {},
                    ticket.rejectReason.alternatives.map((a) => h('li', {}, a)),
                  ),
                )
              : null,
            ticket.status === 'completed' && !ticket.feedback
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    'data-focus-key': `rate:${ticket.ticketId}`,
                    onclick: () => this.onRate(ticket),
                  },
                  s.rateTicket(ticket.number),
                )
              : null,
            h(
              'details',
              { 'data-ticket': ticket.ticketId, open: opened.has(ticket.ticketId) },
              h('summary', { 'data-focus-key': `history:${ticket.ticketId}` }, s.history),
              h(
                'ol',
                {},
                ticket.history.map((entry) =>
                  h(
                    'li',
                    {},
                    formatTime(entry.at, lang),
                    ' — ',
                    s.statuses[entry.status] ?? entry.status,
                    entry.note ? ` — ${entry.note}` : '',
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
      this.hasMore
        ? h(
            'button',
            { type: 'button', class: 'link', 'data-focus-key': 'more', onclick: () => this.onMore() },
            s.moreRequests,
          )
        : null,
    );
  }
}
