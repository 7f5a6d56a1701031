import type { MessagingTables } from '@orderflow/messaging';
import type { ColumnType, Kysely } from 'kysely';
import type { Line } from '../domain/shipment.js';

/**
 * Units per SKU. `available` can be reserved; `reserved` is held by scheduled
 * shipments. `opening_available` is where a projection rebuild starts from.
 */
export interface StockTable {
  sku: string;
  available: number;
  reserved: ColumnType<number, number | undefined, number>;
  opening_available: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** shipments_view: one row per order that shipping has heard of. */
export interface ShipmentsViewTable {
  order_id: string;
  shipment_id: string | null;
  status: 'OPEN' | 'SCHEDULED' | 'FAILED' | 'CANCELLED';
  carrier: string | null;
  eta: Date | null;
  /** jsonb: the order's lines, once the order is known */
  lines: ColumnType<Line[] | null, string | null, string | null>;
  failure_reason: 'OUT_OF_STOCK' | 'UNDELIVERABLE' | null;
  failure_detail: string | null;
  updated_at: Date;
}

export interface ShippingDatabase extends MessagingTables {
  stock: StockTable;
  shipments_view: ShipmentsViewTable;
}

export type ShippingDb = Kysely<ShippingDatabase>;
