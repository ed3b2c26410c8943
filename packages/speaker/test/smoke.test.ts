import { expect, it } from 'vitest';
import * as pkg from '../src/index.js';

it('exports its API', () => {
  expect(Object.keys(pkg).length).toBeGreaterThan(0);
});
