/**
 * Text put into the HTML pages the service renders itself (the audit and citizen transcripts, the
 * printable MFC checklists): every value from the data goes through {@link escapeHtml}.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or attribute value: the five characters HTML gives meaning to, escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
