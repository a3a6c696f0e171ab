import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';

const ENTER_MS = 450;
const LEAVE_MS = 450;
const MIN_DURATION_MS = 1_000;
const MAX_DURATION_MS = 120_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Renders one alert into the stage: enters, stays `durationMs`, leaves, is removed. Phases are driven by
 * timers, not `animationend`, so a page with animations off (reduced motion, hidden source) still advances.
 */
export function createAlertPresenter(stage: HTMLElement): (alert: OverlayAlert) => Promise<void> {
  return async (alert) => {
    const element = document.createElement('div');
    element.className = 'alert';
    element.dataset['testid'] = 'overlay-alert';
    element.dataset['alertId'] = alert.id;
    element.dataset['kind'] = alert.kind;
    element.dataset['phase'] = 'entering';
    element.setAttribute('role', 'status');

    const title = document.createElement('div');
    title.className = 'alert-title';
    title.textContent = alert.title;
    element.append(title);
    if (alert.message) {
      const message = document.createElement('div');
      message.className = 'alert-message';
      message.textContent = alert.message;
      element.append(message);
    }

    const duration = Math.min(MAX_DURATION_MS, Math.max(MIN_DURATION_MS, Number(alert.durationMs) || 5_000));
    stage.append(element);
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
