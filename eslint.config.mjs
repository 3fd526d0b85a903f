// Flat ESLint config: TypeScript (type-checked), React hooks and the Power Apps checker rules.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";
import powerApps from "@microsoft/eslint-plugin-power-apps";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "**/generated/**",
      "out/**",
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "test-results/**",
      "**/*.mjs",
      "**/*.cjs",
      "**/*.js",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ComponentFramework: true },
    },
    plugins: { "@microsoft/power-apps": powerApps, "react-hooks": reactHooks },
    rules: {
      ...powerApps.configs.paCheckerHosted.rules,
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // The components' JSX compiles to `h(…)` (their `@jsx h` pragma; PartnerGuard/components/h.ts).
    files: ["PartnerGuard/components/*.tsx"],
    languageOptions: { parserOptions: { jsxPragma: "h", jsxFragmentName: "Fragment" } },
  },
  {
    files: ["test/**", "bench/**", "playground/**", "cli/**"],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/require-await": "off",
      "@microsoft/power-apps/use-cached-webresource": "off",
    },
  },
);
