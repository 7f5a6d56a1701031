import type { Service, TopicMap } from '@orderflow/events';
import { Topics } from '@orderflow/events';

/** The catalog's topics under a run's prefix (KAFKA_TOPIC_PREFIX), as the services name them. */
export function prefixedTopics(prefix: string): TopicMap {
  return Object.fromEntries(
    Object.entries(Topics).map(([owner, topic]) => [owner, `${prefix}${topic}`]),
  ) as TopicMap;
}

export function topicOf(prefix: string, service: Service): string {
  return `${prefix}${Topics[service]}`;
}

/** A service's consumer group (and inbox consumer name) under a prefix. */
export function groupOf(prefix: string, service: Service): string {
  return `${prefix}${service}`;
}
