import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeJsonFile } from '../storage/writeJsonFile.ts';

export interface SavedRules {
  rules: unknown[];
  savedAt: number;
}

/**
 * Rules edited on the Gestures page, kept in `<dataDir>/gestures/rules.json`. While the file exists it
 * replaces roomcast.yaml's rules (the page says so and offers to go back to them).
 */
export class GestureRuleStore {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'rules.json');
  }

  load(): SavedRules | undefined {
    if (!existsSync(this.file)) return undefined;
    const json = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SavedRules>;
    if (!Array.isArray(json.rules)) throw new Error(`${this.file}: no "rules" list`);
    return { rules: json.rules, savedAt: Number(json.savedAt) || 0 };
  }

  save(rules: unknown[], savedAt = Date.now()): SavedRules {
    writeJsonFile(this.file, { rules, savedAt });
    return { rules, savedAt };
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
