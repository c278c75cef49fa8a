import { drawLearnings, taskExcerpt } from '../engine/draw-learnings.js';
import type { GatewayEmbedder } from '../engine/gateway-embedder.js';
import type { LoopResult, RecalledContext } from '../engine/loop-types.js';
import type { Database } from '../memory/database.js';
import { DEFAULT_RECALL_TOKENS, SemanticMemory, estimateTokens, type RecalledMemory } from '../memory/semantic-memory.js';
import type { ModelGateway } from '../routing/model-gateway.js';

export interface TaskMemoryOptions {
  database: Database;
  gateway: ModelGateway;
  embedder: GatewayEmbedder;
  taskId: string;
  recallTokens?: number;
  /** Progress lines ("memory" tag). */
  report: (text: string) => void;
  knownSecrets?: ReadonlyArray<string | undefined>;
  now?: () => number;
  /**
   * A large memory's approximate index is missing or behind: start writing it elsewhere (this run
   * searches exactly meanwhile). Returns whether it was started.
   */
  startIndexing?: () => boolean;
}

// The query is the task's head: a 12 MB piped log says nothing more to BM25 or the embedder than its first lines.
const QUERY_CHARS = 2000;

/** Recalled memories as the planner and executor read them, before the task. */
export function renderRecalled(memories: readonly RecalledMemory[]): string {
  const lines = memories.map((hit) => `- (${hit.memory.kind}) ${hit.memory.content}`);
  return `What openkoi learned on earlier tasks (apply what is relevant, ignore the rest):\n${lines.join('\n')}`;
}

/**
 * One run's memory: recall before the loop (and re-embedding in the background when the embedder
 * changed), learnings after it. Memory never fails a task: its problems are progress lines.
 */
export class TaskMemory {
  readonly memory: SemanticMemory;
  private backfill: { controller: AbortController; done: Promise<unknown> } | undefined;

  constructor(private readonly options: TaskMemoryOptions) {
    this.memory = new SemanticMemory({
      database: options.database,
      embedder: options.embedder,
      ...(options.knownSecrets ? { knownSecrets: options.knownSecrets } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.startIndexing
        ? {
            vectorIndex: {
              onStale: () => {
                if (options.startIndexing!()) options.report('building the search index of a large memory in the background (exact search until it is ready)');
              },
            },
          }
        : {}),
    });
  }

  async recallFor(task: string, signal?: AbortSignal): Promise<RecalledContext | undefined> {
    try {
      const result = await this.memory.recall(task.slice(0, QUERY_CHARS), {
        budgetTokens: this.options.recallTokens ?? DEFAULT_RECALL_TOKENS,
        markUsed: true,
        ...(signal ? { signal } : {}),
      });
      const vectors = result.vectors;
      if (vectors.state === 'missing') {
        this.options.report(`${vectors.missing} of ${vectors.total} memories have no vector from ${vectors.model} yet: re-embedding in the background; recall uses text search until then`);
        this.startBackfill(vectors.model);
      } else if (vectors.state === 'unavailable') {
        this.options.report(`the embedder failed (${vectors.reason}); recall uses text search only`);
      }
      if (result.memories.length === 0) return undefined;
      const text = renderRecalled(result.memories);
      this.options.report(`recalled ${result.memories.length} memor${result.memories.length === 1 ? 'y' : 'ies'} (~${estimateTokens(text)} tokens)`);
      return { text, recalled: result.memories.map((hit) => ({ id: hit.memory.id, score: Number(hit.score.toFixed(6)) })) };
    } catch (error) {
      this.options.report(`recall failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** After the task: lessons from its findings, stored (or reinforcing their near-duplicates), then pruning. */
  async learnFrom(task: string, result: LoopResult, options: { askModel: boolean; accepted: boolean; signal?: AbortSignal }): Promise<void> {
    try {
      const drawn = await drawLearnings(
        this.options.gateway,
        { task, iterations: result.iterations, accepted: options.accepted },
        { askModel: options.askModel, taskId: this.options.taskId, ...(options.signal ? { signal: options.signal } : {}) },
      );
      let added = 0;
      let reinforced = 0;
      let embedFailure: string | undefined;
      for (const learning of drawn.learnings) {
        const stored = await this.memory.remember({ kind: learning.kind, content: learning.content, sourceTask: this.options.taskId }, options.signal);
        if (stored.action === 'added') added += 1;
        else reinforced += 1;
        embedFailure ??= stored.embedError;
      }
      const pruned = this.memory.prune();
      if (drawn.learnings.length > 0 || pruned.length > 0) {
        const how = drawn.source === 'rules' && drawn.fallbackReason ? ` (rule-based: ${drawn.fallbackReason})` : '';
        this.options.report(`learned ${added} new, reinforced ${reinforced}${pruned.length ? `, pruned ${pruned.length} faded` : ''}${how}`);
      }
      if (embedFailure) this.options.report(`the embedder failed (${embedFailure}); learnings are stored and embedded on a later run`);
    } catch (error) {
      this.options.report(`learning failed: ${(error as Error).message} (task ${taskExcerpt(task)})`);
    }
  }

  /** Stops re-embedding (what is done stays; the next run resumes) and waits for it to settle. */
  async close(): Promise<void> {
    if (!this.backfill) return;
    this.backfill.controller.abort(new Error('the run ended'));
    await this.backfill.done;
  }

  private startBackfill(model: string): void {
    const controller = new AbortController();
    let lastReported = 0;
    const done = this.memory
      .backfill({
        model,
        signal: controller.signal,
        onProgress: (finished, total, servedModel) => {
          // A line per quarter, not per batch.
          if (finished === total || finished - lastReported >= Math.max(1, Math.ceil(total / 4))) {
            lastReported = finished;
            this.options.report(`re-embedding with ${servedModel}: ${finished}/${total}`);
          }
        },
      })
      .catch((error: Error) => {
        if (!controller.signal.aborted) this.options.report(`re-embedding stopped: ${error.message}`);
      });
    this.backfill = { controller, done };
  }
}
