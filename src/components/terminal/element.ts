import type { Terminal } from '@xterm/xterm';

const CLOCK_EVENT = 'statecraft:clock-speed';

/** <sc-terminal>: waits until the terminal is near the viewport, then loads xterm.js. */
class StatecraftTerminal extends HTMLElement {
  private started = false;
  /** The xterm.js terminal once loaded: its buffer holds the whole scrollback, not just what is on screen. */
  terminal?: Terminal;

  connectedCallback(): void {
    this.wireClock();
    if (this.started) return;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      this.started = true;
      void this.start();
    }, { rootMargin: '300px 0px' });
    observer.observe(this);
  }

  /**
   * The Clock picker: every terminal on the page drives the same cluster, so a pick in
   * one shows in the others.
   */
  private wireClock(): void {
    const select = this.querySelector<HTMLSelectElement>('select[data-clock-speed]');
    if (select === null || select.dataset.wired === 'true') return;
    select.dataset.wired = 'true';
    select.addEventListener('change', () => {
      const speed = Number(select.value);
      window.dispatchEvent(new CustomEvent(CLOCK_EVENT, { detail: speed }));
      void import('../cluster/client.ts').then(({ cluster }) => cluster().setSpeed(speed));
    });
    window.addEventListener(CLOCK_EVENT, (event) => {
      select.value = String((event as CustomEvent<number>).detail);
    });
  }

  private async start(): Promise<void> {
    const screen = this.querySelector<HTMLElement>('.sc-terminal__screen')!;
    try {
      const { mountTerminal } = await import('./xterm-terminal.ts');
      screen.replaceChildren();
      this.terminal = await mountTerminal(screen, this.dataset.name ?? 'main');
      this.dataset.ready = 'true';
    } catch (error) {
      screen.textContent = 'The terminal failed to load. Reload the page to try again.';
      console.error(error);
    }
  }
}

export function defineTerminalElement(): void {
  if (!customElements.get('sc-terminal')) customElements.define('sc-terminal', StatecraftTerminal);
}
