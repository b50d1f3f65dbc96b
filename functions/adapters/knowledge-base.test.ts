import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileBot } from '#domain/bot/compile-bot.ts';
import { encodeCompiledBot } from '#domain/bot/compiled-bot.ts';
import { COMPILED_FILE, loadKnowledgeBase } from './knowledge-base.ts';

const KB_DIR = join(import.meta.dirname, '..', '..', 'layers', 'knowledge-base', 'kb');

/** The fixed intent ids of the catalogue (docs/requirements.md#intent-catalogue). */
const CATALOGUE = [
  'greeting',
  'thanks',
  'auth.password_reset',
  'auth.account_locked',
  'auth.code_not_received',
  'auth.sso_error',
  'auth.certificate_error',
  'application.form_errors',
  'application.upload_error',
  'application.status',
  'application.status_meaning',
  'application.rejected',
  'documents.how_to_get',
  'legal.law',
  'legal.complaint',
  'request.how_to_write',
  'mfc.visit',
  'mfc.hours',
  'mfc.booking',
  'support.hotline',
  'support.feedback_form',
  'support.operator',
  'app.mobile',
  'fallback',
];

describe('loadKnowledgeBase', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const copyOfKnowledgeBase = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    scratch.push(dir);
    cpSync(KB_DIR, dir, { recursive: true });
    return dir;
  };

  it('loads one entry for every intent of the catalogue, in both languages', () => {
    const kb = loadKnowledgeBase(KB_DIR);
    expect(kb.intents.map((entry) => entry.intent).sort()).toEqual([...CATALOGUE].sort());
    for (const entry of kb.intents) {
      expect(entry.examples.ru.length, entry.intent).toBeGreaterThanOrEqual(10);
      expect(entry.examples.en.length, entry.intent).toBeGreaterThanOrEqual(8);
    }
  });

  it('carries the portal facts citizens rely on', () => {
    const kb = loadKnowledgeBase(KB_DIR);
    const answer = (intent: string) => kb.intents.find((entry) => entry.intent === intent)?.answer.ru ?? '';
    expect(answer('auth.account_locked')).toMatch(/трёх неверных попыток[\s\S]*15 минут/);
    expect(answer('support.hotline')).toContain('8 800 555-55-55');
    expect(answer('support.hotline')).toMatch(/бесплатн/);
    expect(answer('support.hotline')).toMatch(/голосовое сообщение[\s\S]*15 минут/);
    expect(answer('mfc.visit')).toMatch(/оригинал/);
    expect(answer('request.how_to_write')).toMatch(
      /Идентификация[\s\S]*Проблема[\s\S]*Желаемый результат[\s\S]*Вложения/,
    );
  });

  it('marks the operator-only and identification-needing intents', () => {
    const kb = loadKnowledgeBase(KB_DIR);
    const flags = (intent: string) => kb.intents.find((entry) => entry.intent === intent);
    expect(flags('legal.complaint')?.operatorOnly).toBe(true);
    expect(flags('application.rejected')?.operatorOnly).toBe(true);
    expect(flags('application.status')?.needsIdentification).toBe(true);
  });

  it('ships a compiled model that matches the current examples (recompile after editing them)', () => {
    const kb = loadKnowledgeBase(KB_DIR);
    const shipped = readFileSync(join(KB_DIR, COMPILED_FILE));
    expect(
      Buffer.compare(shipped, encodeCompiledBot(compileBot(kb))),
      'run: node --import tsx layers/knowledge-base/compile.ts',
    ).toBe(0);
  });

  it('fails loudly, naming the file, when an entry is broken', () => {
    const dir = copyOfKnowledgeBase();
    const file = join(dir, 'mfc.hours.json');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    delete entry.answer.en;
    writeFileSync(file, JSON.stringify(entry));
    expect(() => loadKnowledgeBase(dir)).toThrow(/mfc\.hours\.json: answer\.en/);
  });

  it('rejects a suggestion pointing to an intent that does not exist', () => {
    const dir = copyOfKnowledgeBase();
    const file = join(dir, 'greeting.json');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    entry.suggestions = ['auth.no_such_thing'];
    writeFileSync(file, JSON.stringify(entry));
    expect(() => loadKnowledgeBase(dir)).toThrow(/unknown intent auth\.no_such_thing/);
  });

  it('rejects a file that is not JSON', () => {
    const dir = copyOfKnowledgeBase();
    writeFileSync(join(dir, 'thanks.json'), '{ "intent": ');
    expect(() => loadKnowledgeBase(dir)).toThrow(/cannot read .*thanks\.json/);
  });

  it('rejects a compiled model cut short, naming it', () => {
    const dir = copyOfKnowledgeBase();
    const file = join(dir, COMPILED_FILE);
    writeFileSync(file, readFileSync(file).subarray(0, 100_000));
    expect(() => loadKnowledgeBase(dir)).toThrow(/cannot read .*model\.bin: compiled bot: .* is cut short/);
    // What the compiler reads: the content without the broken file, so it can write a new one.
    expect(loadKnowledgeBase(dir, { compiled: false }).compiled).toBeUndefined();
  });
});
