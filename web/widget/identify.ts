/**
 * Identification by phone or e-mail: ask for a code, type it, see when another may be asked for;
 * every error of the protocol (`RATE_LIMITED`, `LOCKED`, `INVALID_CODE`, …) said in words, with
 * its countdown where it has one. Once verified: download one's own conversations, or sign out.
 */
import type { AuthCodeSentFrame, AuthVerifiedFrame } from '#events/identification.ts';
import type { Frame } from '../shared/connection.ts';
import { h, replace } from '../shared/dom.ts';
import type { Strings } from './strings.ts';

export class IdentifyView {
  readonly element = h('div', { class: 'view identify' });
  /** The request button's wait (resend, or a refusal's), and the error line's own countdown. */
  private countdown: ReturnType<typeof setInterval> | undefined;
  private errorCountdown: ReturnType<typeof setInterval> | undefined;
  private codeSent: AuthCodeSentFrame | undefined;

  constructor(
    private readonly send: (frame: Record<string, unknown>) => Promise<Frame>,
    private readonly strings: () => Strings,
    private readonly onVerified: (frame: AuthVerifiedFrame) => void,
    private readonly onSignOut: () => Promise<boolean>,
  ) {}

  render(verified: boolean): void {
    const s = this.strings();
    clearInterval(this.countdown);
    clearInterval(this.errorCountdown);
    if (verified) {
      const error = h('p', { class: 'error', role: 'alert' });
      const signOut = h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            if (!(await this.onSignOut())) error.textContent = s.errors.offline?.() ?? '';
          },
        },
        s.signOut,
      );
      // `transcript.get`: the citizen's own conversations and tickets as one HTML file, saved by the browser.
      const download = h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            error.textContent = '';
            const answer = await this.send({ action: 'transcript.get' }).catch(() => undefined);
            if (answer?.type !== 'transcript.download') {
              error.textContent = s.downloadFailed;
              return;
            }
            // S3 answers it as a download (Content-Disposition: attachment); a new tab either way,
            // so the chat itself never navigates away.
            const link = h('a', {
              href: String(answer.url),
              download: String(answer.fileName),
              target: '_blank',
              rel: 'noopener',
            });
            link.click();
          },
        },
        s.downloadTranscript,
      );
      replace(this.element, h('p', { role: 'status' }, s.verified), download, signOut, error);
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
          void this.requestCode(contact.value.trim(), error, info, requestButton, code);
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
          void this.verifyCode(code, error, info);
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
    codeInput: HTMLInputElement,
  ): Promise<void> {
    const s = this.strings();
    this.clearError(error);
    const destination = contact.includes('@') ? { email: contact } : { phone: contact };
    const answer = await this.ask({ action: 'auth.requestCode', ...destination });
    if (answer.type === 'auth.codeSent') {
      this.codeSent = answer as AuthCodeSentFrame;
      info.textContent = s.codeSent(this.codeSent.destination, Math.round(this.codeSent.expiresIn / 60));
      this.count(this.codeSent.resendIn, button, (left) => s.resendIn(left), s.resend);
      // The button waits out its countdown disabled: the focus goes where the code is typed.
      codeInput.focus();
      return;
    }
    // A contact the server could not read: said for what was typed, not as a generic error.
    const field = (answer as { code?: string; details?: { field?: string }[] }).details?.[0]?.field;
    if ((answer as { code?: string }).code === 'BAD_REQUEST' && (field === 'phone' || field === 'email')) {
      error.textContent = 'email' in destination ? s.badEmail : s.badPhone;
      this.element.querySelector<HTMLInputElement>('#sc-contact')?.focus();
      return;
    }
    this.showError(answer, error, button);
  }

  private async verifyCode(
    codeInput: HTMLInputElement,
    error: HTMLElement,
    info: HTMLElement,
  ): Promise<void> {
    this.clearError(error);
    const answer = await this.ask({ action: 'auth.verifyCode', code: codeInput.value.trim() });
    if (answer.type === 'auth.verified') {
      info.textContent = '';
      this.codeSent = undefined;
      this.onVerified(answer as AuthVerifiedFrame);
      return;
    }
    this.showError(answer, error);
    // Typed again where it was wrong.
    codeInput.focus();
    codeInput.select();
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
      if (button) this.count(retryAfter, button, undefined, s.getCode);
      clearInterval(this.errorCountdown);
      let left = Math.ceil(retryAfter);
      const tick = () => {
        error.textContent = words(Math.max(0, left));
        if (left-- <= 0) this.clearError(error);
      };
      tick();
      this.errorCountdown = setInterval(tick, 1000);
      return;
    }
    error.textContent = words?.(code === 'INVALID_CODE' ? attemptsLeft : retryAfter) ?? code;
  }

  /** Empties the error line and stops its countdown (a new attempt's answer replaces it). */
  private clearError(error: HTMLElement): void {
    clearInterval(this.errorCountdown);
    error.textContent = '';
  }

  /** Disables `button` for `seconds`, its label counting down (`label`) or unchanged, then `done`. */
  private count(
    seconds: number,
    button: HTMLButtonElement,
    label: ((left: number) => string) | undefined,
    done: string,
  ): void {
    clearInterval(this.countdown);
    let left = Math.ceil(seconds);
    const tick = () => {
      button.disabled = left > 0;
      button.textContent = left > 0 && label ? label(left) : done;
      if (left-- <= 0) clearInterval(this.countdown);
    };
    tick();
    this.countdown = setInterval(tick, 1000);
  }
}
