import { histogramDelta, histogramQuantile, parseHistogram } from './prometheus.js';

const scrape = (fast: number, slow: number) => `
# HELP consumer_handler_duration_seconds One handler attempt
# TYPE consumer_handler_duration_seconds histogram
consumer_handler_duration_seconds_bucket{le="0.005",group="g",topic="a",service="orders"} ${fast}
consumer_handler_duration_seconds_bucket{le="0.01",group="g",topic="a",service="orders"} ${fast + slow}
consumer_handler_duration_seconds_bucket{le="+Inf",group="g",topic="a",service="orders"} ${fast + slow}
consumer_handler_duration_seconds_sum{group="g",topic="a",service="orders"} 1.5
consumer_handler_duration_seconds_count{group="g",topic="a",service="orders"} ${fast + slow}
consumer_handler_duration_seconds_bucket{le="0.005",group="g",topic="b",service="orders"} 0
consumer_handler_duration_seconds_bucket{le="0.01",group="g",topic="b",service="orders"} 0
consumer_handler_duration_seconds_bucket{le="+Inf",group="g",topic="b",service="orders"} 2
consumer_handler_duration_seconds_sum{group="g",topic="b",service="orders"} 4
consumer_handler_duration_seconds_count{group="g",topic="b",service="orders"} 2
other_metric_bucket{le="0.005"} 99
`;

describe('Prometheus histograms', () => {
  it('sums a histogram over its label sets', () => {
    const h = parseHistogram(scrape(10, 8), 'consumer_handler_duration_seconds');
    expect(h?.buckets).toEqual([
      { le: 0.005, count: 10 },
      { le: 0.01, count: 18 },
      { le: Number.POSITIVE_INFINITY, count: 20 },
    ]);
    expect(h?.count).toBe(20);
    expect(h?.sum).toBe(5.5);
    expect(parseHistogram(scrape(1, 1), 'missing_metric')).toBeUndefined();
  });

  it('takes the difference between two scrapes', () => {
    const before = parseHistogram(scrape(10, 8), 'consumer_handler_duration_seconds');
    const after = parseHistogram(scrape(30, 18), 'consumer_handler_duration_seconds');
    const delta = histogramDelta(after!, before);
    expect(delta.buckets.map((b) => b.count)).toEqual([20, 30, 30]);
    expect(delta.count).toBe(30);
  });

  it('estimates quantiles like histogram_quantile', () => {
    const h = {
      buckets: [
        { le: 0.005, count: 50 },
        { le: 0.01, count: 100 },
        { le: Number.POSITIVE_INFINITY, count: 100 },
      ],
      sum: 0,
      count: 100,
    };
    expect(histogramQuantile(h, 0.5)).toBeCloseTo(0.005);
    expect(histogramQuantile(h, 0.25)).toBeCloseTo(0.0025);
    expect(histogramQuantile(h, 0.75)).toBeCloseTo(0.0075);
    const tail = {
      buckets: [
        { le: 0.01, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 10 },
      ],
      sum: 0,
      count: 10,
    };
    expect(histogramQuantile(tail, 0.99)).toBe(0.01);
    expect(histogramQuantile({ buckets: [], sum: 0, count: 0 }, 0.5)).toBeNaN();
  });
});
