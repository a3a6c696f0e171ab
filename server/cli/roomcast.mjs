#!/usr/bin/env node
// The `roomcast` command. Roomcast is written in TypeScript and runs through tsx's loader, so there is
// no separate compile step to forget.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
