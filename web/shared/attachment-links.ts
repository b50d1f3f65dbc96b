/**
 * A message's attachments as the widget and the console show them (docs/protocol.md#attachments):
 * an image as a thumbnail that opens the picture, a PDF as a link with its name and size, both
 * through `attachment.url` — a presigned GET valid for at most 5 minutes, asked for when the
 * attachment is first shown and again once it has expired (a thumbnail that fails to load, a link
 * clicked after its time). It owns the cache of those links; the page owns the socket.
 */
import type { AttachmentDownloadFrame } from '#events/attachments.ts';
import type { Frame } from './connection.ts';
import { h, replace } from './dom.ts';

/** Asked again this long before the link's own expiry, so that a click never lands on a dead link. */
const EXPIRY_MARGIN_MS = 30_000;

export interface AttachmentWords {
  /** Shown while the link is being asked for. */
  loading: string;
  /** Shown when the attachment cannot be opened (removed, no access, offline). */
  unavailable: string;
}

interface Link {
  download: AttachmentDownloadFrame;
  /** ms since the epoch after which the link is asked for again. */
  staleAt: number;
}

/** "1,2 МБ" / "1.2 MB": a file's size in the reader's language. */
export function formatFileSize(bytes: number, lang: string): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : [Math.max(1, bytes / 1024), 'kilobyte'];
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

/**
 * A log that was scrolled to its end stays there when a thumbnail in it finishes loading and grows,
 * and when the log itself gets shorter (a longer status line above it, a rating form below it);
 * a reader who scrolled up to read is left where they are.
 */
export function keepAtEnd(log: HTMLElement): void {
  let atEnd = true;
  const toEnd = () => {
    if (atEnd) log.scrollTop = log.scrollHeight;
  };
  log.addEventListener('scroll', () => {
    atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  // `load` does not bubble: caught on the way down.
  log.addEventListener('load', toEnd, true);
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(toEnd).observe(log);
}

export class AttachmentLinks {
  private readonly links = new Map<string, Link>();
  private readonly asking = new Map<string, Promise<Link | undefined>>();

  /** `request` sends a frame on the page's socket and resolves with its answer. */
  constructor(private readonly request: (frame: Record<string, unknown>) => Promise<Frame>) {}

  /** The attachments of one message, in their order. */
  render(attachmentIds: readonly string[], words: AttachmentWords, lang: string): HTMLElement {
    return h(
      'ul',
      { class: 'attachments', role: 'list' },
      attachmentIds.map((id) => this.item(id, words, lang)),
    );
  }

  /** The link of an attachment, asked for again when it has expired (undefined: not to be had). */
  async link(attachmentId: string, fresh = false): Promise<AttachmentDownloadFrame | undefined> {
    const known = this.links.get(attachmentId);
    if (known && !fresh && Date.now() < known.staleAt) return known.download;
    let asking = this.asking.get(attachmentId);
    if (!asking) {
      asking = this.ask(attachmentId).finally(() => this.asking.delete(attachmentId));
      this.asking.set(attachmentId, asking);
    }
    return (await asking)?.download;
  }

  private async ask(attachmentId: string): Promise<Link | undefined> {
    let answer: Frame;
    try {
      answer = await this.request({ action: 'attachment.url', attachmentId });
    } catch {
      return undefined;
    }
    if (answer.type !== 'attachment.download') return undefined;
    const download = answer as AttachmentDownloadFrame;
    const link = {
      download,
      staleAt: Date.now() + Math.max(0, download.expiresIn * 1000 - EXPIRY_MARGIN_MS),
    };
    this.links.set(attachmentId, link);
    return link;
  }

  /**
   * One attachment: drawn at once from the last link known (so that a redraw of the log does not
   * change its text), or a placeholder filled in when the link comes.
   */
  private item(attachmentId: string, words: AttachmentWords, lang: string): HTMLElement {
    const item = h('li', { class: 'attachment', 'data-attachment-id': attachmentId });
    const known = this.links.get(attachmentId);
    if (known) replace(item, this.view(known.download, words, lang));
    else {
      replace(item, h('span', { class: 'loading' }, words.loading));
      void this.link(attachmentId).then((download) =>
        replace(
          item,
          download
            ? this.view(download, words, lang)
            : h('span', { class: 'unavailable' }, words.unavailable),
        ),
      );
    }
    return item;
  }

  private view(download: AttachmentDownloadFrame, words: AttachmentWords, lang: string): HTMLElement {
    const size = formatFileSize(download.size, lang);
    const anchor = h('a', { href: download.url, target: '_blank', rel: 'noopener noreferrer' });
    anchor.addEventListener('click', (event) => this.openFresh(event, anchor, download.attachmentId));
    if (download.contentType === 'application/pdf') {
      anchor.className = 'file';
      replace(
        anchor,
        h('span', { class: 'icon', 'aria-hidden': 'true' }, 'PDF'),
        `${download.fileName}, ${size}`,
      );
      return anchor;
    }
    const image = h('img', { src: download.url, alt: download.fileName, loading: 'lazy', decoding: 'async' });
    // A thumbnail whose link expired (the page stayed open): asked for once more, then given up.
    let retried = false;
    image.addEventListener('error', () => {
      if (retried) return replace(anchor, h('span', { class: 'unavailable' }, words.unavailable));
      retried = true;
      void this.link(download.attachmentId, true).then((fresh) => {
        if (!fresh) return;
        image.src = fresh.url;
        anchor.href = fresh.url;
      });
    });
    replace(anchor, image);
    return h('figure', { class: 'thumbnail' }, anchor, h('figcaption', {}, `${download.fileName}, ${size}`));
  }

  /** A click on a link past its time: the page opens a fresh one instead (within the click's activation). */
  private openFresh(event: MouseEvent, anchor: HTMLAnchorElement, attachmentId: string): void {
    const known = this.links.get(attachmentId);
    if (known && Date.now() < known.staleAt) return;
    event.preventDefault();
    // Opened at once (a pop-up opened later than the click would be blocked), pointed at the link when it comes.
    const opened = window.open('about:blank', '_blank');
    if (opened) opened.opener = null;
    void this.link(attachmentId, true).then((fresh) => {
      if (!fresh) return opened?.close();
      anchor.href = fresh.url;
      if (opened) opened.location.href = fresh.url;
      else window.open(fresh.url, '_blank', 'noopener');
    });
  }
}
