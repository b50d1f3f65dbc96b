/**
 * The client-facing text of every docs/protocol.md error code, in each session language. Messages are
 * fixed sentences: they never quote what the client sent or what failed inside.
 */
import type { Lang } from '#events/lang.ts';
import type { ErrorCode } from '#events/server-frames.ts';

const MESSAGES: Record<ErrorCode, Record<Lang, string>> = {
  BAD_REQUEST: {
    ru: 'Некорректный запрос: проверьте поля сообщения.',
    en: 'Bad request: check the fields of the frame.',
  },
  UNKNOWN_ACTION: {
    ru: 'Неизвестное название действия.',
    en: 'The action name is unknown.',
  },
  UNAUTHORIZED: {
    ru: 'Для этого действия нужно пройти идентификацию.',
    en: 'This action needs identification.',
  },
  FORBIDDEN: {
    ru: 'Нет доступа.',
    en: 'Access denied.',
  },
  NOT_FOUND: {
    ru: 'Не найдено.',
    en: 'Not found.',
  },
  RATE_LIMITED: {
    ru: 'Слишком много запросов. Повторите позже.',
    en: 'Too many requests. Try again later.',
  },
  LOCKED: {
    ru: 'Временно заблокировано. Повторите позже.',
    en: 'Temporarily locked. Try again later.',
  },
  INVALID_CODE: {
    ru: 'Неверный код.',
    en: 'The code is wrong.',
  },
  CONFLICT: {
    ru: 'Действие невозможно в текущем состоянии.',
    en: 'The action is not possible in the current state.',
  },
  PAYLOAD_TOO_LARGE: {
    ru: 'Сообщение слишком длинное.',
    en: 'The message is too long.',
  },
  INTERNAL: {
    ru: 'Внутренняя ошибка. Повторите попытку.',
    en: 'Internal error. Please try again.',
  },
  SLOT_FULL: {
    ru: 'На это время мест нет: выберите другое.',
    en: 'This time is fully booked: choose another.',
  },
  VISIT_LIMIT: {
    ru: 'На эту услугу у вас уже две активные записи: отмените одну, чтобы записаться снова.',
    en: 'You already have two active bookings for this service: cancel one to book again.',
  },
};

export function errorMessage(code: ErrorCode, lang: Lang): string {
  return MESSAGES[code][lang];
}
