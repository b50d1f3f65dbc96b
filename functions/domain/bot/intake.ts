/**
 * Intake before a handover, as a pure state machine: the bot asks, in the session language, for
 * what an operator needs (docs/protocol.md, intake: service, problem, when, error code, desired result,
 * attachments), accepts free text and «дд.мм.гггг чч:мм» dates, lets the citizen skip any
 * question, and never asks for what the conversation already contains.
 *
 * Primary course:
 *   1. startIntake pre-fills the intake from the recognised intent and the citizen's messages;
 *   2. nextIntakeQuestion gives the first field still missing (or nothing: the intake is done);
 *   3. answerIntake stores the answer (or the skip; «пропустить всё», "skip all" skip the rest), also
 *      picking up a date or an error code mentioned on the way, and the course goes back to 2.
 *
 * A short intake names its `fields`: the questions it may ask, the others are not asked.
 */
import type { Dialogue } from './knowledge-base-schema.ts';
import type { Lang } from './language.ts';

export const INTAKE_FIELDS = [
  'service',
  'problem',
  'occurredAt',
  'errorCode',
  'desiredResult',
  'attachments',
] as const;
export type IntakeField = (typeof INTAKE_FIELDS)[number];

/** What the operator receives (docs/protocol.md intake). */
export interface Intake {
  service?: string;
  problem?: string;
  /** «дд.мм.гггг чч:мм» when the citizen gave a date, else their words. */
  occurredAt?: string;
  errorCode?: string;
  desiredResult?: string;
  attachmentIds?: string[];
}

export interface IntakeState {
  intake: Intake;
  /** The questions this intake may ask, in order (a short intake asks fewer); default: all of them. */
  fields?: IntakeField[];
  /** Fields the citizen chose to skip: never asked again. */
  skipped: IntakeField[];
  /** The field of the question last asked, awaiting an answer. */
  pending?: IntakeField;
}

const SKIP =
  /^(?:пропустить|пропусти|пропуск|дальше|не знаю|незнаю|нет|не помню|нету|-|skip|next|no|none|don t know|i don t know|n a)$/u;
/** «Enough questions, get me a person»: every question not answered yet is skipped. */
const SKIP_REST = new RegExp(
  `^(?:${[
    '(?:пропустить|пропусти|пропустите|пропускаю) (?:все|остальное|остальные|вопросы|все вопросы)',
    'хватит(?: вопросов)?',
    'достаточно',
    'без вопросов',
    'не хочу отвечать',
    '(?:позовите|соедините|дайте|нужен|хочу|зовите)(?: с| мне)? (?:оператор|специалист|человек|живого|живой)\\p{L}*(?: \\p{L}+)?',
    'оператор\\p{L}*',
    'skip (?:all|the rest|everything|the questions)',
    'enough',
    'no more questions',
    '(?:just )?connect me(?: to (?:an operator|a person|a human|someone))?',
    'operator',
    '(?:a )?(?:human|person)',
  ].join('|')})$`,
  'u',
);
const DATE = /(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,вat]+(\d{1,2})[:.](\d{2}))?/u;
const ERROR_CODE =
  /(?:код(?:ом)? ошибки|ошибк[аиу]|error(?: code)?|код)\s*[:№#]?\s*([A-Za-zА-Яа-я]{0,8}[-_]?\d{2,}[\w-]*)/iu;
/** Messages that only ask for a person or complain say nothing about the problem itself. */
const NOT_A_DESCRIPTION =
  /^(?:оператор\p{L}*|позовите.*|соедините.*|не помогло.*|это не то|human|operator.*|doesn t help)$/iu;

const pad = (value: string) => value.padStart(2, '0');

/** A «дд.мм.гггг[ чч:мм]» date in the text, checked and written the canonical way. */
export function findDate(text: string): string | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [, day = '', month = '', year = '', hours, minutes] = match;
  const d = Number(day);
  const m = Number(month);
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(Number(year), m, 0)).getUTCDate()) return undefined;
  const date = `${pad(day)}.${pad(month)}.${year}`;
  if (hours === undefined || minutes === undefined) return date;
  if (Number(hours) > 23 || Number(minutes) > 59) return date;
  return `${date} ${pad(hours)}:${minutes}`;
}

