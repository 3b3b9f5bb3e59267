// RFC 9457 problem details. Every error answer is one of these: `code` is the stable CEG_ERR_* code,
// `errors` lists each violation with the JSON pointer of where it is.
import type { ErrorRequestHandler, Response } from 'express';
import { ApiError, ErrorCodes, isGatewayError, type GatewayError, type Violation } from '../errors.js';
import type { Logger } from '../observe/logger.js';

export const PROBLEM_TYPE_BASE = 'urn:cloudevents-gateway:problem:';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: Array<{ pointer: string; detail: string }>;
}

const STATUS: Partial<Record<string, number>> = {
  [ErrorCodes.EVENT_MALFORMED]: 400,
  [ErrorCodes.EVENT_INVALID]: 400,
  [ErrorCodes.SCHEMA_INVALID]: 400,
  [ErrorCodes.SCHEMA_NOT_FOUND]: 400,
  [ErrorCodes.FILTER_INVALID]: 400,
  [ErrorCodes.PLUGIN_CONFIG_INVALID]: 400,
  [ErrorCodes.PLUGIN_NOT_FOUND]: 400,
  [ErrorCodes.EVENT_TOO_LARGE]: 413,
  [ErrorCodes.API_UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCodes.EVENT_FORMAT_UNSUPPORTED]: 415,
  [ErrorCodes.STORE_NOT_FOUND]: 404,
  [ErrorCodes.STORE_CONFLICT]: 409,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.NATS_UNAVAILABLE]: 503,
  [ErrorCodes.NATS_PUBLISH]: 503,
};

export function statusOf(err: GatewayError): number {
  return err instanceof ApiError ? err.status : (STATUS[err.code] ?? (err.retryable ? 503 : 500));
}

export function toProblem(err: GatewayError, instance?: string): Problem {
  const status = statusOf(err);
  const problem: Problem = {
    type: PROBLEM_TYPE_BASE + err.code,
    title: titleOf(err.code),
    status,
    detail: status >= 500 && !err.retryable ? 'internal error' : err.message,
    code: err.code,
  };
  if (instance) problem.instance = instance;
  if (err.violations.length) problem.errors = err.violations.map((v: Violation) => ({ pointer: v.pointer, detail: v.message }));
  return problem;
}

export function sendProblem(res: Response, err: GatewayError, instance?: string): void {
  const problem = toProblem(err, instance);
  res.status(problem.status).type('application/problem+json').json(problem);
}

/** `CEG_ERR_SCHEMA_INVALID` → `Schema invalid` */
function titleOf(code: string): string {
  const words = code.replace(/^CEG_ERR_/, '').toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The last express error handler: body-parser and route errors become problems; nothing crashes. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let gerr: GatewayError;
    if (isGatewayError(err)) gerr = err;
    else if (err?.type === 'entity.too.large') gerr = new ApiError(413, ErrorCodes.API_PAYLOAD_TOO_LARGE, `request body exceeds ${err.limit} bytes`);
    else if (err?.type === 'entity.parse.failed') gerr = new ApiError(400, ErrorCodes.API_BAD_REQUEST, `request body is not valid JSON: ${err.message}`);
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
      gerr = new ApiError(err.status, ErrorCodes.API_BAD_REQUEST, String(err.message));
    else {
      logger.error({ err, path: req.path }, 'unhandled API error');
      gerr = new ApiError(500, ErrorCodes.INTERNAL, 'internal error');
    }
    if (res.headersSent) return;
    sendProblem(res, gerr, req.originalUrl);
  };
}
