/**
 * The console's page: the recent orders live (server-sent events), a form to place
 * one, and one order as a swimlane timeline with its trace, e-mail and dead letters.
 * Plain DOM, no framework; text is always set as text, never parsed as HTML.
 */
import { formatSince, lanes, timeline } from '../timeline.js';
import type { TimelineEntry } from '../timeline.js';
import type { WaterfallSpan } from '../waterfall.js';
import { waterfall } from '../waterfall.js';

interface Money {
  amountMinor: number;
  currency: string;
}
interface Order {
  orderId: string;
  customerId: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  total: Money;
  items: { sku: string; quantity: number; unitPrice: Money }[];
  cancellation: { reason: string; detail: string | null } | null;
  placedAt: string;
  version: number;
}
type OrderWithHistory = Order & {
  history: {
    type: string;
    source: string;
    occurredAt: string;
    data: Record<string, unknown> | null;
  }[];
};
/** What another service's read API answered about an order. */
interface ServiceView {
  service: string;
  request: string;
  status: number;
  body: unknown;
}
interface Config {
  jaegerUiUrl: string | null;
  redrive: boolean;
  customers: { id: string; label: string; currency: string }[];
  skus: { sku: string; label: string; unitPriceMinor: number }[];
}
interface DeadLetter {
  topic: string;
  source: string;
  consumerGroup?: string;
  errorClass?: string;
  reason?: string;
  failedAt?: string;
  eventType?: string;
}

type Child = Node | string | null | undefined | false;

