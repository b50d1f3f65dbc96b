import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMfcDirectory } from '#adapters/mfc-directory.ts';
import { createMentionReader } from '../mfc/mentions.ts';
import {
  type PortalApplication,
  type PortalRegistry,
  RegistryUnavailableError,
} from '../ports/portal-registry.ts';
import { answerApplications } from './application-answers.ts';

const mentions = createMentionReader(
  loadMfcDirectory(join(import.meta.dirname, '..', '..', '..', 'layers', 'knowledge-base', 'mfc')),
);

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
});
