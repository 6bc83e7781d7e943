import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Whether a conditional write landed: false when its condition did not hold; any other failure is thrown. */
export async function conditionalWrite(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** `SET a = :a, b = :b` for the defined fields of `changes`; undefined fields are removed. */
export function updateExpression(changes: Record<string, unknown>):
  | { UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }
  | undefined {
  const entries = Object.entries(changes);
  if (entries.length === 0) return undefined;
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  entries.forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) remove.push(`#f${i}`);
    else {
      set.push(`#f${i} = :v${i}`);
      values[`:v${i}`] = value;
    }
  });
  const parts = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean);
  return {
    UpdateExpression: parts.join(' '),
    ExpressionAttributeNames: names,
    ...(set.length ? { ExpressionAttributeValues: values } : {}),
  };
}
