import { describe, expect, it } from 'vitest';
import { CronConversionError, toSchedulerCron } from '../../infra/scheduler-cron.js';

describe('toSchedulerCron', () => {
  it.each([
    ['0 8 * * 1', 'cron(0 8 ? * 2 *)'],
    ['0 8 * * MON', 'cron(0 8 ? * 2 *)'],
    ['30 7 * * 0', 'cron(30 7 ? * 1 *)'],
    ['30 7 * * 7', 'cron(30 7 ? * 1 *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * mon-fri', 'cron(0 9 ? * 2-6 *)'],
    ['0 10 * * 6,0', 'cron(0 10 ? * 1,7 *)'],
    ['0 10 * * 5-7', 'cron(0 10 ? * 1,6-7 *)'],
    ['0 10 * * 0-6', 'cron(0 10 ? * 1-7 *)'],
    ['0 6 * * */2', 'cron(0 6 ? * 1,3,5,7 *)'],
    ['15 12 * * 1,3,5', 'cron(15 12 ? * 2,4,6 *)'],
  ])('moves day-of-week %s to Scheduler numbering: %s', (cron, expected) => {
    expect(toSchedulerCron(cron)).toBe(expected);
  });

  it.each([
    ['0 8 * * *', 'cron(0 8 * * ? *)'],
    ['0 8 1 * *', 'cron(0 8 1 * ? *)'],
    ['0 8 1,15 * *', 'cron(0 8 1,15 * ? *)'],
    ['*/15 9-17 * * *', 'cron(*/15 9-17 * * ? *)'],
    ['0 0 1 1 *', 'cron(0 0 1 1 ? *)'],
    ['0 0 1 JAN *', 'cron(0 0 1 JAN ? *)'],
  ])('puts "?" in day-of-week when only day-of-month is set: %s → %s', (cron, expected) => {
    expect(toSchedulerCron(cron)).toBe(expected);
  });

  it('refuses a cron that restricts both day fields, which Scheduler cannot express', () => {
    expect(() => toSchedulerCron('0 8 1 * 1')).toThrow(CronConversionError);
    expect(() => toSchedulerCron('0 8 1 * 1')).toThrow(/both day-of-month and day-of-week/);
  });

  it.each([['0 8 * * 8'], ['0 8 * * L'], ['0 8 * * 1#2'], ['0 8 * *'], ['0 8 * * 5-1']])('refuses %s with a message naming the problem', (cron) => {
    expect(() => toSchedulerCron(cron)).toThrow(CronConversionError);
  });
});
