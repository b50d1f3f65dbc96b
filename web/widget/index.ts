/** The widget's script: defines `<support-chat>` and adds one to the page if the page has none. */
import { SupportChatElement } from './widget.ts';

if (!customElements.get('support-chat')) customElements.define('support-chat', SupportChatElement);
const place = () => {
  if (!document.querySelector('support-chat'))
    document.body.appendChild(document.createElement('support-chat'));
};
if (document.body) place();
else document.addEventListener('DOMContentLoaded', place);
