import type { OverlayState } from '../../server/protocol/overlayEvents.ts';

const LEAVE_MS = 450;

/** The persistent lower-third. Fades out, then drops its text; a new text replaces the old in place. */
export class BannerView {
  #clearTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #text: HTMLElement;

  constructor(readonly element: HTMLElement) {
    const text = element.querySelector<HTMLElement>('.banner-text');
    if (!text) throw new Error('overlay: .banner-text missing');
    this.#text = text;
  }

  render(banner: OverlayState['banner']): void {
    clearTimeout(this.#clearTimer);
    if (banner && banner.text !== '') {
      this.#text.textContent = banner.text;
      this.element.dataset['visible'] = 'true';
      return;
    }
    if (this.element.dataset['visible'] !== 'true') {
      this.#text.textContent = '';
      return;
    }
    this.element.dataset['visible'] = 'false';
    this.#clearTimer = setTimeout(() => {
      this.#text.textContent = '';
    }, LEAVE_MS);
  }
}
