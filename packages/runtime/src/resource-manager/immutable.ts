// Recognises the API server's (and CEL rules') ways of saying a field cannot change after creation.
import { isApiError } from '../api-error.ts';

const immutableMessages = [
  /immutable/i,
  /may not change once set/i,
  /updates to [a-z]+ spec for fields other than .* are forbidden/i,
  /cannot be changed/i,
];

export function isImmutableFieldError(error: unknown): boolean {
  if (!isApiError(error) || error.statusCode !== 422) return false;
  return immutableMessages.some((pattern) => pattern.test(error.serverMessage));
}
