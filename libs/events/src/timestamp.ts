import avro from 'avsc';

/**
 * `timestamp-millis` as a JavaScript `Date` (avsc leaves logical types to the
 * application; without this class the values would be plain numbers). Generated types
 * say `Date` for these fields, so the runtime must agree, in every place that builds an
 * avsc type: the serde, the registry client and the tests.
 */
export class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }

  protected override _toValue(value: unknown): number | undefined {
    // Returning undefined makes avsc report the value as invalid, naming its path.
    if (!(value instanceof Date)) return undefined;
    const millis = value.getTime();
    return Number.isNaN(millis) ? undefined : millis;
  }

  protected override _resolve(type: avro.Type): ((value: number) => number) | undefined {
    // Data written as a plain long (or as another timestamp-millis) reads as a timestamp.
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) return (value) => value;
    return undefined;
  }
}

type ForSchemaOptions = NonNullable<Parameters<typeof avro.Type.forSchema>[1]>;

/**
 * Options for `Type.forSchema`. A fresh object every call: avsc stores the named types
 * it meets in `opts.registry`, and sharing one would leak names between schemas.
 */
export function avroOptions(): ForSchemaOptions {
  return { logicalTypes: { 'timestamp-millis': TimestampMillisType } };
}
