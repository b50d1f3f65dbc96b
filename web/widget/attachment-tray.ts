/**
 * The files a citizen is attaching (docs/protocol.md#attachments, "For client authors"): checked
 * here first (PDF, JPEG or PNG, 1 byte to 10 MB), then `attachment.create`, the presigned POST with
 * its progress (XMLHttpRequest's upload progress), and the verdict (`attachment.ready` /
 * `attachment.rejected`). It owns the tray under the conversation — each file with its progress,
 * its state in words, «Убрать» and, after a failure, «Загрузить ещё раз» — the attach button and
 * the drop zone. The message a file goes with is the widget's: `take()` hands the tray's files to it.
 */
import {
  ATTACHMENT_CONTENT_TYPES,
  ATTACHMENT_REJECTIONS,
  type AttachmentContentType,
  MAX_ATTACHMENT_BYTES,
} from '#events/attachment-rules.ts';
import type {
  AttachmentDownloadFrame,
  AttachmentReadyFrame,
  AttachmentRejectedFrame,
  AttachmentUploadFrame,
} from '#events/attachments.ts';
import type { AttachmentLinks } from '../shared/attachment-links.ts';
import type { Frame } from '../shared/connection.ts';
import { h, replace, uuid } from '../shared/dom.ts';
import { ATTACHMENT_STRINGS, type AttachmentProblem, type AttachmentStrings } from './attachment-strings.ts';
import type { WidgetLang } from './strings.ts';

/**
 * `waiting`: no conversation to attach to yet (it starts with the first message); `uploading`:
 * asked for and posting; `checking`: posted, the verdict not in yet; `ready`: may go into
 * `message.send`; `rejected`: refused for good (by the check, or here before uploading); `failed`:
 * the upload did not go through, worth another try.
 */
export type PendingStatus = 'waiting' | 'uploading' | 'checking' | 'ready' | 'rejected' | 'failed';

export interface PendingFile {
  readonly localId: string;
  readonly file: File;
  readonly contentType: AttachmentContentType;
  attachmentId?: string;
  status: PendingStatus;
  /** 0–1 of the bytes posted. */
  progress: number;
  problem?: AttachmentProblem;
  /** The conversation `attachment.create` was last asked for (a file that waits is not asked twice for one). */
  triedConversation?: string;
  /** When the upload went through (ms): a verdict awaited too long lets the message go without it. */
  checkingSince?: number;
  /** The upload in flight (aborted when the file is removed). */
  request?: XMLHttpRequest;
}

/** The file's fate is known: it goes (`ready`) or it does not (`rejected`, `failed`). */
export const isSettled = (file: PendingFile): boolean =>
  file.status === 'ready' || file.status === 'rejected' || file.status === 'failed';

export interface AttachmentTrayDeps {
  /** Sends a frame once the session is ready and resolves with its answer. */
  ask(frame: Record<string, unknown>): Promise<Frame>;
  /** The conversation files are attached to (null before the first message). */
  conversationId(): string | null;
  language(): WidgetLang;
  /** A file's state changed (the message waiting for it may go now). */
  onChange(file: PendingFile): void;
  /** Says something through the widget's live region. */
  announce(text: string): void;
  links: AttachmentLinks;
}

/** Files whose verdict has not come after this long are asked about (the push may have been missed). */
const VERDICT_POLL_MS = 15_000;
/**
 * A verdict not in after this long stops holding the message back: the file goes back to the tray
 * as not uploaded (a late `attachment.ready` still makes it ready there, for the next message).
 */
const VERDICT_PATIENCE_MS = 120_000;
/** An upload that has not finished in this long is given up (the citizen may try again). */
const UPLOAD_TIMEOUT_MS = 180_000;

