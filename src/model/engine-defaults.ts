// The one source of the loop's defaults: the config's DEFAULT_CONFIG, the engine's
// DEFAULT_LOOP_SETTINGS and the tests all read these, so a default changes in one place.
export const ENGINE_DEFAULTS = {
  quality: 0.8,
  iterations: 3,
  regression_threshold: 0.1,
  min_improvement: 0.02,
  max_tool_rounds: 20,
  // A task budget applies even when none is set, as OpenKoi has it: a typo or a runaway loop
  // costs at most this much. --max-cost or [engine] max_cost_usd raises or lowers it.
  max_cost_usd: 2.0,
} as const;
