/* The theme's scripts pass ESLint (eslint.config.mjs here): one result per
 * file, "N passed, N failed" like every suite. */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { HERE, ROOT, results } from './lib.mjs';

const T = results();
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(HERE, 'eslint.config.mjs') });
const files = [];
for (const theme of fs.readdirSync(path.join(ROOT, 'themes'))) {
	const dir = path.join(ROOT, 'themes', theme, 'js');
	if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.js')) files.push(path.join(dir, f));
}
T.ok(files.length > 0, 'theme scripts found');
for (const r of await eslint.lintFiles(files)) {
	const msgs = r.messages.map((m) => m.line + ':' + m.column + ' ' + (m.ruleId || '') + ' ' + m.message);
	T.ok(msgs.length === 0, 'eslint ' + path.relative(ROOT, r.filePath), msgs.slice(0, 10).join(' | '));
}
T.done();