/** An error code mentioned in the text («ошибка 500», "error code: ESIA-007003"). */
export function findErrorCode(text: string): string | undefined {
  return ERROR_CODE.exec(text)?.[1];
}

const normalizeAnswer = (text: string): string =>
  text
    .toLowerCase()
    .replace(/ё/gu, 'е')
    .replace(/[^\p{L}\p{N}-]+/gu, ' ')
    .trim();

function isSkip(text: string): boolean {
  return SKIP.test(normalizeAnswer(text));
}

/** The citizen wants no more questions: the rest of the intake is skipped. */
function isSkipRest(text: string): boolean {
  return SKIP_REST.test(normalizeAnswer(text));
}

export interface IntakeStart {
  /** Title of the recognised intent, when it names a service or a problem. */
  service?: string;
  /** The citizen's messages so far, oldest first. */
  citizenMessages: readonly string[];
  attachmentIds?: readonly string[];
  /** The questions to ask, in order; default: all of {@link INTAKE_FIELDS}. */
  fields?: readonly IntakeField[];
}

export function startIntake(start: IntakeStart): IntakeState {
  const intake: Intake = {};
  if (start.service) intake.service = start.service;
  const descriptions = start.citizenMessages.filter(
    (m) => m.trim().split(/\s+/).length >= 3 && !NOT_A_DESCRIPTION.test(m.trim()),
  );
  if (descriptions.length > 0) intake.problem = descriptions.join('\n');
  for (const message of start.citizenMessages) {
    intake.occurredAt ??= findDate(message);
    intake.errorCode ??= findErrorCode(message);
  }
  if (start.attachmentIds && start.attachmentIds.length > 0) intake.attachmentIds = [...start.attachmentIds];
  return {
    intake: stripUndefined(intake),
    skipped: [],
    ...(start.fields ? { fields: [...start.fields] } : {}),
  };
}

function stripUndefined(intake: Intake): Intake {
  return Object.fromEntries(Object.entries(intake).filter(([, value]) => value !== undefined)) as Intake;
}

function isFilled(intake: Intake, field: IntakeField): boolean {
  return field === 'attachments' ? (intake.attachmentIds?.length ?? 0) > 0 : intake[field] !== undefined;
}

/** The next question to ask, or undefined when the intake is complete. */
export function nextIntakeQuestion(
  state: IntakeState,
  dialogue: Dialogue,
  lang: Lang,
): { state: IntakeState; field: IntakeField; text: string } | undefined {
  const field = (state.fields ?? INTAKE_FIELDS).find(
    (f) => !isFilled(state.intake, f) && !state.skipped.includes(f),
  );
  if (!field) return undefined;
  return { state: { ...state, pending: field }, field, text: dialogue.intake[field][lang] };
}

/** Stores the citizen's answer to the pending question (or the skip). */
export function answerIntake(
  state: IntakeState,
  text: string,
  attachmentIds: readonly string[] = [],
): IntakeState {
  const field = state.pending;
  const intake: Intake = { ...state.intake };
  const skipped = [...state.skipped];
  const fields = state.fields ? { fields: [...state.fields] } : {};
  if (attachmentIds.length > 0) intake.attachmentIds = [...(intake.attachmentIds ?? []), ...attachmentIds];
  if (isSkipRest(text)) {
    const rest = (state.fields ?? INTAKE_FIELDS).filter((f) => !isFilled(intake, f) && !skipped.includes(f));
    return { intake, skipped: [...skipped, ...rest], ...fields };
  }
  if (field && isSkip(text) && !(field === 'attachments' && attachmentIds.length > 0)) {
    skipped.push(field);
    return { intake, skipped, ...fields };
  }
  const answer = text.trim();
  if (field === 'occurredAt') intake.occurredAt = findDate(answer) ?? answer;
  else if (field === 'errorCode') intake.errorCode = findErrorCode(answer) ?? answer;
  else if (field === 'attachments') {
    if (attachmentIds.length === 0 && answer.length > 0) skipped.push('attachments');
  } else if (field && answer.length > 0) intake[field] = answer;
  // What the citizen mentions on the way is not asked again.
  intake.occurredAt ??= findDate(answer);
  intake.errorCode ??= findErrorCode(answer);
  return { intake: stripUndefined(intake), skipped, ...fields };
}
