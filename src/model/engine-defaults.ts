// The one source of the loop's defaults: the config's DEFAULT_CONFIG, the engine's
// DEFAULT_LOOP_SETTINGS and the tests all read these, so a default changes in one place.
export const ENGINE_DEFAULTS = {
  quality: 0.8,
  iterations: 3,
  regression_threshold: 0.1,
  min_improvement: 0.02,
  max_tool_rounds: 20,
} as const;
