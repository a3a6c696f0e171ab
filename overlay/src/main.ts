import { AlertQueue } from './alertQueue.ts';
import { createAlertPresenter } from './alertView.ts';
import { BannerView } from './banner.ts';
import { connectOverlay } from './connection.ts';
import { readParams } from './params.ts';
import { OverlayStateStore } from './stateStore.ts';
import { renderStatus } from './statusDot.ts';
import { applyTheme } from './theme.ts';
import './overlay.css';
import type { OverlayState } from '../../server/protocol/overlayEvents.ts';

function required<T extends Element>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`overlay: ${selector} missing`);
  return element;
}

const root = required<HTMLElement>('#overlay');
const dot = required<HTMLElement>('.status-dot');
const banner = new BannerView(required<HTMLElement>('.banner'));
const params = readParams();
applyTheme(root, params);

function show(state: OverlayState): void {
  root.dataset['revision'] = String(state.revision);
  banner.render(state.banner);
}

if (params.room === null || params.token === null) {
  // A setup mistake, visible while the source is being configured (never a runtime outage).
  const help = document.createElement('div');
  help.className = 'setup-help';
  help.textContent =
    params.room === null
      ? 'Roomcast overlay: add ?room=<room id> to this URL (copy it from the dashboard).'
      : 'Roomcast overlay: add #token=<overlay token> to this URL (roomcast token create --role overlay).';
  root.append(help);
  renderStatus(root, dot, 'error', 'missing room or token');
} else {
  const store = new OverlayStateStore(params.room);
  const alerts = new AlertQueue({
    present: createAlertPresenter(required<HTMLElement>('.alert-stage'), {
      soundFor: (kind) => params.sound.all || params.sound.kinds.has(kind) || params.sound.kinds.has(kind.split('.')[0] ?? ''),
      volume: params.volume,
    }),
  });
  renderStatus(root, dot, 'connecting');
  connectOverlay(params.room, params.token, {
    onSyncStart: () => store.beginSync(),
    onSync: (state) => show(store.applySync(state)),
    onPush: (state) => {
      const shown = store.applyPush(state);
      if (shown) show(shown);
    },
    onAlert: (alert) => alerts.push(alert),
    onStatus: (status, detail) => renderStatus(root, dot, status, detail),
  });
}
