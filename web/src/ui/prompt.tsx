import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Render = (done: (value: unknown) => void) => VNode;
let show: ((r: { render: Render; resolve: (v: unknown) => void } | null) => void) | null = null;

/**
 * Shows a one-off dialog and resolves with the user's answer, so a flow such as
 * "drag → which occurrences? → conflict? → save anyway?" reads top to bottom.
 */
export function ask<T>(render: (done: (value: T | null) => void) => VNode): Promise<T | null> {
  return new Promise((resolve) => {
    if (!show) return resolve(null);
    show({ render: render as Render, resolve: resolve as (v: unknown) => void });
  });
}

/** Where `ask` dialogs appear; mounted once by the calendar page. */
export function PromptHost() {
  const [current, setCurrent] = useState<{ render: Render; resolve: (v: unknown) => void } | null>(null);
  useEffect(() => {
    show = setCurrent;
    return () => {
      show = null;
    };
  }, []);
  if (!current) return null;
  const done = (v: unknown) => {
    setCurrent(null);
    current.resolve(v);
  };
  return current.render(done);
}
