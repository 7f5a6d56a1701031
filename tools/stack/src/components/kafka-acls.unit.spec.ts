import kafkajs from 'kafkajs';
import { serviceAcls, serviceGrants, serviceTopics } from './kafka-acls.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

describe('what each service may do on a secure broker', () => {
  it('lets payments write its own topic and the dead letters of what it reads, read what it consumes, and use its own group', () => {
    expect(serviceGrants('payments', 'dev.')).toEqual({
      writes: ['dev.payments.events', 'dev.orders.events.dlq', 'dev.shipping.events.dlq'],
      reads: ['dev.orders.events', 'dev.shipping.events'],
      groups: ['dev.payments'],
    });
  });

  it('grants notifications, which nobody consumes from, no dead-letter topic of its own', () => {
    expect(serviceGrants('notifications')).toEqual({
      writes: ['notifications.events', 'orders.events.dlq'],
      reads: ['orders.events'],
      groups: ['notifications'],
    });
    expect(serviceTopics()).not.toContain('notifications.events.dlq');
  });

  it('allows, never denies, and only exact names: no wildcard, no prefix pattern, no cluster grant', () => {
    const acls = serviceAcls('t.');
    expect(acls.length).toBeGreaterThan(0);
    for (const acl of acls) {
      expect(acl).toMatchObject({
        resourcePatternType: ResourcePatternTypes.LITERAL,
        permissionType: AclPermissionTypes.ALLOW,
      });
      expect(acl.resourceName.startsWith('t.')).toBe(true);
      expect(acl.resourceType).not.toBe(AclResourceTypes.CLUSTER);
    }
  });

  it("never gives a service another service's topic to write or group to join", () => {
    for (const acl of serviceAcls()) {
      const user = acl.principal.replace('User:', '');
      if (acl.operation === AclOperationTypes.WRITE && !acl.resourceName.endsWith('.dlq'))
        expect(acl.resourceName).toBe(`${user}.events`);
      if (acl.resourceType === AclResourceTypes.GROUP) expect(acl.resourceName).toBe(user);
    }
  });
});
