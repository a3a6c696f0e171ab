import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';
import { kindStyle } from './alertKinds.ts';
import { playSound } from './alertSound.ts';

const ENTER_MS = 450;
const LEAVE_MS = 450;
const MIN_DURATION_MS = 1_000;
const MAX_DURATION_MS = 120_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface AlertPresenterOptions {
  /** Whether this alert kind plays its sound (URL `sound=`). */
  soundFor?: (kind: string) => boolean;
  volume?: number;
}

/** Decorations for the kind's animation: coins bursting, light rays... (pure CSS, driven by custom properties). */
function decorations(count: number): HTMLElement {
  const fx = document.createElement('div');
  fx.className = 'alert-fx';
  fx.setAttribute('aria-hidden', 'true');
  for (let i = 0; i < count; i++) {
    const particle = document.createElement('span');
    particle.className = 'alert-particle';
    // Spread evenly round the card with a little randomness, so bursts never look mechanical.
    const angle = (i / count) * 360 + (Math.random() * 18 - 9);
    particle.style.setProperty('--angle', `${angle.toFixed(1)}deg`);
    particle.style.setProperty('--distance', `${(0.75 + Math.random() * 0.5).toFixed(2)}`);
    particle.style.setProperty('--delay', `${Math.round(Math.random() * 160)}ms`);
    // Positions on an ellipse round the card (computed here: older CEF builds in OBS lack CSS cos()/sin()).
    const radians = (angle * Math.PI) / 180;
    particle.style.setProperty('--x', `${(50 + 49 * Math.cos(radians)).toFixed(1)}%`);
    particle.style.setProperty('--y', `${(50 + 62 * Math.sin(radians)).toFixed(1)}%`);
    fx.append(particle);
  }
  return fx;
}

/**
 * Renders one alert into the stage: enters, stays `durationMs`, leaves, is removed. Phases are driven by
 * timers, not `animationend`, so a page with animations off (reduced motion, hidden source) still advances.
 * Each kind (donation, gesture, chat, effect) has its own icon, animation and optional sound.
 */
export function createAlertPresenter(stage: HTMLElement, options: AlertPresenterOptions = {}): (alert: OverlayAlert) => Promise<void> {
  return async (alert) => {
    const style = kindStyle(alert.kind);
    const element = document.createElement('div');
    element.className = `alert alert--${style.style}`;
    element.dataset['testid'] = 'overlay-alert';
    element.dataset['alertId'] = alert.id;
    element.dataset['kind'] = alert.kind;
    element.dataset['style'] = style.style;
    element.dataset['phase'] = 'entering';
    element.setAttribute('role', 'status');

    if (style.particles > 0) element.append(decorations(style.particles));
    const icon = document.createElement('div');
    icon.className = 'alert-icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.innerHTML = style.icon; // a constant from alertKinds.ts, never server text
    const text = document.createElement('div');
    text.className = 'alert-text';
    const title = document.createElement('div');
    title.className = 'alert-title';
    title.textContent = alert.title;
    text.append(title);
    if (alert.message) {
      const message = document.createElement('div');
      message.className = 'alert-message';
      message.textContent = alert.message;
      text.append(message);
    }
    element.append(icon, text);

    const duration = Math.min(MAX_DURATION_MS, Math.max(MIN_DURATION_MS, Number(alert.durationMs) || 5_000));
    stage.append(element);
    if (options.soundFor?.(alert.kind)) {
      element.dataset['sound'] = 'pending';
      void playSound(style.sound, options.volume ?? 0.6).then(
        (result) => (element.dataset['sound'] = result === 'played' ? style.sound : result),
        () => (element.dataset['sound'] = 'failed'),
      );
    }
    try {
      await wait(ENTER_MS);
      element.dataset['phase'] = 'shown';
      await wait(Math.max(0, duration - ENTER_MS));
      element.dataset['phase'] = 'leaving';
      await wait(LEAVE_MS);
    } finally {
      element.remove();
    }
  };
}