export class AttachmentTray {
  /** The list under the conversation (files not yet handed to a message). */
  readonly element = h('div', { class: 'tray' });
  private readonly list = h('ul', { class: 'tray-files', role: 'list' });
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly input = h('input', {
    type: 'file',
    class: 'sr-only',
    accept: ATTACHMENT_CONTENT_TYPES.join(','),
    multiple: true,
    tabindex: -1,
    'aria-hidden': 'true',
  });
  /** What the tray says in its alert: files refused before uploading, or a hint (redrawn in either language). */
  private notice:
    | { refused: { name: string; problem: AttachmentProblem }[] }
    | { hint: 'writeFirst' }
    | undefined;
  /** The files in the tray, in the order chosen. */
  private files: PendingFile[] = [];
  /** Every file attached on this page and not removed, also after it was handed to a message. */
  private readonly all = new Set<PendingFile>();
  /** The same files once asked for, by attachment id (the verdicts name them so). */
  private readonly byAttachmentId = new Map<string, PendingFile>();
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: AttachmentTrayDeps) {
    this.input.addEventListener('change', () => {
      if (this.input.files) this.add([...this.input.files]);
      this.input.value = '';
    });
  }

  private get s(): AttachmentStrings {
    return ATTACHMENT_STRINGS[this.deps.language()];
  }

  /** The attach button (it opens the file chooser) with its hidden input, for the composer. */
  attachButton(): HTMLElement[] {
    const s = this.s;
    return [
      h(
        'button',
        {
          type: 'button',
          class: 'attach',
          title: s.attachHint,
          onclick: () => this.input.click(),
        },
        paperclip(),
        s.attach,
      ),
      this.input,
    ];
  }

  /** Files dropped onto `zone` are attached; while a file is dragged over it, it says so. */
  acceptDrops(zone: HTMLElement): void {
    const hint = h('p', { class: 'drop-hint', 'aria-hidden': 'true' });
    zone.appendChild(hint);
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    let depth = 0;
    const leave = () => {
      depth = 0;
      zone.classList.remove('dropping');
    };
    zone.addEventListener('dragenter', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      hint.textContent = this.s.dropHere;
      zone.classList.add('dropping');
    });
    zone.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    zone.addEventListener('dragleave', () => {
      if (--depth <= 0) leave();
    });
    zone.addEventListener('drop', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      leave();
      this.add([...(event.dataTransfer?.files ?? [])]);
    });
  }

  /** Checks each file before anything is asked for; the good ones start uploading. */
  add(chosen: File[]): void {
    const refused: { name: string; problem: AttachmentProblem }[] = [];
    for (const file of chosen) {
      const problem = problemBeforeUpload(file);
      if (problem) {
        refused.push({ name: file.name, problem });
        continue;
      }
      const pending: PendingFile = {
        localId: uuid(),
        file,
        contentType: file.type as AttachmentContentType,
        status: 'waiting',
        progress: 0,
      };
      this.files.push(pending);
      this.all.add(pending);
      void this.upload(pending);
    }
    this.notice = refused.length > 0 ? { refused } : undefined;
    this.render();
  }

  /** True when the tray holds a file that may still go with a message. */
  hasFiles(): boolean {
    return this.files.some((file) => file.status !== 'rejected' && file.status !== 'failed');
  }

  /** Hands the files that may still go to the message being sent; refused ones stay to be seen. */
  take(): PendingFile[] {
    const taken = this.files.filter((file) => file.status !== 'rejected' && file.status !== 'failed');
    this.files = this.files.filter((file) => !taken.includes(file));
    this.notice = undefined;
    this.render();
    return taken;
  }

  /** A conversation exists now (the first message was stored): the files waiting for one start. */
  conversationKnown(): void {
    const conversationId = this.deps.conversationId();
    for (const file of this.all)
      if (file.status === 'waiting' && file.triedConversation !== conversationId) void this.upload(file);
  }

  /** Files a message could not take (refused, or failed to upload) come back, to be seen, retried or removed. */
  giveBack(files: PendingFile[]): void {
    const back = files.filter((file) => this.all.has(file) && !this.files.includes(file));
    if (back.length === 0) return;
    this.files.push(...back);
    this.render();
  }

  /** The first message cannot be files alone: says so in the tray (an alert). */
  askForWords(): void {
    this.notice = { hint: 'writeFirst' };
    this.render();
  }

  /** Forgets every file (signed out: nothing of the conversation stays on a shared screen). */
  clear(): void {
    for (const file of this.all) file.request?.abort();
    this.all.clear();
    this.byAttachmentId.clear();
    this.files = [];
    this.notice = undefined;
    this.render();
  }

  onReady(frame: AttachmentReadyFrame): void {
    const file = this.byAttachmentId.get(frame.attachmentId);
    // A verdict on an earlier upload of a file tried again since is not this upload's.
    if (!file || file.status === 'ready' || file.attachmentId !== frame.attachmentId) return;
    file.status = 'ready';
    file.progress = 1;
    this.deps.announce(this.s.readyAnnounced(file.file.name));
    this.changed(file);
  }

  onRejected(frame: AttachmentRejectedFrame): void {
    const file = this.byAttachmentId.get(frame.attachmentId);
    if (!file || file.status === 'rejected' || file.attachmentId !== frame.attachmentId) return;
    file.status = 'rejected';
    file.problem = frame.reason;
    this.deps.announce(this.s.rejected(file.file.name, this.s.problems[frame.reason]));
    this.changed(file);
  }

  /**
   * After a reconnect, or when a verdict is late: `attachment.url` says whether a file being
   * checked is ready (a link), still being checked (`CONFLICT`) or was rejected (`CONFLICT` naming
   * `rejected: <reason>` in its details: the push that said so was missed).
   */
  async recheck(): Promise<void> {
    for (const file of this.byAttachmentId.values()) {
      if (file.status !== 'checking' || !file.attachmentId) continue;
      const attachmentId = file.attachmentId;
      const answer = await this.deps.ask({ action: 'attachment.url', attachmentId }).catch(() => undefined);
      if (answer?.type === 'attachment.download') {
        this.onReady({
          ...(answer as AttachmentDownloadFrame),
          type: 'attachment.ready',
          conversationId: '',
        });
        continue;
      }
      const problem = (answer as { details?: { problem?: string }[] } | undefined)?.details?.[0]?.problem;
      const reason = ATTACHMENT_REJECTIONS.find((known) => problem === `rejected: ${known}`);
      if (reason) this.onRejected({ type: 'attachment.rejected', attachmentId, conversationId: '', reason });
    }
  }

  /** Words for a file's state, as the tray and the message waiting for it show them. */
  describe(file: PendingFile): string {
    const s = this.s;
    if (file.status === 'rejected')
      return s.rejected(file.file.name, s.problems[file.problem ?? 'type_mismatch']);
    if (file.status === 'failed')
      return s.failed(file.file.name, s.problems[file.problem ?? 'upload_failed']);
    return `${file.file.name} — ${s[file.status]}`;
  }

  /** Redraws the tray (also in another language). */
  render(): void {
    const s = this.s;
    this.list.setAttribute('aria-label', s.tray);
    replace(
      this.list,
      this.files.map((file) => this.item(file)),
    );
    const notice = this.notice;
    this.error.textContent =
      notice === undefined
        ? ''
        : 'hint' in notice
          ? s[notice.hint]
          : notice.refused.map(({ name, problem }) => s.rejected(name, s.problems[problem])).join(' ');
    replace(this.element, this.files.length > 0 ? this.list : null, this.error);
  }

  private item(file: PendingFile): HTMLElement {
    const s = this.s;
    const name = file.file.name;
    const shown =
      file.status === 'ready' && file.contentType !== 'application/pdf' && file.attachmentId
        ? this.deps.links.render([file.attachmentId], s, this.deps.language())
        : null;
    return h(
      'li',
      { class: `tray-file ${file.status}`, 'data-local-id': file.localId },
      shown,
      h(
        'p',
        { class: file.status === 'rejected' || file.status === 'failed' ? 'file-state error' : 'file-state' },
        this.describe(file),
      ),
      file.status === 'uploading'
        ? h('progress', { max: 100, value: Math.round(file.progress * 100), 'aria-label': s.progress(name) })
        : null,
      h(
        'div',
        { class: 'file-actions' },
        file.status === 'failed'
          ? h(
              'button',
              { type: 'button', class: 'link', onclick: () => void this.retry(file) },
              s.retry(name),
            )
          : null,
        h('button', { type: 'button', class: 'link', onclick: () => this.remove(file) }, s.remove(name)),
      ),
    );
  }

  private remove(file: PendingFile): void {
    file.request?.abort();
    this.files = this.files.filter((other) => other !== file);
    this.all.delete(file);
    if (file.attachmentId) this.byAttachmentId.delete(file.attachmentId);
    this.notice = undefined;
    this.render();
    this.element.closest('.view')?.querySelector<HTMLElement>('textarea')?.focus();
  }

  private async retry(file: PendingFile): Promise<void> {
    file.problem = undefined;
    await this.upload(file);
  }

  /** `attachment.create`, then the POST; the verdict comes as a push. */
  private async upload(file: PendingFile): Promise<void> {
    const conversationId = this.deps.conversationId();
    if (!conversationId) return this.set(file, 'waiting');
    file.triedConversation = conversationId;
    this.set(file, 'uploading', 0);
    let answer: Frame;
    try {
      answer = await this.deps.ask({
        action: 'attachment.create',
        conversationId,
        fileName: file.file.name,
        contentType: file.contentType,
        size: file.file.size,
      });
    } catch {
      return this.set(file, 'failed', 0, 'upload_failed');
    }
    if (answer.type !== 'attachment.upload') {
      const code = (answer as { code?: string }).code;
      // No open conversation (closed, or not started): the next message opens one.
      if (code === 'NOT_FOUND' || code === 'CONFLICT') return this.set(file, 'waiting');
      if (code === 'RATE_LIMITED') return this.set(file, 'failed', 0, 'limit');
      if (code === 'PAYLOAD_TOO_LARGE') return this.set(file, 'rejected', 0, 'too_large');
      if (code === 'BAD_REQUEST') return this.set(file, 'rejected', 0, 'wrong_type');
      return this.set(file, 'failed', 0, 'upload_failed');
    }
    const grant = answer as AttachmentUploadFrame;
    file.attachmentId = grant.attachmentId;
    this.byAttachmentId.set(grant.attachmentId, file);
    this.post(file, grant);
  }

  private post(file: PendingFile, grant: AttachmentUploadFrame): void {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.upload.fields)) form.append(name, value);
    form.append('file', file.file);
    const request = new XMLHttpRequest();
    file.request = request;
    request.upload.addEventListener('progress', (event) => {
      if (!event.lengthComputable || file.status !== 'uploading') return;
      file.progress = event.loaded / event.total;
      const bar = this.list.querySelector<HTMLProgressElement>(`[data-local-id="${file.localId}"] progress`);
      if (bar) bar.value = Math.round(file.progress * 100);
    });
    request.addEventListener('loadend', () => {
      file.request = undefined;
      // The verdict may come before the POST's answer does: it is not undone.
      if (file.status !== 'uploading') return;
      if (request.status >= 200 && request.status < 300) {
        file.checkingSince = Date.now();
        this.set(file, 'checking', 1);
        this.pollVerdicts();
        return;
      }
      this.set(file, ...refusalOf(request));
    });
    request.open('POST', grant.upload.url);
    request.timeout = UPLOAD_TIMEOUT_MS;
    request.send(form);
  }

  /** While a verdict is awaited, asks now and then in case its push was missed. */
  private pollVerdicts(): void {
    if (this.poll !== undefined) return;
    this.poll = setInterval(() => {
      if (![...this.byAttachmentId.values()].some((file) => file.status === 'checking')) {
        clearInterval(this.poll);
        this.poll = undefined;
        return;
      }
      void this.recheck().then(() => this.giveUpWaiting());
    }, VERDICT_POLL_MS);
  }

  private giveUpWaiting(): void {
    for (const file of this.byAttachmentId.values())
      if (file.status === 'checking' && Date.now() - (file.checkingSince ?? Date.now()) > VERDICT_PATIENCE_MS)
        this.set(file, 'failed', 0, 'slow_check');
  }

  private set(
    file: PendingFile,
    status: PendingStatus,
    progress = file.progress,
    problem?: AttachmentProblem,
  ): void {
    file.status = status;
    file.progress = progress;
    file.problem = problem;
    if (problem) {
      const s = this.s;
      this.deps.announce(
        status === 'rejected'
          ? s.rejected(file.file.name, s.problems[problem])
          : s.failed(file.file.name, s.problems[problem]),
      );
    }
    this.changed(file);
  }

  private changed(file: PendingFile): void {
    if (this.files.includes(file)) this.render();
    this.deps.onChange(file);
  }
}

