import { defineConfig, list, type ConfigVar } from '@palisade/config';

/** The views every view-aware service reads (gateway, promotion): one list, one order. */
export const viewsConfigShape = {
  PALISADE_VIEWS: {
    schema: list().default(['dev', 'staging', 'prod']),
    description: 'Views in promotion order, comma-separated; each is served at /<view>/. The first is where publishes enter.',
  },
} satisfies Record<string, ConfigVar>;

export const viewsConfig = defineConfig(viewsConfigShape, {
  rules: [
    (c) =>
      c.PALISADE_VIEWS.length > 0 && c.PALISADE_VIEWS.every((view) => /^[a-z][a-z0-9-]{0,31}$/.test(view)) && new Set(c.PALISADE_VIEWS).size === c.PALISADE_VIEWS.length
        ? []
        : [{ variable: 'PALISADE_VIEWS', message: 'must be distinct lower-case words (letters, digits, dashes)' }],
  ],
});

/** Views in order; the first is the entry view. */
export function viewsOf(config: Readonly<Record<string, unknown>>): { views: readonly string[]; entryView: string } {
  const views = config.PALISADE_VIEWS as string[];
  return { views, entryView: views[0] };
}
