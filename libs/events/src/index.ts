// @orderflow/events: the integration-event contract. The .avsc files in ../schemas are
// the source of truth; the types and catalog in ./generated are derived from them.
export {
  commonNamespace,
  deadLetterTopicOf,
  namespaceOf,
  services,
  subjectName,
  subscriptions,
  Topics,
} from './definitions.js';
export type {
  EventDefinition,
  FieldSchema,
  RecordSchema,
  Service,
  Topic,
  TopicMap,
} from './definitions.js';
export { eventTypeOfFullName, eventTypesOf, isEventType } from './catalog.js';
export type { EventOf, EventType, EventTypeOf, IntegrationEvent } from './catalog.js';
export { eventDefinitions, eventTypes } from './generated/catalog.js';
export type * from './generated/catalog.js';
export { EventSerde } from './serde.js';
export type { EventSerdeOptions } from './serde.js';
export { buildHeaders, readHeaders } from './headers.js';
export type { EventHeaders, EventHeadersInput } from './headers.js';
export { cloudEventsSpecVersion, DeadLetterHeaderNames, HeaderNames } from './header-names.js';
export { asyncApiDocument } from './asyncapi/served.js';
export {
  DecodeError,
  EncodeError,
  InvalidHeadersError,
  PayloadMismatchError,
  RegistryUnavailableError,
  SchemaNotRegisteredError,
  SchemaRegistrationError,
  UnknownRecordError,
  UnknownSchemaIdError,
  WrongMagicByteError,
} from './errors.js';
export { TimestampMillisType, avroOptions } from './timestamp.js';
