/** Every word the widget says about attachments, in one place per language (the rest: ./strings.ts). */
import type { AttachmentRejection } from '#events/attachment-rules.ts';
import type { WidgetLang } from './strings.ts';

/** Why a file is not going: the check's verdicts, and what the widget or the upload found itself. */
export type AttachmentProblem =
  | AttachmentRejection
  /** Not a PDF, JPEG or PNG by its type (seen before uploading). */
  | 'wrong_type'
  /** An empty file. */
  | 'empty'
  /** The presigned POST's five minutes ran out before the upload went. */
  | 'expired'
  /** Five files per conversation and hour (`RATE_LIMITED`). */
  | 'limit'
  /** The network or the storage failed: worth another try. */
  | 'upload_failed'
  /** No verdict after two minutes: the message went without it. */
  | 'slow_check';

const ru = {
  attach: 'Прикрепить файл',
  attachHint: 'PDF, JPEG или PNG до 10 МБ',
  dropHere: 'Отпустите файл, чтобы прикрепить его к сообщению',
  tray: 'Файлы к сообщению',
  remove: (name: string) => `Убрать файл ${name}`,
  retry: (name: string) => `Загрузить ${name} ещё раз`,
  progress: (name: string) => `Загрузка ${name}`,
  waiting: 'Загрузится, когда начнётся переписка',
  uploading: 'Загружается…',
  checking: 'Проверяется…',
  ready: 'Готов к отправке',
  readyAnnounced: (name: string) => `Файл ${name} проверен и уйдёт с сообщением.`,
  rejected: (name: string, why: string) => `Файл ${name} не принят: ${why}`,
  failed: (name: string, why: string) => `Файл ${name} не загружен: ${why}`,
  writeFirst: 'Напишите, с чем нужна помощь: файл уйдёт вместе с сообщением.',
  loading: 'Вложение загружается…',
  unavailable: 'Вложение недоступно',
  problems: {
    type_mismatch:
      'содержимое не соответствует типу файла. Можно отправить только настоящий PDF, JPEG или PNG.',
    too_large: 'файл больше 10 МБ. Уменьшите его (например, сохраните скан в меньшем разрешении).',
    malware: 'антивирус нашёл в нём угрозу. Файл удалён.',
    unscannable: 'антивирус не смог его прочитать (например, он защищён паролем).',
    wrong_type: 'можно прикрепить только PDF, JPEG или PNG.',
    empty: 'файл пустой.',
    expired: 'время на загрузку истекло. Загрузите его ещё раз.',
    limit: 'в этой переписке уже загружено 5 файлов за час. Попробуйте позже.',
    upload_failed: 'не удалось загрузить. Проверьте связь и попробуйте ещё раз.',
    slow_check: 'проверка файла затянулась. Попробуйте загрузить его ещё раз.',
  } satisfies Record<AttachmentProblem, string>,
};

export type AttachmentStrings = typeof ru;

const en: AttachmentStrings = {
  attach: 'Attach a file',
  attachHint: 'PDF, JPEG or PNG up to 10 MB',
  dropHere: 'Drop the file to attach it to your message',
  tray: 'Files for the message',
  remove: (name) => `Remove the file ${name}`,
  retry: (name) => `Upload ${name} again`,
  progress: (name) => `Uploading ${name}`,
  waiting: 'Will upload once the conversation starts',
  uploading: 'Uploading…',
  checking: 'Being checked…',
  ready: 'Ready to send',
  readyAnnounced: (name) => `The file ${name} is checked and will go with your message.`,
  rejected: (name, why) => `The file ${name} was not accepted: ${why}`,
  failed: (name, why) => `The file ${name} was not uploaded: ${why}`,
  writeFirst: 'Please write what you need help with: the file goes with your message.',
  loading: 'Loading the attachment…',
  unavailable: 'The attachment is not available',
  problems: {
    type_mismatch: 'its contents do not match its type. Only a real PDF, JPEG or PNG can be sent.',
    too_large: 'it is larger than 10 MB. Make it smaller (for example, scan at a lower resolution).',
    malware: 'the virus scan found a threat in it. The file was deleted.',
    unscannable: 'the virus scan could not read it (for example, it is password-protected).',
    wrong_type: 'only PDF, JPEG or PNG files can be attached.',
    empty: 'the file is empty.',
    expired: 'the time to upload it ran out. Please upload it again.',
    limit: 'this conversation already has 5 files uploaded this hour. Please try later.',
    upload_failed: 'the upload failed. Check your connection and try again.',
    slow_check: 'checking the file is taking too long. Please upload it again.',
  },
};

export const ATTACHMENT_STRINGS: Record<WidgetLang, AttachmentStrings> = { ru, en };
