import { handleFeedback } from '../use-cases/feedback.js';
import { AwsContext } from './aws-context.js';

/** The SNS event shape the feedback function reads (a subset of aws-lambda's SNSEvent). */
export interface SnsEvent {
  Records: { Sns: { MessageId?: string; Message: string } }[];
}

let context: AwsContext | undefined;

/**
 * Bounces and complaints from the SES configuration set's event destination (via SNS): suppresses
 * addresses and counts them on their edition. Logs carry subscriber ids, never addresses.
 */
export async function handler(event: SnsEvent): Promise<void> {
  context ??= new AwsContext();
  for (const record of event.Records) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      console.warn(JSON.stringify({ msg: 'feedback ignored: not JSON', snsMessageId: record.Sns.MessageId }));
      continue;
    }
    const outcomes = await handleFeedback(payload, { suppressions: context.suppressions, editions: context.editions, now: new Date(), tokenKey: await context.signingKey() });
    console.log(JSON.stringify({ msg: 'feedback', snsMessageId: record.Sns.MessageId, outcomes }));
  }
}
