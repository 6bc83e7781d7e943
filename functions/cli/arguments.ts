import { InvalidArgumentError } from 'commander';
import { MIN_SEND_RATE } from '../core/config.js';

/** Parsers of command-line values, shared by the commands; each refusal names the value and what it must be. */

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number`);
  return n;
}

/** Messages per second: no lower than the configuration allows (MIN_SEND_RATE), or an edition never finishes. */
export function sendRate(value: string): number {
  const n = positiveNumber(value);
  if (n < MIN_SEND_RATE)
    throw new InvalidArgumentError(`"${value}" is below the lowest send rate, ${MIN_SEND_RATE} messages per second (one every ${1 / MIN_SEND_RATE} s)`);
  return n;
}

export function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535)`);
  return n;
}
