import { Duration } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { HANDLER_ENTRIES } from '../handler-entries.js';
import type { MailSending } from './mail-sending.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { NewsletterFunction } from './newsletter-function.js';
import { FUNCTION_PARTITIONS, type NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';

export interface SesFeedbackProps {
  configJson: string;
  table: NewsletterTable;
  mail: MailSending;
  /** Subscriber ids are keyed hashes of addresses: finding the one SES names needs the key. */
  secret: TokenSecret;
}

/**
 * Bounces and complaints, published by the SES configuration set to SNS, suppress addresses for
 * good. A notification the function cannot take is kept in a DLQ rather than lost, because a lost
 * complaint means mailing someone who asked not to be mailed.
 */
export class SesFeedback extends Construct {
  readonly function: NewsletterFunction;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SesFeedbackProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      catches: "the SNS subscription and of the feedback function's failed asynchronous invocations",
    });
    this.function = new NewsletterFunction(this, 'Handler', {
      handler: HANDLER_ENTRIES['ses-feedback'],
      description: 'Suppresses addresses that bounce or complain, from SES events via SNS',
      configJson: props.configJson,
      timeout: Duration.seconds(30),
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    props.table.grantReadWrite(this.function, FUNCTION_PARTITIONS.feedback);
    props.secret.grantRead(this.function);
    this.function.addEventSource(new SnsEventSource(props.mail.feedbackTopic, { deadLetterQueue: this.deadLetterQueue }));
  }
}
