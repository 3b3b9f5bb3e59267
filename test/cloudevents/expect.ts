// Shared assertions for the CloudEvents tests: run a call that must fail with an EventError and return it.
import { expect } from 'chai';
import { EventError } from '../../src/errors.js';

export function eventError(fn: () => unknown): EventError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(EventError);
    return err as EventError;
  }
  return expect.fail('expected an EventError, got a result');
}

export function pointers(err: EventError): string[] {
  return err.violations.map((v) => v.pointer);
}

/** A minimal valid event, copied so tests can mutate it. */
export function minimal(): Record<string, unknown> {
  return { specversion: '1.0', id: 'A234-1234-1234', source: '/mycontext', type: 'com.example.someevent' };
}
