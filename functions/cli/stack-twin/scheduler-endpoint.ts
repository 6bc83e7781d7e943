import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TwinTime } from './twin-time.js';

/**
 * EventBridge Scheduler's one-time schedules, which no local server has, modelled here and nowhere
 * else: the one call the sender makes (CreateSchedule, REST-JSON `POST /schedules/{Name}`,
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html) answered on
 * loopback. At the schedule's `at(…)` time (UTC) the model sends the target's Input to the SQS queue
 * the target names, and deletes the schedule (`ActionAfterCompletion: DELETE`); a send that fails
 * goes to the target's dead-letter queue. The message is sent by the twin's own SQS client, not from
 * a sender's container: a message from Scheduler starts a new recursive-loop chain (recursive-loop.ts;
 * Lambda follows a chain only through the services it lists, and Scheduler is not among them:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html).
 */
export interface SchedulerEndpoint {
  url: string;
  /** Schedules made so far. */
  readonly created: number;
  /** Schedules not yet fired, and when the next one fires (clock milliseconds). */
  pending(): { count: number; nextAt?: number };
  close(): Promise<void>;
}

interface CreateScheduleBody {
  ScheduleExpression?: string;
  ScheduleExpressionTimezone?: string;
  Target?: { Arn?: string; Input?: string; DeadLetterConfig?: { Arn?: string } };
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, as clock milliseconds; undefined for anything else (rates, crons, other zones). */
function atTime(body: CreateScheduleBody): number | undefined {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(body.ScheduleExpression ?? '');
  if (!match || (body.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') return undefined;
  const at = Date.parse(`${match[1]}Z`);
  return Number.isNaN(at) ? undefined : at;
}

export async function startSchedulerEndpoint(deps: {
  time: TwinTime;
  sqs: SQSClient;
  /** The queues schedules may target, by ARN. */
  queueUrls: Record<string, string>;
  /** Called after a fired schedule's message is on its queue. */
  onSent: () => void;
}): Promise<SchedulerEndpoint> {
  const waiting = new Map<string, number>();
  let created = 0;

  const fire = async (name: string, body: CreateScheduleBody) => {
    // The clock stands still while the message is sent: it is part of this instant.
    const release = deps.time.virtual?.hold();
    try {
      const target = deps.queueUrls[body.Target?.Arn ?? ''];
      const deadLetter = deps.queueUrls[body.Target?.DeadLetterConfig?.Arn ?? ''];
      try {
        await deps.sqs.send(new SendMessageCommand({ QueueUrl: target, MessageBody: body.Target?.Input ?? '' }));
      } catch {
        if (deadLetter) await deps.sqs.send(new SendMessageCommand({ QueueUrl: deadLetter, MessageBody: body.Target?.Input ?? '' }));
      }
    } finally {
      waiting.delete(name);
      release?.();
      deps.onSent();
    }
  };

  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const name = /^\/schedules\/([0-9A-Za-z_.-]{1,64})$/.exec(req.url?.split('?')[0] ?? '')?.[1];
    if (req.method !== 'POST' || !name) {
      answer(res, 400, { message: `the twin's Scheduler answers CreateSchedule only, not ${req.method} ${req.url}` });
      return;
    }
    if (waiting.has(name)) {
      answer(res, 409, { message: `schedule ${name} already exists` });
      return;
    }
    const body = JSON.parse(text || '{}') as CreateScheduleBody;
    const at = atTime(body);
    if (at === undefined || !deps.queueUrls[body.Target?.Arn ?? '']) {
      answer(res, 400, { message: `the twin's Scheduler takes one-time at(…) schedules in UTC to a queue of the twin, not ${body.ScheduleExpression}` });
      return;
    }
    created++;
    waiting.set(name, at);
    deps.time.timer(at - deps.time.now(), () => void fire(name, body));
    answer(res, 200, { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/twin/${name}` });
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => handle(req, res, text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get created() {
      return created;
    },
    pending: () => {
      const times = [...waiting.values()];
      return times.length ? { count: times.length, nextAt: Math.min(...times) } : { count: 0 };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
