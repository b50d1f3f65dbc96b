/**
 * «Записаться в МФЦ»: the MFC offices (by city and service, each with its address, today's hours
 * on its own clock and whether it is open now), the free times of a day as a radio group, the
 * booking and its confirmation card, and "My visits" with cancel and reschedule (the same slot
 * picker). Speaks the `mfc.*` frames (docs/protocol.md, "MFC offices and visits"). A guest's
 * booking answered `UNAUTHORIZED` waits while the widget's identification runs, then goes by
 * itself ({@link VisitsView.resumeAfterIdentification}); every refusal is said in words.
 *
 * The view is drawn from its state in one place ({@link VisitsView.render}); focus stays on the
 * control that had it (each has a stable id), so a keyboard user moving through the radios is
 * never thrown back to the top.
 */
import type { MfcOfficeSummary, MfcVisitView } from '#events/mfc-frames.ts';
import { MFC_BOOKING_HORIZON_DAYS, MFC_VISITS_PER_SERVICE } from '#events/mfc-rules.ts';
import type { Frame } from '../shared/connection.ts';
import { h, replace } from '../shared/dom.ts';
import type { WidgetLang } from './strings.ts';
import type { VisitStrings } from './visit-strings.ts';

/** How many days the picker looks ahead for the first day with a free time, when an office is chosen. */
const LOOKAHEAD_DAYS = 14;

/** «Мои визиты» reads at most this many pages of `mfc.visits` (1,000 visits: years of a busy citizen). */
const MAX_VISIT_PAGES = 10;

export interface VisitsHost {
  /** Sends a frame once the session is ready; rejects when there is no connection. */
  ask(frame: Record<string, unknown>): Promise<Frame>;
  strings(): { v: VisitStrings; lang: WidgetLang };
  verified(): boolean;
  /** Opens the widget's identification (the booking waits for it). */
  identify(): void;
  announce(text: string): void;
  /** A path of the web pages (a checklist) as a full URL. */
  pageUrl(path: string): string;
  /** Esc: back to where the citizen came from. */
  leave(): void;
}

