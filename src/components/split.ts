/** Drag (or arrow keys on) the gutter to share the width between the two panes; the choice is remembered. */
const KEY = 'statecraft:v1:split';

export function makeResizable(container: HTMLElement): void {
  const gutter = container.querySelector<HTMLElement>('.ws-gutter');
  if (!gutter) return;
  const apply = (fraction: number) => {
    const clamped = Math.min(0.7, Math.max(0.2, fraction));
    container.style.setProperty('--ws-left', `${(clamped * 100).toFixed(1)}%`);
    return clamped;
  };
  let current = apply(Number(localStorage.getItem(KEY)) || 0.38);
  const save = () => { try { localStorage.setItem(KEY, String(current)); } catch { /* not persisted */ } };

  gutter.addEventListener('pointerdown', (down) => {
    gutter.setPointerCapture(down.pointerId);
    const rect = container.getBoundingClientRect();
    const move = (e: PointerEvent) => { current = apply((e.clientX - rect.left) / rect.width); };
    const up = () => { gutter.removeEventListener('pointermove', move); save(); };
    gutter.addEventListener('pointermove', move);
    gutter.addEventListener('pointerup', up, { once: true });
  });
  gutter.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    current = apply(current + (e.key === 'ArrowLeft' ? -0.02 : 0.02));
    save();
  });
}
