/**
 * A span tree as the rows of a waterfall: each span's bar placed on the trace's time
 * axis, in percent, indented by depth. Pure, shared by the server's tests and the page.
 */
import type { SpanNode } from '@orderflow/orders-cli/span-tree';

/** A span as the orders CLI's span tree gives it, SQL folded. */
export type WaterfallSpan = SpanNode;

export interface WaterfallRow {
  span: WaterfallSpan;
  depth: number;
  leftPct: number;
  widthPct: number;
}

export function waterfall(roots: readonly WaterfallSpan[]): {
  rows: WaterfallRow[];
  totalUs: number;
} {
  const flat: { span: WaterfallSpan; depth: number }[] = [];
  const walk = (span: WaterfallSpan, depth: number) => {
    flat.push({ span, depth });
    for (const child of span.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  const totalUs = Math.max(1, ...flat.map(({ span }) => span.offsetUs + span.durationUs));
  const pct = (us: number) => Math.round((us / totalUs) * 10_000) / 100;
  return {
    totalUs,
    rows: flat.map(({ span, depth }) => ({
      span,
      depth,
      leftPct: pct(span.offsetUs),
      // A bar too short to see is drawn as a sliver.
      widthPct: Math.max(0.3, pct(span.durationUs)),
    })),
  };
}
