// Splunk HTTP Event Collector envelope: { time, host, source, sourcetype, index, event }. The event
// carries CIM-style field names (action, user, src_user, src, signature, signature_id) so Splunk's
// Authentication and Change data models pick it up, and the whole CloudEvent under `cloudevent`.
import { familyOf } from './activity.js';
import { displayName } from './mapping.js';
import { jsonMessage, type FormatterFactory } from './message.js';

export const splunk: FormatterFactory = (options) => {
  const { index, sourcetype, host, source } = options.splunk;
  const vendorProduct = `${options.vendor} ${options.product}`;
  return (r) =>
    jsonMessage({
      // epoch seconds with the milliseconds as a fraction; without it, HEC stamps the time of receipt
      time: r.time && r.time.getTime() / 1000,
      host,
      source: source ?? r.event.source,
      sourcetype,
      index,
      event: {
        action: r.outcome,
        category: familyOf(r.activity),
        activity: r.activity,
        severity: r.severity,
        signature: r.message,
        signature_id: r.event.type,
        user: displayName(r.user),
        user_id: r.user?.id,
        user_role: r.role,
        src_user: displayName(r.actor),
        src_user_id: r.actor?.id,
        src: r.srcIp,
        reason: r.reason,
        vendor_product: vendorProduct,
        cloudevent: r.event,
      },
    });
};