/** A paperclip drawn in SVG (no icon font, no emoji font needed), hidden from screen readers. */
function paperclip(): SVGSVGElement {
  const SVG = 'http://www.w3.org/2000/svg';
  const icon = document.createElementNS(SVG, 'svg');
  const path = document.createElementNS(SVG, 'path');
  for (const [name, value] of Object.entries({
    viewBox: '0 0 24 24',
    width: '18',
    height: '18',
    'aria-hidden': 'true',
    focusable: 'false',
  }))
    icon.setAttribute(name, value);
  for (const [name, value] of Object.entries({
    d: 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
  }))
    path.setAttribute(name, value);
  icon.appendChild(path);
  return icon;
}

/** What the widget can tell before asking for anything: the type the browser gives and the size. */
export function problemBeforeUpload(file: Pick<File, 'type' | 'size'>): AttachmentProblem | undefined {
  if (!(ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(file.type)) return 'wrong_type';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'too_large';
  return undefined;
}

/** S3's refusal of the POST (its error XML, parsed by the browser), in the widget's terms. */
function refusalOf(request: XMLHttpRequest): ['rejected' | 'failed', number, AttachmentProblem] {
  const error = request.responseXML;
  const code = error?.querySelector('Error > Code')?.textContent;
  const message = error?.querySelector('Error > Message')?.textContent ?? '';
  if (code === 'EntityTooLarge') return ['rejected', 0, 'too_large'];
  if (code === 'AccessDenied' && /Policy expired/i.test(message)) return ['failed', 0, 'expired'];
  return ['failed', 0, 'upload_failed'];
}