/** An element with attributes and children; strings become text nodes. */
function h(
  tag: string,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: {
      accept: 'application/json',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const body = (await res.json().catch(() => ({}))) as T & { detail?: string };
  if (!res.ok) throw new Error(body.detail ?? `${res.status} ${res.statusText}`);
  return body;
}

const money = ({ amountMinor, currency }: Money) =>
  `${(amountMinor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} ${currency}`;
const statusText = (o: Pick<Order, 'status' | 'cancellation'>) =>
  o.cancellation ? `${o.status} (${o.cancellation.reason})` : o.status;
const statusEl = (o: Order) => h('span', { class: `status status-${o.status}` }, statusText(o));
const main = () => document.getElementById('main')!;
const announce = (text: string) => {
  document.getElementById('announce')!.textContent = text;
};

let config: Config | undefined;
let orders: Order[] = [];
const listeners = new Set<(orders: Order[]) => void>();
/** The customer the list is filtered by (by the orders API); '' for every customer. */
let customer = '';
let source: EventSource | undefined;

/**
 * One EventSource for the page: every view listens to the same live list, the
 * orders of `customer` (every customer's when empty). Connecting again for another
 * customer drops the list until the new one arrives.
 */
function connect(customerId: string): void {
  if (source && customerId === customer) return;
  source?.close();
  customer = customerId;
  orders = [];
  const connection = document.getElementById('connection')!;
  const query = customerId ? `?customerId=${encodeURIComponent(customerId)}` : '';
  source = new EventSource(`/api/orders/events${query}`);
  source.addEventListener('open', () => (connection.textContent = 'Live'));
  source.addEventListener('error', () => (connection.textContent = 'Reconnecting…'));
  source.addEventListener('problem', (e) => {
    connection.textContent = `Orders API: ${(JSON.parse((e as MessageEvent<string>).data) as { detail: string }).detail}`;
  });
  source.addEventListener('orders', (e) => {
    connection.textContent = 'Live';
    const before = new Map(orders.map((o) => [o.orderId, o.status]));
    orders = JSON.parse((e as MessageEvent<string>).data) as Order[];
    const changed = orders.filter(
      (o) => before.has(o.orderId) && before.get(o.orderId) !== o.status,
    );
    if (changed.length)
      announce(
        changed.map((o) => `Order ${o.orderId.slice(0, 8)} is now ${statusText(o)}`).join('. '),
      );
    for (const l of listeners) l(orders);
  });
}

// ---- the list ------------------------------------------------------------------

function listView(): void {
  document.title = 'Orders · orderflow saga console';
  const statusFilter = h(
    'select',
    { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'All'),
    ...['PENDING', 'CONFIRMED', 'CANCELLED'].map((s) => h('option', { value: s }, s)),
  ) as HTMLSelectElement;
  const customerFilter = h('input', {
    id: 'filter-customer',
    name: 'customer',
    type: 'search',
    placeholder: 'e.g. c-ada',
    autocomplete: 'off',
    pattern: '[A-Za-z0-9_\\-]{1,64}',
    'aria-describedby': 'filter-customer-hint',
    value: customer,
  }) as HTMLInputElement;
  const hint = h(
    'span',
    { id: 'filter-customer-hint', class: 'muted' },
    'The exact customer id; the orders API filters by it.',
  );
  const tbody = h('tbody');
  const count = h('span', { class: 'muted' });
  const render = () => {
    const shown = orders.filter((o) => !statusFilter.value || o.status === statusFilter.value);
    count.textContent = ` ${shown.length} of ${orders.length} shown`;
    tbody.replaceChildren(
      ...shown.map((o) =>
        h(
          'tr',
          { 'data-order-id': o.orderId },
          h(
            'td',
            {},
            h('a', { href: `#/orders/${o.orderId}`, class: 'mono' }, o.orderId.slice(0, 8)),
          ),
          h('td', {}, statusEl(o)),
          h('td', {}, o.customerId),
          h('td', {}, o.items.map((i) => `${i.quantity} × ${i.sku}`).join(', ')),
          h('td', {}, money(o.total)),
          h('td', {}, new Date(o.placedAt).toLocaleTimeString()),
        ),
      ),
    );
    if (shown.length === 0)
      tbody.replaceChildren(h('tr', {}, h('td', { colspan: '6' }, 'No orders match.')));
  };
  statusFilter.addEventListener('change', render);
  let typing: number | undefined;
  customerFilter.addEventListener('input', () => {
    clearTimeout(typing);
    const wanted = customerFilter.value.trim();
    if (wanted && !customerFilter.checkValidity()) {
      customerFilter.setAttribute('aria-invalid', 'true');
      hint.textContent = 'A customer id has letters, digits, _ and - only, at most 64.';
      return;
    }
    customerFilter.removeAttribute('aria-invalid');
    hint.textContent = 'The exact customer id; the orders API filters by it.';
    typing = window.setTimeout(() => {
      connect(wanted);
      render();
    }, 300);
  });
  listeners.clear();
  listeners.add(render);

  main().replaceChildren(
    h('h1', {}, 'Orders'),
    placeForm(),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'recent-heading' },
      h('h2', { id: 'recent-heading' }, 'Recent orders', count),
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'filter-status' }, 'Status', statusFilter),
        h('label', { for: 'filter-customer' }, 'Customer', customerFilter),
        hint,
      ),
      h(
        'table',
        { id: 'orders' },
        h('caption', { class: 'visually-hidden' }, 'Recent orders, newest first, updated live'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Order', 'Status', 'Customer', 'Items', 'Total', 'Placed'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
  );
  render();
}

