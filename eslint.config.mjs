// Lint rules, chiefly the runtime boundaries of CONVENTIONS.md #1:
//   src-shared imports nothing runtime-specific (no node:, no electron, no DOM — the DOM part is
//   enforced by src-shared/tsconfig.json having no DOM lib);
//   the renderer never imports src-main (nor node builtins nor electron);
//   only src-main/app imports electron.
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const nodeBuiltinPatterns = ['node:*']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'resources/trainer/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'src-shared runs everywhere: no node, electron or DOM imports.' })),
        patterns: [
          { group: nodeBuiltinPatterns, message: 'src-shared runs everywhere: no node: imports.' },
          { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-shared imports only src-shared.' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'The renderer has no node or electron: go through api/.' })),
        patterns: [
          { group: nodeBuiltinPatterns, message: 'The renderer has no node: imports.' },
          { group: ['**/src-main/**', '**/src-main'], message: 'The renderer never imports src-main: use the contract in src-shared and api/.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only src-main/app imports electron; everything else must run under plain Node.' }],
        patterns: [{ group: ['**/src-renderer/**'], message: 'src-main never imports the renderer.' }],
      }],
    },
  },
  {
    files: ['src-main/app/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src-renderer/**'], message: 'src-main never imports the renderer.' }] }],
    },
  },
  {
    files: ['test/**/*.{ts,mts,mjs}', '*.mjs', '*.ts'],
    languageOptions: { globals: globals.node },
  },
)
