/**
 * The QR code of the TOTP set-up (`otpauth://…`), drawn on a canvas from uqr's module matrix, so
 * an authenticator app can scan it; the key is also shown as text for typing in by hand.
 */
import { encode } from 'uqr';
import { h } from '../shared/dom.ts';

const MODULE_PX = 4;

export function qrCanvas(text: string, label: string): HTMLCanvasElement {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  const canvas = h('canvas', {
    width: size * MODULE_PX,
    height: size * MODULE_PX,
    role: 'img',
    'aria-label': label,
  });
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) context.fillRect(x * MODULE_PX, y * MODULE_PX, MODULE_PX, MODULE_PX);
    });
  });
  return canvas;
}