function placeForm(): HTMLElement {
  const c = config!;
  const customer = h(
    'select',
    { id: 'place-customer', name: 'customer' },
    ...c.customers.map((x) => h('option', { value: x.id }, x.label)),
  ) as HTMLSelectElement;
  const sku = h(
    'select',
    { id: 'place-sku', name: 'sku' },
    ...c.skus.map((x) => h('option', { value: x.sku }, x.label)),
  ) as HTMLSelectElement;
  const quantity = h('input', {
    id: 'place-quantity',
    name: 'quantity',
    type: 'number',
    min: '1',
    max: '1000',
    value: '1',
    required: true,
  }) as HTMLInputElement;
  const price = h('input', {
    id: 'place-price',
    name: 'price',
    type: 'number',
    min: '0.01',
    step: '0.01',
    value: '12.50',
    required: true,
  }) as HTMLInputElement;
  const result = h('p', { role: 'status', id: 'place-result' });
  sku.addEventListener('change', () => {
    const chosen = c.skus.find((x) => x.sku === sku.value);
    if (chosen) price.value = (chosen.unitPriceMinor / 100).toFixed(2);
  });
  const form = h(
    'form',
    { class: 'inline', id: 'place-form' },
    h('label', { for: 'place-customer' }, 'Customer', customer),
    h('label', { for: 'place-sku' }, 'Product', sku),
    h('label', { for: 'place-quantity' }, 'Quantity', quantity),
    h('label', { for: 'place-price' }, 'Unit price', price),
    h('button', { type: 'submit' }, 'Place order'),
  ) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const currency = c.customers.find((x) => x.id === customer.value)?.currency ?? 'EUR';
    const body = {
      customerId: customer.value,
      items: [
        {
          sku: sku.value,
          quantity: Number(quantity.value),
          unitPrice: { amountMinor: Math.round(Number(price.value) * 100), currency },
        },
      ],
      shippingAddress: {
        recipient: customer.value,
        line1: '1 Demo Street',
        city: 'Lisbon',
        postalCode: '1000-001',
        country: 'PT',
      },
    };
    result.textContent = 'Placing…';
    api<Order>('/api/orders', { method: 'POST', body: JSON.stringify(body) }).then(
      (o) => {
        result.replaceChildren(
          'Placed order ',
          h('a', { href: `#/orders/${o.orderId}`, class: 'mono' }, o.orderId.slice(0, 8)),
          '.',
        );
      },
      (error: Error) => {
        result.replaceChildren(h('span', { class: 'problem' }, `Not placed: ${error.message}`));
      },
    );
  });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'place-heading' },
    h('h2', { id: 'place-heading' }, 'Place an order'),
    form,
    result,
  );
}

// ---- one order -------------------------------------------------------------------

