/**
 * Identification by phone or e-mail: ask for a code, type it, see when another may be asked for;
 * every error of the protocol (`RATE_LIMITED`, `LOCKED`, `INVALID_CODE`, …) said in words, with
 * its countdown where it has one.
 */
import type { AuthCodeSentFrame, AuthVerifiedFrame } from '#events/identification.ts';
import type { Frame } from '../shared/connection.ts';
import { h, replace } from '../shared/dom.ts';
import type { Strings } from './strings.ts';

export class IdentifyView {
  readonly element = h('div', { class: 'view identify' });
  private countdown: ReturnType<typeof setInterval> | undefined;
  private codeSent: AuthCodeSentFrame | undefined;

  constructor(
    private readonly send: (frame: Record<string, unknown>) => Promise<Frame>,
    private readonly strings: () => Strings,
    private readonly onVerified: (frame: AuthVerifiedFrame) => void,
  ) {}

  render(verified: boolean): void {
    const s = this.strings();
    clearInterval(this.countdown);
    if (verified) {
      replace(this.element, h('p', { role: 'status' }, s.verified));
      return;
    }
    const error = h('p', { class: 'error', role: 'alert' });
    const info = h('p', { class: 'info', role: 'status' });
    const contact = h('input', { id: 'sc-contact', type: 'text', autocomplete: 'email', required: true });
    const code = h('input', {
      id: 'sc-code',
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      maxlength: 6,
    });
    const requestButton = h('button', { type: 'submit' }, this.codeSent ? s.resend : s.getCode);
    const requestForm = h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.requestCode(contact.value.trim(), error, info, requestButton);
        },
      },
      h('label', { for: 'sc-contact' }, s.contact),
      contact,
      requestButton,
    );
    const verifyForm = h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.verifyCode(code.value.trim(), error, info);
        },
      },
      h('label', { for: 'sc-code' }, s.code),
      code,
      h('button', { type: 'submit' }, s.verify),
    );
    replace(this.element, h('h3', {}, s.identifyTitle), requestForm, verifyForm, info, error);
  }

  private async requestCode(
    contact: string,
    error: HTMLElement,
    info: HTMLElement,
    button: HTMLButtonElement,
  ): Promise<void> {
    const s = this.strings();
    error.textContent = '';
    const destination = contact.includes('@') ? { email: contact } : { phone: contact };
    const answer = await this.ask({ action: 'auth.requestCode', ...destination });
    if (answer.type === 'auth.codeSent') {
      this.codeSent = answer as AuthCodeSentFrame;
      info.textContent = s.codeSent(this.codeSent.destination, Math.round(this.codeSent.expiresIn / 60));
      this.count(this.codeSent.resendIn, button, (left) => s.resendIn(left), s.resend);
      return;
    }
    this.showError(answer, error, button);
  }

  private async verifyCode(code: string, error: HTMLElement, info: HTMLElement): Promise<void> {
    error.textContent = '';
    const answer = await this.ask({ action: 'auth.verifyCode', code });
    if (answer.type === 'auth.verified') {
      info.textContent = '';
      this.codeSent = undefined;
      this.onVerified(answer as AuthVerifiedFrame);
      return;
    }
    this.showError(answer, error);
  }

  private async ask(frame: Record<string, unknown>): Promise<Frame> {
    try {
      return await this.send(frame);
    } catch {
      return { type: 'error', code: 'offline' };
    }
  }

  /** The error in words; `LOCKED` and `RATE_LIMITED` count down until the wait is over. */
  private showError(answer: Frame, error: HTMLElement, button?: HTMLButtonElement): void {
    const s = this.strings();
    const code = String((answer as { code?: string }).code ?? 'INTERNAL');
    const words = s.errors[code] ?? s.errors.INTERNAL;
    const retryAfter = (answer as { retryAfter?: number }).retryAfter;
    const attemptsLeft = (answer as { attemptsLeft?: number }).attemptsLeft;
    if ((code === 'LOCKED' || code === 'RATE_LIMITED') && retryAfter !== undefined && words) {
      this.count(retryAfter, button, (left) => words(left), s.getCode, error);
      return;
    }
    error.textContent = words?.(code === 'INVALID_CODE' ? attemptsLeft : retryAfter) ?? code;
  }

  private count(
    seconds: number,
    button: HTMLButtonElement | undefined,
    text: (left: number) => string,
    done: string,
    target?: HTMLElement,
  ): void {
    clearInterval(this.countdown);
    let left = Math.ceil(seconds);
    const tick = () => {
      if (target) target.textContent = text(left);
      if (button) {
        button.disabled = left > 0;
        button.textContent = left > 0 && !target ? text(left) : done;
      }
      if (left-- <= 0) clearInterval(this.countdown);
    };
    tick();
    this.countdown = setInterval(tick, 1000);
  }
}
