import assert from "node:assert/strict";
import { MetricsRegistry } from "../../src/observability/metrics_registry.ts";
import { MetricsError } from "../../src/observability/metrics_error.ts";

Deno.test("render() writes a counter without labels as HELP, TYPE and one sample", () => {
  const registry = new MetricsRegistry();
  const reconnects = registry.counter(
    "bot_gateway_reconnects_total",
    "Times the gateway reconnected.",
  );
  reconnects.inc();
  reconnects.inc(2);
  assert.equal(
    registry.render(),
    "# HELP bot_gateway_reconnects_total Times the gateway reconnected.\n" +
      "# TYPE bot_gateway_reconnects_total counter\n" +
      "bot_gateway_reconnects_total 3\n",
  );
});

Deno.test("render() writes a labelled gauge one series per label set, in creation order", () => {
  const registry = new MetricsRegistry();
  const depth = registry.gauge("queue_depth", "Requests queued.", [
    "endpoint",
    "state",
  ]);
  depth.labels("local", "active").set(3);
  depth.labels("backup", "waiting").inc(2);
  depth.labels("local", "active").dec();
  depth.labels("local", "waiting").set(0.5);
  assert.equal(
    registry.render(),
    "# HELP queue_depth Requests queued.\n" +
      "# TYPE queue_depth gauge\n" +
      'queue_depth{endpoint="local",state="active"} 2\n' +
      'queue_depth{endpoint="backup",state="waiting"} 2\n' +
      'queue_depth{endpoint="local",state="waiting"} 0.5\n',
  );
});

Deno.test("render() writes a histogram with cumulative buckets up to +Inf, _sum and _count", () => {
  const registry = new MetricsRegistry();
  const stages = registry.histogram(
    "stage_seconds",
    "Stage time.",
    [0.0001, 0.1, 1],
    ["stage"],
  );
  const context = stages.labels("context");
  for (const value of [0.00005, 0.05, 0.1, 0.5, 7]) context.observe(value);
  assert.equal(
    registry.render(),
    "# HELP stage_seconds Stage time.\n" +
      "# TYPE stage_seconds histogram\n" +
      'stage_seconds_bucket{stage="context",le="0.0001"} 1\n' +
      'stage_seconds_bucket{stage="context",le="0.1"} 3\n' +
      'stage_seconds_bucket{stage="context",le="1"} 4\n' +
      'stage_seconds_bucket{stage="context",le="+Inf"} 5\n' +
      'stage_seconds_sum{stage="context"} 7.65005\n' +
      'stage_seconds_count{stage="context"} 5\n',
  );
});

Deno.test("render() writes a histogram without labels with only le in its buckets", () => {
  const registry = new MetricsRegistry();
  registry.histogram("wait_seconds", "Wait.", [1, 2]).observe(1.5);
  assert.equal(
    registry.render(),
    "# HELP wait_seconds Wait.\n" +
      "# TYPE wait_seconds histogram\n" +
      'wait_seconds_bucket{le="1"} 0\n' +
      'wait_seconds_bucket{le="2"} 1\n' +
      'wait_seconds_bucket{le="+Inf"} 1\n' +
      "wait_seconds_sum 1.5\n" +
      "wait_seconds_count 1\n",
  );
});

Deno.test("render() escapes backslash, double quote and newline in label values and help", () => {
  const registry = new MetricsRegistry();
  registry.counter("odd_total", 'Help with \\ and\na newline and "quotes".', [
    "value",
  ]).labels('C:\\dir "x"\nnext').inc();
  assert.equal(
    registry.render(),
    '# HELP odd_total Help with \\\\ and\\na newline and "quotes".\n' +
      "# TYPE odd_total counter\n" +
      'odd_total{value="C:\\\\dir \\"x\\"\\nnext"} 1\n',
  );
});

Deno.test("labels() returns the same series for the same values, so recording reuses it", () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter("c_total", "C.", ["a", "b"]);
  const first = counter.labels("x", "y");
  assert.equal(counter.labels("x", "y"), first);
  assert.notEqual(counter.labels("x", "z"), first);
  assert.equal(first.labelText, '{a="x",b="y"}');
});

Deno.test("a callback gauge is read at each scrape, and a failing one leaves the rest of the page", () => {
  const errors: string[] = [];
  const registry = new MetricsRegistry({
    onCollectError: (metric) => errors.push(metric),
  });
  let rss = 100;
  registry.gaugeFromCallback("rss_bytes", "RSS.", [], () => [
    { labels: [], value: rss },
  ]);
  registry.gaugeFromCallback("broken", "Broken.", ["x"], () => {
    throw new Error("status unavailable");
  });
  registry.counter("after_total", "After.").inc();
  rss = 250;
  assert.equal(
    registry.render(),
    "# HELP rss_bytes RSS.\n# TYPE rss_bytes gauge\nrss_bytes 250\n" +
      "# HELP broken Broken.\n# TYPE broken gauge\n" +
      "# HELP after_total After.\n# TYPE after_total counter\nafter_total 1\n",
  );
  assert.deepEqual(errors, ["broken"]);
});

Deno.test("a failing callback gauge makes render() throw when no error handler is given", () => {
  const registry = new MetricsRegistry();
  registry.gaugeFromCallback("broken", "Broken.", [], () => {
    throw new Error("status unavailable");
  });
  assert.throws(() => registry.render(), {
    name: "MetricsError",
    message: "Cannot render broken: its callback failed: status unavailable",
  });
});

Deno.test("render() writes special values as +Inf, -Inf and NaN", () => {
  const registry = new MetricsRegistry();
  const g = registry.gauge("g", "G.", ["v"]);
  g.labels("a").set(Infinity);
  g.labels("b").set(-Infinity);
  g.labels("c").set(NaN);
  assert.match(
    registry.render(),
    /g\{v="a"\} \+Inf\ng\{v="b"\} -Inf\ng\{v="c"\} NaN\n$/,
  );
});

Deno.test("misuse is refused with a message saying what and why", async (t) => {
  const registry = new MetricsRegistry();
  const counter = registry.counter("used_total", "Used.", ["kind"]);
  const cases: [string, () => unknown, RegExp][] = [
    ["a bad metric name", () => registry.counter("9bad", "x"), /"9bad"/],
    [
      "a duplicate name",
      () => registry.gauge("used_total", "x"),
      /already declared/,
    ],
    [
      "a reserved label name",
      () => registry.counter("a_total", "x", ["__x"]),
      /label name "__x"/,
    ],
    [
      "le on a histogram",
      () => registry.histogram("h", "x", [1], ["le"]),
      /"le" is reserved/,
    ],
    [
      "unsorted buckets",
      () => registry.histogram("h2", "x", [1, 0.5]),
      /strictly increasing/,
    ],
    [
      "the wrong number of label values",
      () => counter.labels("a", "b"),
      /takes 1 label value\(s\) \(kind\), got 2/,
    ],
    ["a counter going down", () => counter.labels("a").inc(-1), /decrease/],
  ];
  for (const [name, run, message] of cases) {
    await t.step(name, () => {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof MetricsError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