function orderView(orderId: string): void {
  document.title = `Order ${orderId.slice(0, 8)} · orderflow saga console`;
  const summary = h('div', { id: 'summary' }, 'Loading…');
  const timelineSection = h('div', { id: 'timeline' });
  const traceSection = h('div', { id: 'trace' }, h('p', { class: 'muted' }, 'Loading the trace…'));
  const mailSection = h('div', { id: 'mail' }, h('p', { class: 'muted' }, 'Loading…'));
  const dlqSection = h(
    'div',
    { id: 'dead-letters' },
    h('p', { class: 'muted' }, 'Reading the dead-letter topics…'),
  );
  main().replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← All orders')),
    h('h1', { tabindex: '-1', id: 'order-heading' }, `Order ${orderId}`),
    summary,
    h(
      'section',
      { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Saga timeline'),
      timelineSection,
    ),
    h(
      'section',
      { 'aria-labelledby': 'trace-heading' },
      h('h2', { id: 'trace-heading' }, 'Trace'),
      traceSection,
    ),
    h(
      'section',
      { 'aria-labelledby': 'mail-heading' },
      h('h2', { id: 'mail-heading' }, 'E-mail'),
      mailSection,
    ),
    h(
      'section',
      { 'aria-labelledby': 'dlq-heading' },
      h('h2', { id: 'dlq-heading' }, 'Dead letters'),
      dlqSection,
    ),
  );
  document.getElementById('order-heading')!.focus();

  let version = -1;
  let seen = '';
  let traceSpans = -1;
  const refresh = async () => {
    let order: OrderWithHistory;
    try {
      order = await api<OrderWithHistory>(`/api/orders/${orderId}`);
    } catch (error) {
      summary.replaceChildren(h('p', { class: 'problem' }, (error as Error).message));
      return;
    }
    // Events that change nothing in the order (a refund after the cancellation) still
    // add to its history: both say whether there is something new to show.
    const signature = `${order.version}:${order.history.length}`;
    if (signature === seen) return;
    seen = signature;
    version = order.version;
    renderSummary(summary, order, refresh);
    renderTimeline(timelineSection, order);
    void loadTrace();
    void loadMail();
  };
  const loadTrace = async () => {
    try {
      const trace = await api<{
        traceId: string | null;
        roots: WaterfallSpan[];
        jaegerUiUrl: string | null;
      }>(`/api/orders/${orderId}/trace`);
      const spans = waterfall(trace.roots).rows.length;
      if (spans !== traceSpans) renderTrace(traceSection, trace);
      traceSpans = spans;
    } catch (error) {
      traceSection.replaceChildren(
        h('p', { class: 'problem' }, `Trace: ${(error as Error).message}`),
      );
    }
  };
  const loadMail = async () => {
    try {
      renderMail(
        mailSection,
        (await api<{ mails: Mail[] | null }>(`/api/orders/${orderId}/mail`)).mails,
      );
    } catch (error) {
      mailSection.replaceChildren(
        h('p', { class: 'problem' }, `E-mail: ${(error as Error).message}`),
      );
    }
  };
  const loadDeadLetters = async () => {
    try {
      const res = await api<{ deadLetters: DeadLetter[]; redrive: boolean }>(
        `/api/orders/${orderId}/dead-letters`,
      );
      renderDeadLetters(dlqSection, res.deadLetters, res.redrive, loadDeadLetters, orderId);
    } catch (error) {
      dlqSection.replaceChildren(
        h('p', { class: 'problem' }, `Dead letters: ${(error as Error).message}`),
      );
    }
  };
  listeners.clear();
  listeners.add((list) => {
    const o = list.find((x) => x.orderId === orderId);
    if (o && o.version !== version) void refresh();
  });
  // Spans reach Jaeger in batches, and some events change nothing the list shows (a
  // refund after the cancellation): look again for a minute.
  let tries = 0;
  const traceTimer = setInterval(() => {
    if (!location.hash.endsWith(orderId) || ++tries > 40) clearInterval(traceTimer);
    else void Promise.all([refresh(), loadTrace()]);
  }, 1_500);
  void refresh();
  void loadDeadLetters();
}

function renderSummary(
  el: HTMLElement,
  order: OrderWithHistory,
  refresh: () => Promise<void>,
): void {
  const cancel = h(
    'button',
    { type: 'button', class: 'secondary', id: 'cancel-order' },
    'Cancel order',
  );
  cancel.addEventListener('click', () => {
    cancel.setAttribute('disabled', '');
    api(`/api/orders/${order.orderId}/cancel`, { method: 'POST' }).then(
      () => refresh(),
      (error: Error) => {
        cancel.removeAttribute('disabled');
        announce(`Not cancelled: ${error.message}`);
      },
    );
  });
  el.replaceChildren(
    h(
      'dl',
      { class: 'panel summary' },
      h('dt', {}, 'Status'),
      h(
        'dd',
        { id: 'order-status' },
        statusEl(order),
        order.cancellation?.detail ? ` — ${order.cancellation.detail}` : '',
      ),
      h('dt', {}, 'Customer'),
      h('dd', {}, order.customerId),
      h('dt', {}, 'Items'),
      h(
        'dd',
        {},
        order.items.map((i) => `${i.quantity} × ${i.sku} at ${money(i.unitPrice)}`).join(', '),
      ),
      h('dt', {}, 'Total'),
      h('dd', {}, money(order.total)),
      h('dt', {}, 'Placed'),
      h('dd', {}, new Date(order.placedAt).toLocaleString()),
    ),
    ...(order.status === 'PENDING' ? [cancel] : []),
  );
}

