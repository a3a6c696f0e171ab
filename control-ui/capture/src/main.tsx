import { render } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { forgetPageToken, rememberPageToken, takePageToken } from './media/pageToken.ts';
import { TokenForm } from './media/TokenForm.tsx';
import { readCaptureParams } from './captureParams.ts';
import { CaptureStudio } from './CaptureStudio.tsx';
import { RoomPicker } from './RoomPicker.tsx';
import './media/media.css';

// Before anything renders: take `#token=` out of the address bar.
const initialToken = takePageToken('capture');
const params = readCaptureParams();

function CaptureApp() {
  const [token, setToken] = useState(initialToken);
  const [notice, setNotice] = useState<string | undefined>();
  const refused = useCallback((reason: string) => {
    forgetPageToken('capture');
    setNotice(reason);
    setToken(null);
  }, []);
  if (!token) {
    return (
      <TokenForm
        title="Capture"
        role="operator"
        notice={notice}
        onToken={(t) => {
          rememberPageToken('capture', t);
          setNotice(undefined);
          setToken(t);
        }}
      />
    );
  }
  if (!params.room) return <RoomPicker token={token} page="capture" />;
  return <CaptureStudio token={token} room={params.room} params={params} onTokenRefused={refused} />;
}

const root = document.getElementById('app');
if (root) render(<CaptureApp />, root);
