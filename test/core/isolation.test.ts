import os from 'node:os';
import { describe, expect, it } from 'vitest';

describe('the test run itself', () => {
  it('runs in a private network namespace where only loopback exists (npm test sets this up)', () => {
    expect(process.env.ROOMCAST_TEST_NETNS).toBe('1');
    expect(Object.keys(os.networkInterfaces())).toEqual(['lo']);
  });
});