function renderTimeline(el: HTMLElement, order: OrderWithHistory): void {
  const entries = timeline(order.placedAt, order.history);
  const payload = h('div', { id: 'payload', class: 'panel', hidden: true });
  let open: HTMLElement | undefined;
  const close = () => {
    open?.setAttribute('aria-expanded', 'false');
    open = undefined;
    payload.hidden = true;
    payload.replaceChildren();
  };
  // Escape closes the event's details and puts the focus back on its event.
  payload.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !open) return;
    const button = open;
    close();
    button.focus();
  });
  const eventButton = (e: TimelineEntry) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'event',
        'aria-expanded': 'false',
        'aria-controls': 'payload',
        'data-type': e.type,
      },
      e.type,
      e.compensation ? h('span', { class: 'badge' }, `compensation: ${e.compensation}`) : null,
    );
    button.addEventListener('click', () => {
      if (open === button) return close();
      close();
      open = button;
      button.setAttribute('aria-expanded', 'true');
      payload.hidden = false;
      payload.replaceChildren(...eventDetails(order.orderId, e));
    });
    return button;
  };
  el.replaceChildren(
    h(
      'table',
      { class: 'swimlanes' },
      h(
        'caption',
        {},
        `${entries.length} events across the four services, in the order they happened; choose one for its data`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Since placement'),
          ...lanes.map((l) => h('th', { scope: 'col' }, l)),
        ),
      ),
      h(
        'tbody',
        {},
        ...entries.map((e) =>
          h(
            'tr',
            {
              class: e.compensation ? 'compensation' : undefined,
              'data-lane': e.lane ?? e.service,
            },
            h('th', { scope: 'row', class: 'mono' }, formatSince(e.sinceMs)),
            ...lanes.map((l) => h('td', {}, l === e.lane ? eventButton(e) : null)),
          ),
        ),
      ),
    ),
    payload,
  );
}

/**
 * An event's details: the orders service's own events with their data; the other
 * services' events with what that service's read API says about the order now (the
 * orders service keeps when and from where they came, not their data).
 */
function eventDetails(orderId: string, e: TimelineEntry): Node[] {
  const json = (value: unknown, label: string) =>
    h(
      'pre',
      { class: 'payload mono', tabindex: '0', 'aria-label': label },
      JSON.stringify(value, null, 2),
    );
  const heading = h(
    'h3',
    {},
    `${e.type} from ${e.service}, ${formatSince(e.sinceMs)} after placement`,
  );
  const meta = h(
    'p',
    { class: 'muted' },
    `Source ${e.step.source}, at ${e.occurredAt}. Escape closes these details.`,
  );
  if (e.step.data) return [heading, meta, json(e.step.data, `${e.type} data`)];
  if (e.lane === undefined || e.lane === 'orders')
    return [heading, meta, h('p', {}, 'The orders API gives no data for this event.')];
  const view = h(
    'div',
    { 'aria-live': 'polite' },
    h('p', { class: 'muted' }, `Asking the ${e.lane} API…`),
  );
  api<ServiceView>(`/api/orders/${orderId}/services/${e.lane}`).then(
    (v) =>
      view.replaceChildren(
        h(
          'p',
          {},
          `The ${v.service} API's view of the order now (${v.request} answered ${v.status}):`,
        ),
        json(v.body, `${v.service} API answer`),
      ),
    (error: Error) =>
      view.replaceChildren(h('p', { class: 'problem' }, `${e.lane} API: ${error.message}`)),
  );
  return [heading, meta, view];
}

