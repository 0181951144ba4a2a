import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AppInfo {
  name: string;
  version: string;
  description: string;
  license: string;
}

/**
 * Name, version and licence from package.json, read once. The file sits two levels above this one
 * both in src/common (ts-node, jest) and in dist/common (node dist/main; the image ships it).
 */
export const APP_INFO: AppInfo = (() => {
  const pkg = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as AppInfo;
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
  };
})();
