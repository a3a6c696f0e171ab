import { render } from 'preact';
import { App } from './App.tsx';
import { takeTokenFromFragment } from './auth/tokenStorage.ts';
import './pages/index.ts';
import './styles/app.css';

// Before anything renders: take `#token=` out of the address bar (and out of history).
const linkToken = takeTokenFromFragment();

const root = document.getElementById('app');
if (root) render(<App linkToken={linkToken} />, root);