function renderTrace(
  el: HTMLElement,
  trace: { traceId: string | null; roots: WaterfallSpan[]; jaegerUiUrl: string | null },
): void {
  if (!trace.traceId) {
    el.replaceChildren(h('p', { class: 'muted' }, 'No trace in Jaeger yet.'));
    return;
  }
  const { rows, totalUs } = waterfall(trace.roots);
  const sql = rows.reduce((n, r) => n + r.span.sql.count, 0);
  const ms = (us: number) => (us < 1_000 ? `${us} µs` : `${(us / 1_000).toFixed(1)} ms`);
  el.replaceChildren(
    h(
      'p',
      {},
      `Trace `,
      h('span', { class: 'mono' }, trace.traceId),
      `: ${rows.length} spans (and ${sql} SQL queries folded under them) over ${ms(totalUs)}.`,
      trace.jaegerUiUrl ? h('a', { href: trace.jaegerUiUrl }, ' Open in Jaeger') : null,
    ),
    h(
      'ul',
      { class: 'waterfall', 'aria-label': 'Spans, indented under their parents' },
      ...rows.map((r) => {
        const label = `${r.span.service}: ${r.span.name}`;
        const bar = h('span', { class: `span-bar${r.span.error ? ' error' : ''}` });
        bar.style.left = `${r.leftPct}%`;
        bar.style.width = `${r.widthPct}%`;
        const text = h(
          'span',
          { class: 'span-label', title: label },
          '\u00a0'.repeat(r.depth * 2),
          label,
          h('span', { class: 'sql' }, r.span.sql.count ? ` · ${r.span.sql.count} SQL` : ''),
          h(
            'span',
            { class: 'visually-hidden' },
            `, starts at +${ms(r.span.offsetUs)}, takes ${ms(r.span.durationUs)}${r.span.error ? ', failed' : ''}`,
          ),
        );
        return h(
          'li',
          { 'data-depth': String(r.depth) },
          text,
          h('span', { class: 'span-track', 'aria-hidden': 'true' }, bar),
        );
      }),
    ),
  );
}

interface Mail {
  subject: string;
  to: string[];
  created: string;
  text?: string;
}

function renderMail(el: HTMLElement, mails: Mail[] | null): void {
  if (mails === null) {
    el.replaceChildren(h('p', { class: 'muted' }, 'No mail API is configured.'));
    return;
  }
  if (mails.length === 0) {
    el.replaceChildren(h('p', { class: 'muted' }, 'No e-mail about this order yet.'));
    return;
  }
  el.replaceChildren(
    ...mails.map((m) =>
      h(
        'article',
        { class: 'panel mail' },
        h('h3', {}, m.subject),
        h(
          'p',
          { class: 'muted' },
          `To ${m.to.join(', ')} at ${new Date(m.created).toLocaleTimeString()}`,
        ),
        m.text ? h('pre', { class: 'payload', tabindex: '0' }, m.text) : null,
      ),
    ),
  );
}

function renderDeadLetters(
  el: HTMLElement,
  letters: DeadLetter[],
  redrive: boolean,
  reload: () => Promise<void>,
  orderId: string,
): void {
  if (letters.length === 0) {
    el.replaceChildren(
      h('p', { class: 'muted' }, 'None: every service took every event of this order.'),
    );
    return;
  }
  el.replaceChildren(
    h(
      'ul',
      {},
      ...letters.map((l) => {
        const item = h(
          'li',
          {},
          `${l.eventType ?? 'record'} from ${l.source}: ${l.consumerGroup ?? '?'} gave up (${l.errorClass ?? 'Error'}: ${l.reason ?? ''})`,
        );
        if (redrive && l.consumerGroup) {
          const group = l.consumerGroup;
          const button = h(
            'button',
            { type: 'button', class: 'secondary' },
            `Redrive this order's letters from ${group} (${l.topic})`,
          );
          button.addEventListener('click', () => {
            button.setAttribute('disabled', '');
            api<{ redriven: number }>('/api/dead-letters/redrive', {
              method: 'POST',
              body: JSON.stringify({ topic: l.topic, group, orderId }),
            }).then(
              (r) => {
                announce(`Redrove ${r.redriven} record(s)`);
                void reload();
              },
              (error: Error) => announce(`Not redriven: ${error.message}`),
            );
          });
          item.append(' ', button);
        }
        return item;
      }),
    ),
  );
}

// ---- routing ---------------------------------------------------------------------

function route(): void {
  const match = /^#\/orders\/([0-9a-f-]{36})$/.exec(location.hash);
  if (match) orderView(match[1]!);
  else listView();
}

async function start(): Promise<void> {
  config = await api<Config>('/api/config');
  connect('');
  window.addEventListener('hashchange', route);
  route();
}

void start();
