// Reads the time a picture was made from the picture itself, as it is in the page: the
// source (TimeStampedPictures) draws the wall clock's milliseconds mod 2^20 as 20 blocks of
// 32x32 pixels in the top row, and their inverse in the row below. Every 4 ms this copies
// the top of the element (a <canvas> the player paints, or a <video>) and, when the code
// is whole (the rows are each other's inverse) and new, records now minus it: glass to glass
// as the page shows it, on the one clock the source and the browser share.
// Called as a function body with (selector); samples land in window.kymuxGlass.
const selector = arguments[0];
const BITS = 20, MASK = (1 << BITS) - 1, BLOCK = 32;
const probe = document.createElement('canvas');
probe.width = BITS * BLOCK;
probe.height = 2 * BLOCK;
const ctx = probe.getContext('2d', { willReadFrequently: true });
const glass = { samples: [], pictures: 0, torn: 0, started: performance.now() };
window.kymuxGlass = glass;
let last = -1;
setInterval(() => {
  const el = document.querySelector(selector);
  if (!el) return;
  const w = el.videoWidth || el.width, h = el.videoHeight || el.height;
  if (!w || !h || (el.readyState !== undefined && el.readyState < 2)) return;
  // the picture is 640x360 with the code in its top 64 rows, whatever size it is shown at
  ctx.drawImage(el, 0, 0, w, h * 64 / 360, 0, 0, probe.width, probe.height);
  const px = ctx.getImageData(0, 0, probe.width, probe.height).data;
  let code = 0, inverse = 0;
  for (let i = 0; i < BITS; i++) {
    const x = i * BLOCK + BLOCK / 2;
    const top = px[(BLOCK / 2 * probe.width + x) * 4] > 128 ? 1 : 0;
    const below = px[((BLOCK + BLOCK / 2) * probe.width + x) * 4] > 128 ? 1 : 0;
    code |= top << i;
    inverse |= below << i;
  }
  if ((code ^ inverse) !== MASK) { glass.torn++; return; }
  if (code === last) return;
  last = code;
  glass.pictures++;
  glass.samples.push(((Date.now() & MASK) - code + MASK + 1) & MASK);
}, 4);
