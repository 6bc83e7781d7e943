import { describe, expect, it } from 'vitest';
import { keys, PARTITIONS, type Partition } from '../../../functions/adapters/dynamodb/table.js';

/** IAM's StringLike: `*` matches any run of characters, `?` one; everything else is literal. */
function stringLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

describe('PARTITIONS', () => {
  // Every kind of item, with the partition family the stack grants for it.
  const items: [Partition, string][] = [
    ['subscribers', keys.subscriber('ai-talent', 'f'.repeat(32)).pk],
    ['subscribers', keys.subscribers('ai-talent')],
    ['suppressions', keys.suppression('f'.repeat(32)).pk],
    ['feedback', keys.feedback('<m@x>#0100').pk],
    ['editions', keys.edition('ai-talent', 'ai-talent-2026-03-02-1a2b3c4d').pk],
    ['editions', keys.editions('ai-talent')],
    ['renders', keys.rendered('ai-talent', 'ai-talent-2026-03-02-1a2b3c4d').pk],
    ['sentArticles', keys.sentArticle('ai-talent', 'url:https://a.example/').pk],
    ['deliveries', keys.delivery('ai-talent-2026-03-02-1a2b3c4d', 'f'.repeat(32)).pk],
    ['deliveries', keys.deliveryGroup('ai-talent-2026-03-02-1a2b3c4d', '3').pk],
    ...keys.deliveryPartitions('ai-talent-2026-03-02-1a2b3c4d').map((pk): [Partition, string] => ['deliveries', pk]),
    ['signUpLimits', keys.signUpLimit('2026-03-02T08', 'mailbox#x').pk],
    ['sendBudget', keys.sendBudget(42).pk],
    ['sendBudget', keys.sendBudgetRange(1, 2).pk],
    ['keyPointCache', keys.keyPointCache('abc').pk],
  ];

  it('puts every kind of item in its own family and in no other', () => {
    for (const [family, pk] of items) {
      const matching = (Object.keys(PARTITIONS) as Partition[]).filter((name) => stringLike(PARTITIONS[name], pk));
      expect(matching, pk).toEqual([family]);
    }
  });

  it('names every key kind of the table', () => {
    // A new kind of key must be added above (and granted to the functions that use it).
    expect(Object.keys(keys).sort()).toEqual(
      [
        'delivery',
        'deliveryGroup',
        'deliveryPartitions',
        'edition',
        'editions',
        'feedback',
        'keyPointCache',
        'rendered',
        'sendBudget',
        'sendBudgetRange',
        'sentArticle',
        'signUpLimit',
        'subscriber',
        'subscribers',
        'suppression',
      ].sort(),
    );
  });
});
