import { render } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ZONE_PATTERN } from '../../../server/protocol/mediaEvents.ts';
import { forgetPageToken, rememberPageToken, takePageToken } from '../../capture/src/media/pageToken.ts';
import { TokenForm } from '../../capture/src/media/TokenForm.tsx';
import { RoomPicker } from '../../capture/src/RoomPicker.tsx';
import { ListenPage } from './ListenPage.tsx';
import { ZonePicker } from './ZonePicker.tsx';
import '../../capture/src/media/media.css';

// `/listen/?room=demo&zone=lobby#token=<overlay token>`
const initialToken = takePageToken('listen');
const query = new URLSearchParams(window.location.search);
const room = query.get('room')?.trim() || null;
const zoneParam = query.get('zone')?.trim() ?? '';
const zone = ZONE_PATTERN.test(zoneParam) ? zoneParam : null;

function ListenApp() {
  const [token, setToken] = useState(initialToken);
  const [notice, setNotice] = useState<string | undefined>();
  const refused = useCallback((reason: string) => {
    forgetPageToken('listen');
    setNotice(reason);
    setToken(null);
  }, []);
  if (!token) {
    return (
      <TokenForm
        title="Listen"
        role="overlay (or higher)"
        notice={notice}
        onToken={(t) => {
          rememberPageToken('listen', t);
          setNotice(undefined);
          setToken(t);
        }}
      />
    );
  }
  if (!room) return <RoomPicker token={token} page="listen" />;
  if (!zone) return <ZonePicker token={token} room={room} />;
  return <ListenPage token={token} room={room} zone={zone} onTokenRefused={refused} />;
}

const root = document.getElementById('app');
if (root) render(<ListenApp />, root);
