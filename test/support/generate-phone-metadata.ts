/**
 * Writes `functions/domain/phone-metadata.json`: libphonenumber-js's mobile metadata cut down to
 * `PHONE_COUNTRIES` (functions/domain/phone-numbers.ts). Run after changing the list or upgrading
 * the library: `node --import tsx test/support/generate-phone-metadata.ts`.
 */
import { writeFileSync } from 'node:fs';
import type { MetadataJson } from 'libphonenumber-js/core';
import full from 'libphonenumber-js/mobile/metadata';
import { metadataSubset, PHONE_COUNTRIES } from '../../functions/domain/phone-numbers.ts';
import { repoPath } from '../../infra/paths.ts';

const subset = metadataSubset(full as unknown as MetadataJson, PHONE_COUNTRIES);
writeFileSync(repoPath('functions/domain/phone-metadata.json'), `${JSON.stringify(subset, null, 2)}\n`);
