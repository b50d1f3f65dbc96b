/**
 * The portal's feedback form as a page (`/feedback.html`): `POST /feedback` with an idempotency key
 * per form (a double submit opens one ticket), and the ticket number it answers shown to the
 * citizen; a refused field is named next to the form. Nothing typed is kept or logged.
 */
import { loadConfig } from '../shared/config.ts';
import { h, replace, uuid } from '../shared/dom.ts';

const FIELD_LABELS: Record<string, string> = {
  name: 'Имя',
  contact: 'Телефон или e-mail',
  category: 'Тема',
  text: 'Текст обращения',
};

function start(): void {
  const form = document.getElementById('feedback') as HTMLFormElement | null;
  const result = document.getElementById('result');
  if (!form || !result) return;
  // Listening before the configuration arrives: a quick submit is never the browser's own.
  const config = loadConfig(location.href);
  let idempotencyKey = uuid();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const endpoint = (await config).feedbackUrl ?? new URL('/feedback', location.href).toString();
    const data = new FormData(form);
    const body = Object.fromEntries(
      ['name', 'contact', 'category', 'text']
        .map((field) => [field, String(data.get(field) ?? '').trim()] as const)
        .filter(([, value]) => value !== ''),
    );
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ ...body, lang: 'ru' }),
      });
      const answer = (await response.json()) as {
        number?: string;
        message?: string;
        details?: { field: string }[];
      };
      if (response.status === 201 && answer.number) {
        replace(result, h('p', {}, 'Обращение принято. Номер обращения: ', h('strong', {}, answer.number)));
        form.reset();
        idempotencyKey = uuid();
      } else {
        const fields = (answer.details ?? []).map((d) => FIELD_LABELS[d.field] ?? d.field);
        replace(
          result,
          h('p', { class: 'error' }, answer.message ?? 'Не удалось отправить обращение.'),
          fields.length ? h('p', { class: 'error' }, `Проверьте: ${fields.join(', ')}.`) : null,
        );
      }
    } catch {
      replace(result, h('p', { class: 'error' }, 'Нет связи. Попробуйте ещё раз.'));
    } finally {
      if (button) button.disabled = false;
    }
  });
}

start();