type Slot = { time: string; free: number };
type ErrorAnswer = { type: 'error'; code: string; retryAfter?: number };

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** "GMT+7": the office's offset, so the times read as its own. */
function offsetOf(timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(
      new Date(),
    );
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/** «5 декабря, суббота» / "Saturday, 5 December" of a calendar date (no time zone involved). */
function dayText(date: string, lang: WidgetLang): string {
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return date;
  return day.toLocaleDateString(lang === 'en' ? 'en-GB' : 'ru-RU', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

export class VisitsView {
  readonly element = h('section', { class: 'view visits', 'aria-labelledby': 'sc-visits-title' });
  /** Every office, in the language it was asked in: the cities and services to choose from. */
  private directory: MfcOfficeSummary[] = [];
  private directoryLang: WidgetLang | undefined;
  /** The offices of the chosen city and service. */
  private offices: MfcOfficeSummary[] = [];
  private city = '';
  private serviceId = '';
  private officeId = '';
  private date = '';
  private slots: Slot[] | undefined;
  private time = '';
  /** The visit being moved: the picker then answers with `mfc.reschedule`. */
  private moving: MfcVisitView | undefined;
  private confirmed: { visit: MfcVisitView; moved: boolean } | undefined;
  private visits: MfcVisitView[] | undefined;
  /** The number whose cancellation is being confirmed. */
  private confirmingCancel: string | undefined;
  /** A booking refused `UNAUTHORIZED`, sent again once the citizen has identified. */
  private pending: Record<string, unknown> | undefined;
  /** Identification was asked for from here (a booking, or «Мои визиты»): once done, back here. */
  private identityAsked = false;
  private loading = false;
  /** The newest office list and slot list asked for: an older answer arriving late is dropped. */
  private officesAsked = 0;
  private slotsAsked = 0;
  private busy = false;
  private error = '';
  private errorTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: VisitsHost) {
    this.element.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      // Esc leaves the booking, not the whole widget.
      event.stopPropagation();
      this.host.leave();
    });
  }

  /** The view is shown: the offices (again after a language switch), the citizen's visits, focus on the title. */
  open(): void {
    this.render();
    this.element.querySelector<HTMLElement>('#sc-visits-title')?.focus();
    void this.refresh();
  }

  /** Reads again what the server holds (after opening, a reconnect, a language switch). */
  async refresh(): Promise<void> {
    const { lang } = this.host.strings();
    if (this.directoryLang !== lang) await this.loadDirectory();
    if (this.host.verified()) await this.loadVisits();
    else this.visits = undefined;
    this.render();
  }

  /** Signed out: nothing of the citizen's stays. */
  reset(): void {
    this.visits = undefined;
    this.pending = undefined;
    this.identityAsked = false;
    this.moving = undefined;
    this.confirmed = undefined;
    this.confirmingCancel = undefined;
    this.setError('');
  }

  /**
   * After identification: the booking that waited for it goes now. True when identification was
   * asked for from here, so that the widget comes back to the booking.
   */
  resumeAfterIdentification(): boolean {
    const frame = this.pending;
    const asked = this.identityAsked;
    this.pending = undefined;
    this.identityAsked = false;
    if (frame) void this.submit(frame);
    return asked;
  }

  private askIdentity(): void {
    this.identityAsked = true;
    this.host.identify();
  }

  // ——— the server ———

  private async request(frame: Record<string, unknown>): Promise<Frame | undefined> {
    try {
      return await this.host.ask(frame);
    } catch {
      this.setError(this.host.strings().v.errors.offline?.() ?? '');
      return undefined;
    }
  }

  private async loadDirectory(): Promise<void> {
    const { lang } = this.host.strings();
    this.loading = true;
    this.render();
    const answer = await this.request({ action: 'mfc.offices' });
    this.loading = false;
    if (answer?.type !== 'mfc.offices') return this.refused(answer);
    this.directory = answer.offices;
    // The language it was asked in: a switch meanwhile asks again (refresh after the reconnect).
    this.directoryLang = lang;
    await this.filterOffices();
  }

  /** The offices of the chosen city and service, asked of the server (which matches the city in either language). */
  private async filterOffices(): Promise<void> {
    const mine = ++this.officesAsked;
    const answer = await this.request({
      action: 'mfc.offices',
      ...(this.city ? { city: this.city } : {}),
      ...(this.serviceId ? { serviceId: this.serviceId } : {}),
    });
    if (mine !== this.officesAsked) return;
    if (answer?.type !== 'mfc.offices') return this.refused(answer);
    this.offices = answer.offices;
    if (!this.offices.some((office) => office.officeId === this.officeId)) this.chooseNoOffice();
    this.render();
    if (this.officeId && this.serviceId && this.date) await this.loadSlots(this.date);
  }

  private chooseNoOffice(): void {
    this.officeId = '';
    this.date = '';
    this.slots = undefined;
    this.time = '';
  }

  /** The free times of `date` at the chosen office for the chosen service. */
  private async loadSlots(date: string): Promise<Slot[] | undefined> {
    const mine = ++this.slotsAsked;
    const answer = await this.request({
      action: 'mfc.slots',
      officeId: this.officeId,
      serviceId: this.serviceId,
      date,
    });
    // A newer question (another day, office or service) was asked meanwhile: this answer is stale.
    if (mine !== this.slotsAsked) return undefined;
    if (answer?.type !== 'mfc.slots') {
      this.refused(answer);
      return undefined;
    }
    if (answer.officeId !== this.officeId || answer.serviceId !== this.serviceId) return undefined;
    this.date = date;
    this.slots = answer.slots;
    if (!this.slots.some((slot) => slot.time === this.time && slot.free > 0)) this.time = '';
    this.render();
    return this.slots;
  }

  /** From today on the office's clock, the first day with a free time (within the look-ahead). */
  private async firstFreeDay(): Promise<void> {
    const first = this.today();
    if (!first) return;
    for (let ahead = 0; ahead < LOOKAHEAD_DAYS; ahead++) {
      const officeId = this.officeId;
      const slots = await this.loadSlots(addDays(first, ahead));
      // The citizen chose a day or something else meanwhile, or the server refused: stop looking.
      if (!slots || officeId !== this.officeId) return;
      if (slots.some((slot) => slot.free > 0)) return;
    }
    this.date = first;
    await this.loadSlots(first);
  }

  /**
   * Every page of `mfc.visits` (oldest first, 100 a page): a citizen with a long history still sees
   * the visits to come, which are on the last page. At most `MAX_VISIT_PAGES` pages.
   */
  private async loadVisits(): Promise<void> {
    const visits: MfcVisitView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_VISIT_PAGES; page++) {
      const answer = await this.request({ action: 'mfc.visits', ...(cursor ? { cursor } : {}) });
      if (answer?.type === 'error' && answer.code === 'UNAUTHORIZED') {
        this.visits = undefined;
        return;
      }
      // Another refusal or a lost connection: the list as it was (a reconnect loads it again).
      if (answer?.type !== 'mfc.visits') return;
      visits.push(...answer.visits);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    this.visits = visits;
  }

  /** Books (or moves) the chosen time; the answer's refusals in words. */
  private async submit(frame: Record<string, unknown>): Promise<void> {
    const { v } = this.host.strings();
    this.busy = true;
    this.setError('');
    this.host.announce(v.booking);
    const answer = await this.request(frame);
    this.busy = false;
    if (answer?.type === 'mfc.visit') {
      const moved = frame.action === 'mfc.reschedule';
      this.confirmed = { visit: answer.visit, moved };
      this.moving = undefined;
      this.time = '';
      this.host.announce(`${moved ? v.moved : v.booked}: ${answer.visit.number}`);
      // The card and the focus on it at once; the visits list follows (the focus stays).
      this.render();
      this.element.querySelector<HTMLElement>('#sc-visit-confirmed')?.focus();
      // The place just taken (and, after a move, the one given back) shows in the picker's next use.
      if (this.date) void this.loadSlots(this.date);
      await this.loadVisits();
      this.render();
      return;
    }
    if (answer?.type === 'error' && answer.code === 'UNAUTHORIZED') {
      this.pending = frame;
      this.render();
      this.host.announce(v.identifyFirst);
      this.askIdentity();
      return;
    }
    this.refused(answer);
    if (answer?.type === 'error' && ['SLOT_FULL', 'BAD_REQUEST'].includes(answer.code) && this.date)
      await this.loadSlots(this.date);
    this.render();
  }

  private async cancel(number: string): Promise<void> {
    const { v } = this.host.strings();
    this.confirmingCancel = undefined;
    this.setError('');
    const answer = await this.request({ action: 'mfc.cancel', number });
    if (answer?.type === 'mfc.visit') this.host.announce(v.cancelled(number));
    else this.refused(answer);
    if (this.confirmed?.visit.number === number) this.confirmed = undefined;
    await this.loadVisits();
    this.render();
    this.element.querySelector<HTMLElement>('#sc-my-visits')?.focus();
  }

  /** The picker for a new time of `visit`: its office and service, its day. */
  private async reschedule(visit: MfcVisitView): Promise<void> {
    this.moving = visit;
    this.confirmed = undefined;
    this.setError('');
    this.city = '';
    this.serviceId = visit.serviceId;
    this.officeId = visit.officeId;
    this.date = visit.date;
    this.time = '';
    this.slots = undefined;
    this.render();
    this.element.querySelector<HTMLElement>('#sc-visit-moving')?.focus();
    await this.filterOffices();
  }

  /** A refusal (or no answer) in words; `RATE_LIMITED` counts down. */
  private refused(answer: Frame | undefined): void {
    if (!answer) return;
    const { v } = this.host.strings();
    if (answer.type !== 'error') {
      this.setError(v.errors.INTERNAL?.() ?? '');
      return;
    }
    const { code, retryAfter } = answer as ErrorAnswer;
    const words = v.errors[code] ?? v.errors.INTERNAL;
    if (code === 'RATE_LIMITED') {
      let left = Math.ceil(retryAfter ?? 60);
      this.setError(words?.(left) ?? code);
      this.errorTimer = setInterval(() => {
        left -= 1;
        const line = this.element.querySelector('#sc-visits-error');
        if (left <= 0) {
          clearInterval(this.errorTimer);
          this.error = '';
        } else this.error = words?.(left) ?? code;
        if (line) line.textContent = this.error;
      }, 1000);
      return;
    }
    this.setError(words?.(code === 'VISIT_LIMIT' ? MFC_VISITS_PER_SERVICE : undefined) ?? code);
    if (code === 'NOT_FOUND' || code === 'CONFLICT') void this.loadVisits().then(() => this.render());
  }

  private setError(text: string): void {
    clearInterval(this.errorTimer);
    this.error = text;
    const line = this.element.querySelector('#sc-visits-error');
    if (line) line.textContent = text;
  }

  // ——— state from the controls ———

  private office(): MfcOfficeSummary | undefined {
    return this.offices.find((office) => office.officeId === this.officeId);
  }

  /** Today on the chosen office's clock, as the server said it. */
  private today(): string | undefined {
    return this.office()?.today?.date;
  }

  private chooseCity(city: string): void {
    this.city = city;
    this.confirmed = undefined;
    void this.filterOffices();
  }

  private chooseService(serviceId: string): void {
    this.serviceId = serviceId;
    this.confirmed = undefined;
    this.slots = undefined;
    this.time = '';
    void this.filterOffices();
  }

  private chooseOffice(officeId: string): void {
    this.officeId = officeId;
    this.slots = undefined;
    this.time = '';
    this.date = '';
    this.render();
    if (this.serviceId) void this.firstFreeDay();
  }

  private chooseDate(date: string): void {
    const { v } = this.host.strings();
    const today = this.today();
    if (!date || !today) return;
    if (date < today || date > addDays(today, MFC_BOOKING_HORIZON_DAYS)) {
      this.setError(v.dateHint(MFC_BOOKING_HORIZON_DAYS));
      return;
    }
    this.setError('');
    this.time = '';
    void this.loadSlots(date);
  }

  private book(): void {
    const { v } = this.host.strings();
    if (this.busy) return;
    if (!this.time || !this.date) {
      this.setError(v.chooseSlot);
      return;
    }
    const moving = this.moving;
    void this.submit(
      moving
        ? { action: 'mfc.reschedule', number: moving.number, date: this.date, time: this.time }
        : {
            action: 'mfc.book',
            officeId: this.officeId,
            serviceId: this.serviceId,
            date: this.date,
            time: this.time,
          },
    );
  }

  // ——— drawing ———

  render(): void {
    const { v } = this.host.strings();
    const focused = (this.element.getRootNode() as ShadowRoot | Document).activeElement;
    const focusedId = focused && this.element.contains(focused) ? focused.id : '';
    replace(
      this.element,
      h('h3', { id: 'sc-visits-title', tabindex: -1 }, v.title),
      this.confirmed ? this.confirmation(this.confirmed) : this.picker(),
      h('p', { id: 'sc-visits-error', class: 'error', role: 'alert' }, this.error),
      this.myVisits(),
    );
    if (focusedId) this.refocus(focusedId);
  }

  /**
   * Gives the focus back to the control that had it, or — when the list it was in changed under
   * it (another city's offices arrived, a time was taken) — to the same list's chosen or first
   * entry, else to the title: never to the page's body.
   */
  private refocus(id: string): void {
    const find = (selector: string) => this.element.querySelector<HTMLElement>(selector);
    const group = id.startsWith('sc-office-') ? 'office' : id.startsWith('sc-slot-') ? 'slot' : '';
    const target =
      find(`#${CSS.escape(id)}`) ??
      (group
        ? (find(`input[name="${group}"]:checked`) ?? find(`input[name="${group}"]:not(:disabled)`))
        : null) ??
      find('#sc-visits-title');
    target?.focus();
  }

  private confirmation({ visit, moved }: { visit: MfcVisitView; moved: boolean }): HTMLElement {
    const { v, lang } = this.host.strings();
    const row = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
    const checklist = visit.checklistPath ? this.host.pageUrl(visit.checklistPath) : '';
    return h(
      'section',
      { class: 'visit-card', 'aria-labelledby': 'sc-visit-confirmed' },
      h('h4', { id: 'sc-visit-confirmed', tabindex: -1 }, moved ? v.moved : v.booked),
      h(
        'dl',
        {},
        row(v.number, visit.number),
        row(v.office, visit.officeName),
        row(v.address, visit.address),
        row(v.service, visit.serviceTitle),
        row(v.when, v.whenText(dayText(visit.date, lang), visit.time)),
      ),
      checklist ? h('a', { href: checklist, target: '_blank', rel: 'noopener' }, v.checklist) : null,
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            this.confirmed = undefined;
            this.render();
            this.element.querySelector<HTMLElement>('#sc-visit-service')?.focus();
          },
        },
        v.bookAnother,
      ),
    );
  }

  private picker(): HTMLElement {
    const { v } = this.host.strings();
    const cities = [...new Set(this.directory.map((office) => office.city))].sort((a, b) =>
      a.localeCompare(b),
    );
    const services = new Map<string, string>();
    for (const office of this.directory)
      for (const service of office.services) services.set(service.serviceId, service.title);
    const moving = this.moving;
    const option = (value: string, label: string, selected: boolean) =>
      h('option', { value, selected }, label);
    return h(
      'form',
      {
        class: 'visit-picker',
        'aria-labelledby': moving ? 'sc-visit-moving' : 'sc-visit-new',
        onsubmit: (event: Event) => {
          event.preventDefault();
          this.book();
        },
      },
      moving
        ? h(
            'div',
            { class: 'moving' },
            h('h4', { id: 'sc-visit-moving', tabindex: -1 }, v.rescheduling(moving.number)),
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                onclick: () => {
                  this.moving = undefined;
                  this.render();
                },
              },
              v.stopRescheduling,
            ),
          )
        : h('h4', { id: 'sc-visit-new' }, v.newVisit),
      this.loading ? h('p', { role: 'status' }, v.loading) : null,
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'sc-visit-city' }, v.city),
        h(
          'select',
          {
            id: 'sc-visit-city',
            disabled: moving !== undefined,
            onchange: (event: Event) => this.chooseCity((event.target as HTMLSelectElement).value),
          },
          option('', v.allCities, this.city === ''),
          cities.map((city) => option(city, city, city === this.city)),
        ),
        h('label', { for: 'sc-visit-service' }, v.service),
        h(
          'select',
          {
            id: 'sc-visit-service',
            disabled: moving !== undefined,
            onchange: (event: Event) => this.chooseService((event.target as HTMLSelectElement).value),
          },
          option('', v.chooseService, this.serviceId === ''),
          [...services].map(([id, title]) => option(id, title, id === this.serviceId)),
        ),
      ),
      this.officeList(),
      this.slotPicker(),
      h(
        'button',
        { type: 'submit', id: 'sc-visit-submit', disabled: this.busy || !this.time },
        moving ? v.moveHere : v.book,
      ),
      this.pending ? h('p', { class: 'info' }, v.identifyFirst) : null,
    );
  }

  private officeList(): HTMLElement {
    const { v } = this.host.strings();
    if (this.directory.length > 0 && this.offices.length === 0) return h('p', {}, v.noOffices);
    return h(
      'fieldset',
      { class: 'offices' },
      h('legend', {}, v.offices),
      h(
        'ul',
        {},
        this.offices.map((office) => {
          const id = `sc-office-${office.officeId}`;
          const today = office.today;
          return h(
            'li',
            { class: 'office' },
            h('input', {
              type: 'radio',
              name: 'office',
              id,
              value: office.officeId,
              checked: office.officeId === this.officeId,
              disabled: this.moving !== undefined && office.officeId !== this.officeId,
              'aria-describedby': `${id}-about`,
              onchange: () => this.chooseOffice(office.officeId),
            }),
            h('label', { for: id }, office.name),
            h(
              'div',
              { id: `${id}-about`, class: 'office-about' },
              h('p', {}, office.address),
              today ? h('p', {}, v.today(today.hours)) : null,
              today
                ? h(
                    'p',
                    { class: today.openNow ? 'badge completed' : 'badge' },
                    today.openNow ? v.openNow : v.closedNow,
                  )
                : null,
            ),
            h('details', {}, h('summary', {}, v.weekHours), h('p', {}, office.hours)),
          );
        }),
      ),
    );
  }

  private slotPicker(): (HTMLElement | null)[] {
    const { v } = this.host.strings();
    const office = this.office();
    const today = this.today();
    if (!office || !this.serviceId || !today) return [h('p', { class: 'info' }, v.pickFirst)];
    const slots = this.slots;
    return [
      h('label', { for: 'sc-visit-date' }, v.date),
      h('input', {
        id: 'sc-visit-date',
        type: 'date',
        value: this.date,
        min: today,
        max: addDays(today, MFC_BOOKING_HORIZON_DAYS),
        'aria-describedby': 'sc-visit-date-hint',
        onchange: (event: Event) => this.chooseDate((event.target as HTMLInputElement).value),
      }),
      h('p', { id: 'sc-visit-date-hint', class: 'hint' }, v.dateHint(MFC_BOOKING_HORIZON_DAYS)),
      slots === undefined
        ? h('p', { role: 'status' }, v.loading)
        : h(
            'fieldset',
            { class: 'slots', 'aria-describedby': 'sc-visit-zone' },
            h('legend', {}, v.slots),
            h(
              'p',
              { id: 'sc-visit-zone', class: 'hint' },
              v.localTime(office.name, offsetOf(office.timeZone)),
            ),
            slots.some((slot) => slot.free > 0)
              ? h(
                  'div',
                  { class: 'slot-list' },
                  slots.map((slot) => {
                    const id = `sc-slot-${slot.time.replace(':', '')}`;
                    return h(
                      'span',
                      { class: 'slot' },
                      h('input', {
                        type: 'radio',
                        name: 'slot',
                        id,
                        value: slot.time,
                        checked: slot.time === this.time,
                        disabled: slot.free === 0,
                        // One name with its comma, whatever the layout of the two lines shown.
                        'aria-label': v.slotLabel(slot.time, slot.free),
                        // Not redrawn: the radio keeps its focus and the arrow keys their place.
                        onchange: () => {
                          this.time = slot.time;
                          this.setError('');
                          const submit = this.element.querySelector<HTMLButtonElement>('#sc-visit-submit');
                          if (submit) submit.disabled = this.busy;
                        },
                      }),
                      h(
                        'label',
                        { for: id },
                        h('strong', {}, slot.time),
                        h('span', { class: 'places' }, v.slotPlaces(slot.free)),
                      ),
                    );
                  }),
                )
              : h('p', {}, v.noSlots),
          ),
    ];
  }

  private myVisits(): HTMLElement {
    const { v, lang } = this.host.strings();
    const heading = h('h4', { id: 'sc-my-visits', tabindex: -1 }, v.myVisits);
    if (!this.host.verified())
      return h(
        'section',
        { class: 'my-visits', 'aria-labelledby': 'sc-my-visits' },
        heading,
        h('p', {}, v.visitsNeedIdentity),
        h('button', { type: 'button', class: 'link', onclick: () => this.askIdentity() }, v.identify),
      );
    const visits = this.visits ?? [];
    return h(
      'section',
      { class: 'my-visits', 'aria-labelledby': 'sc-my-visits' },
      heading,
      visits.length === 0
        ? h('p', {}, v.noVisits)
        : h(
            'ul',
            { class: 'tickets' },
            visits.map((visit) => {
              const booked = visit.status === 'booked' && Date.parse(visit.startsAt) > Date.now();
              return h(
                'li',
                { class: 'ticket' },
                h(
                  'p',
                  {},
                  h('strong', {}, visit.number),
                  ' ',
                  h(
                    'span',
                    { class: `badge ${visit.status === 'booked' ? 'completed' : 'rejected'}` },
                    visit.status === 'booked' ? v.statusBooked : v.statusCancelled,
                  ),
                ),
                h('p', {}, visit.serviceTitle),
                h('p', {}, `${visit.officeName}, ${visit.address}`),
                h('p', {}, v.whenText(dayText(visit.date, lang), visit.time)),
                booked ? this.visitActions(visit) : null,
              );
            }),
          ),
    );
  }

  private visitActions(visit: MfcVisitView): HTMLElement {
    const { v } = this.host.strings();
    if (this.confirmingCancel === visit.number)
      return h(
        'div',
        { class: 'visit-actions', role: 'group', 'aria-label': v.confirmCancel(visit.number) },
        h('p', {}, v.confirmCancel(visit.number)),
        h(
          'button',
          {
            type: 'button',
            id: `sc-cancel-yes-${visit.number}`,
            onclick: () => void this.cancel(visit.number),
          },
          v.yesCancel,
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              this.confirmingCancel = undefined;
              this.render();
              this.element.querySelector<HTMLElement>(`#sc-cancel-${visit.number}`)?.focus();
            },
          },
          v.keep,
        ),
      );
    return h(
      'div',
      { class: 'visit-actions' },
      h(
        'button',
        {
          type: 'button',
          id: `sc-reschedule-${visit.number}`,
          onclick: () => void this.reschedule(visit),
        },
        v.reschedule(visit.number),
      ),
      h(
        'button',
        {
          type: 'button',
          id: `sc-cancel-${visit.number}`,
          onclick: () => {
            this.confirmingCancel = visit.number;
            this.render();
            this.element.querySelector<HTMLElement>(`#sc-cancel-yes-${visit.number}`)?.focus();
          },
        },
        v.cancel(visit.number),
      ),
    );
  }
}
