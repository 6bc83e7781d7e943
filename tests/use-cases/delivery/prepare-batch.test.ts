import { describe, expect, it } from 'vitest';
import { deliveryGroupOf } from '../../../functions/core/delivery/groups.js';
import { abandonBatch, prepareBatch } from '../../../functions/use-cases/delivery/prepare-batch.js';
import { sendBatch } from '../../../functions/use-cases/delivery/send-batch.js';
import { deliveryPlace } from '../../support/delivery-place.js';
import { useTestServers } from '../../support/local-servers.js';

/** A batch made ready to send, against real dynalite: its groups locked, where its readers stand read. */
const servers = useTestServers();

describe('prepareBatch', () => {
  it('locks the batch and reads who of it is suppressed and who already has the edition', async () => {
    const { readers, context, deps, clock } = await deliveryPlace(servers(), ['has-it@example.com', 'new@example.com', 'bounced@example.com']);
    await sendBatch(await context(), [readers[0]!]);
    await deps.suppressions.suppress(readers[2]!.id, 'hard bounce', clock.now().toISOString());

    const ctx = await context();
    const prepared = await prepareBatch(ctx, readers);

    expect(prepared.suppressed).toEqual(new Set([readers[2]!.id]));
    expect(prepared.entries.get(readers[0]!.id)?.status).toBe('sent');
    expect(prepared.entries.has(readers[1]!.id)).toBe(false);
    expect(readers.every((r) => prepared.groups.has(deliveryGroupOf(r.id, ctx.groups)))).toBe(true);
    expect(prepared.readAt).toBe(clock.now().getTime());
  });

  it('leaves out the groups another sender holds until that sender abandons its batch', async () => {
    const { readers, context } = await deliveryPlace(servers(), ['ann@example.com', 'bo@example.com']);
    const first = await context();
    const second = await context({ owner: 'another-sender' });
    const held = prepareBatch(first, readers);
    expect((await held).groups.size).toBeGreaterThan(0);

    expect((await prepareBatch(second, readers)).groups).toEqual(new Set());

    await abandonBatch(first, held);
    const taken = await prepareBatch(second, readers);
    expect(readers.every((r) => taken.groups.has(deliveryGroupOf(r.id, second.groups)))).toBe(true);
  });
});
