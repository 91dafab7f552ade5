/* ESLint for the theme scripts (themes/NAME/js): plain classic scripts in
 * the browser that share window.gapmap; no line over 160 characters.
 * Run by test_lint.mjs (make browser, make test). */
import js from '@eslint/js';

const browser = Object.fromEntries(['window', 'document', 'location', 'history', 'performance', 'setTimeout', 'clearTimeout', 'requestAnimationFrame',
	'ResizeObserver', 'getComputedStyle', 'URL', 'URLSearchParams', 'Blob', 'CustomEvent', 'navigator', 'console'].map((g) => [g, 'readonly']));

export default [
	js.configs.recommended,
	{
		files: ['**/*.js'],
		languageOptions: { ecmaVersion: 2020, sourceType: 'script', globals: browser },
		rules: {
			'max-len': ['error', { code: 160, tabWidth: 1 }],
			strict: ['error', 'global'],
			'no-implicit-globals': 'error',
			'no-var': 'error',
			'prefer-const': 'error',
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			'no-shadow': 'error',
			'no-unused-vars': ['error', { args: 'after-used' }],
		},
	},
];
