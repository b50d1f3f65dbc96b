/**
 * A citizen's own download (`transcript.get`, docs/protocol.md "Your conversations"), on the local
 * stack: a verified citizen gets a short-lived link to the HTML transcript of their conversations
 * and tickets, which shows what they wrote as text; a guest is told to identify first, an operator
 * is refused, and another citizen's transcript holds nothing of the first one's. A citizen who used
 * two devices finds both in it: transcript-devices.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';

import { verifyByEmail } from '../support/citizens.ts';
import { useClients } from '../support/clients.ts';
import { frameWith } from '../support/frames.ts';
import { signInAs } from '../support/operator-sign-in.ts';

const httpUrl = inject('localHttpUrl');
const { connect } = useClients();

describe('a citizen downloads their conversations', () => {
  it('gives a verified citizen a link to their transcript; a guest UNAUTHORIZED, an operator FORBIDDEN, another citizen only their own', async () => {
    // Prepare
    const marker = randomUUID();
    const text = `<i>мой вопрос</i> ${marker}`;
    const citizen = await connect({ lang: 'ru' });
    await verifyByEmail(citizen, httpUrl);
    const ack = await citizen.request({ action: 'message.send', clientMessageId: randomUUID(), text });
    await frameWith(
      citizen,
      (f) => f.type === 'message' && f.from === 'bot' && f.conversationId === ack.conversationId,
    );
    const guest = await connect({ lang: 'ru' });
    const other = await connect({ lang: 'en' });
    await verifyByEmail(other, httpUrl);
    const { idToken } = await signInAs(httpUrl, 'operator');
    const operator = await connect({ token: idToken });

    // Act
    const download = await citizen.request({ action: 'transcript.get' });
    const page = await fetch(String(download.url));
    const html = await page.text();
    const refusedGuest = await guest.request({ action: 'transcript.get' });
    const refusedOperator = await operator.request({ action: 'transcript.get' });
    const othersDownload = await other.request({ action: 'transcript.get' });
    const othersHtml = await (await fetch(String(othersDownload.url))).text();

    // Assess
    expect(download).toMatchObject({
      type: 'transcript.download',
      expiresIn: 300,
      fileName: expect.stringMatching(/^transcript-\d{4}-\d{2}-\d{2}\.html$/),
      conversations: 1,
      tickets: 0,
    });
    expect(page.status).toBe(200);
    // S3 answers the signed `response-content-disposition` (the emulator ignores it): saved as a file.
    expect(new URL(String(download.url)).searchParams.get('response-content-disposition')).toMatch(
      /^attachment;/,
    );
    expect(html).toContain(`&lt;i&gt;мой вопрос&lt;/i&gt; ${marker}`);
    expect(html).not.toContain('<i>');
    expect(html).toContain('<html lang="ru">');
    expect(refusedGuest).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect(refusedOperator).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(othersDownload).toMatchObject({ type: 'transcript.download', conversations: 0 });
    expect(othersHtml).not.toContain(marker);
  });
});
