/** The version this build reports: package.json's, read once. */
import { readFileSync } from 'node:fs';

export const SCRATCHBIRD_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
