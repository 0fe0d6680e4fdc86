import { HttpError } from 'react-admin';

/** The `code` of the API's flat error body, when the error came from the API. */
export const errorCodeOf = (error: unknown): string | undefined => {
  const code: unknown = error instanceof HttpError ? error.body?.code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** A 400 with per-field details: the form that sent it shows it and stays open. */
export const isValidationError = (error: unknown): boolean => error instanceof HttpError && error.status === 400;

/** The server's message for a 400, with the fields it names ("reasonCode: unknown or retired"). */
export const validationMessageOf = (error: unknown): string => {
  if (!(error instanceof HttpError)) return error instanceof Error ? error.message : String(error);
  const fields = (error.body?.details as { fields?: Record<string, string> } | undefined)?.fields;
  const detail = fields
    ? Object.entries(fields)
        .map(([field, problem]) => `${field}: ${problem}`)
        .join('; ')
    : '';
  return detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
};
