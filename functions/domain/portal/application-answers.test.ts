import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createMentionReader } from '../mfc/mentions.ts';
import type { Visit } from '../mfc/visits.ts';
import {
  type PortalApplication,
  type PortalRegistry,
  RegistryUnavailableError,
} from '../ports/portal-registry.ts';
import type { CitizenVisits } from '../ports/visits.ts';
import { answerApplications } from './application-answers.ts';

const directory = loadMfcDirectory(
  join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc'),
);
const mentions = createMentionReader(directory);

const application = (
  serviceId: string,
  number: string,
  status: PortalApplication['status'],
): PortalApplication => ({
  serviceId,
  serviceTitle: { ru: `услуга ${serviceId}`, en: `service ${serviceId}` },
  number,
  submittedAt: '2026-09-15T09:00:00Z',
  status,
  nextStep: { ru: 'Ждите уведомления', en: 'Wait for the notice' },
  handledBy: { ru: 'ГУ МВД', en: 'Interior Ministry' },
});

const registryOf = (applications: PortalApplication[]): PortalRegistry => ({
  applicationsOf: async () => applications,
});

describe('the answer about a verified citizen’s applications', () => {
  const registry = registryOf([
    application('passport.foreign', 'A-1', 'ready'),
    application('driving_licence.replace', 'B-2', 'in_progress'),
    application('snils', 'C-3', 'completed'),
  ]);

  it('names the application of the service asked about, with its status and next step', async () => {
    const text = await answerApplications({ registry, mentions }, 'c', 'где мой загранпаспорт', 'ru');
    expect(text).toContain(
      'заявление № A-1 от 15 сентября 2026: готово, можно получать. Ждите уведомления (ГУ МВД)',
    );
    expect(text).not.toContain('B-2');
  });

  it('understands the service however it is named, in English too', async () => {
    const text = await answerApplications(
      { registry, mentions },
      'c',
      'status of my driving licence application',
      'en',
    );
    expect(text).toContain('application No. B-2');
    expect(text).toContain('in progress');
    expect(text).not.toContain('A-1');
  });

  it('lists the newest applications when no service is named', async () => {
    const text = await answerApplications({ registry, mentions }, 'c', 'что с моими заявлениями', 'ru');
    for (const number of ['A-1', 'B-2', 'C-3']) expect(text).toContain(number);
  });

  it('says so when there is none for that service, and where it would be', async () => {
    const text = await answerApplications(
      { registry, mentions },
      'c',
      'статус заявления на маткапитал',
      'ru',
    );
    expect(text).toContain('Заявлений на «Сертификат на материнский капитал»');
    expect(text).toContain('не нашлось');
  });

  it('tells the citizen the registry is down and what to do meanwhile, without failing the turn', async () => {
    const down: PortalRegistry = {
      applicationsOf: async () => {
        throw new RegistryUnavailableError();
      },
    };
    const text = await answerApplications({ registry: down, mentions }, 'c', 'где мой загранпаспорт', 'ru');
    expect(text).toContain('не получается связаться с реестром заявлений');
    expect(text).toContain('личном кабинете');
  });

  describe('with the citizen’s MFC visits', () => {
    const now = new Date('2026-12-01T06:00:00Z');
    const visit = (number: string, serviceId: string, startsAt: string, status: Visit['status']): Visit => ({
      number,
      citizenId: 'c',
      officeId: 'msk-tverskoy',
      serviceId,
      date: startsAt.slice(0, 10),
      time: '12:00',
      startsAt,
      status,
      bookedAt: '2026-11-20T09:00:00Z',
      lang: 'ru',
    });
    const citizenVisits: CitizenVisits = {
      // As stored: the adapter's Query leaves the past and cancelled ones out; the answer checks again.
      upcoming: async () => [
        visit('V-PAST0001', 'passport.foreign', '2026-11-25T09:00:00Z', 'booked'),
        visit('V-GONE0002', 'passport.foreign', '2026-12-10T09:00:00Z', 'cancelled'),
        visit('V-AHEAD003', 'passport.foreign', '2026-12-10T09:00:00Z', 'booked'),
        visit('V-SNILS004', 'snils', '2026-12-11T09:00:00Z', 'booked'),
      ],
    };
    const visits = { citizenVisits, directory, clock: { now: () => now } };

    it('lists the visits still to come after the applications, with their numbers, days and offices', async () => {
      const text = await answerApplications(
        { registry, mentions, visits },
        'c',
        'что с моими заявлениями',
        'ru',
      );
      const [applications, ahead] = text.split('Ваши записи в МФЦ:');
      expect(applications).toContain('A-1');
      expect(ahead).toContain('• Запись V-AHEAD003: «Загранпаспорт');
      expect(ahead).toContain('10 декабря, четверг, в 12:00 по местному времени');
      expect(ahead).toContain(String(directory.office('msk-tverskoy')?.address.ru));
      expect(ahead).toContain('V-SNILS004');
      expect(text).not.toContain('V-PAST0001');
      expect(text).not.toContain('V-GONE0002');
    });

    it('lists only the visits of the service named, also when the registry is down', async () => {
      const down: PortalRegistry = {
        applicationsOf: async () => {
          throw new RegistryUnavailableError();
        },
      };
      const text = await answerApplications(
        { registry: down, mentions, visits },
        'c',
        'where is my foreign passport',
        'en',
      );
      expect(text).toContain("I cannot reach the portal's registry");
      expect(text).toContain('Your MFC visits:\n• Booking V-AHEAD003');
      expect(text).not.toContain('V-SNILS004');
    });
  });
});
