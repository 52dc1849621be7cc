import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Most units of work (occurrences expanded, items compared) one request does between two turns of
 * the event loop. One occurrence costs some 5–20 µs to expand, so a slice (with the request's
 * unsliced parts: body parsing, validation, the response) stays under the 50 ms SPEC §11 allows a
 * request to hold the loop; 1,000 measured 100–130 ms gaps on a loaded machine, 500 about 30–60.
 * A single series' year (at most a few hundred occurrences) is never split, so a slice can end up
 * to one such step over the limit.
 */
export const SLICE_WORK = 500;

/**
 * What validating or writing one event counts for: about the cost of 100 occurrences (a rule walk
 * to check the rule recurs, or the handful of rows an insert writes).
 */
export const DRAFT_WORK = 100;

/**
 * Work counted since start-up, for tests and metrics: how often a request gave the loop a turn,
 * and the largest amount of work done between two turns.
 */
export const sliceStats = { yields: 0, largestSlice: 0 };

/**
 * Counts a request's work and lets the event loop run other requests (setImmediate) whenever a
 * slice of `limit` units is done. One slicer per request: slices never mix requests.
 */
export function createSlicer(limit = SLICE_WORK) {
  let done = 0;
  return {
    /** Records `units` of work just done; yields to the event loop when the slice is full. */
    async did(units: number): Promise<void> {
      done += units;
      if (done > sliceStats.largestSlice) sliceStats.largestSlice = done;
      if (done < limit) return;
      done = 0;
      sliceStats.yields++;
      await nextTurn();
    },
  };
}

/** Runs a step function (a generator yielding the work of each step) to its end, in slices. */
export async function runSteps<T>(steps: Generator<number, T>, slicer: Slicer): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await slicer.did(r.value);
  }
}

export type Slicer = ReturnType<typeof createSlicer>;
