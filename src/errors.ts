import { z } from "@hono/zod-openapi";

/** The one error table: code -> HTTP status and default message. */
export const ERRORS = {
  VALIDATION_ERROR: { status: 400, message: "Invalid request data" },
  UNAUTHORIZED: { status: 401, message: "Invalid or missing API key" },
  PAYMENT_REQUIRED: { status: 402, message: "Insufficient credits" },
  FORBIDDEN: { status: 403, message: "Insufficient permissions" },
  NOT_FOUND: { status: 404, message: "Resource not found" },
  METHOD_NOT_ALLOWED: { status: 405, message: "Method not allowed" },
  CONFLICT: { status: 409, message: "Conflict" },
  GONE: { status: 410, message: "No longer available" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "Request body too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Unsupported content type" },
  RANGE_NOT_SATISFIABLE: { status: 416, message: "Requested range not satisfiable" },
  UNPROCESSABLE: { status: 422, message: "The request cannot be carried out on this resource" },
  RATE_LIMITED: { status: 429, message: "Too many requests" },
  INTERNAL_ERROR: { status: 500, message: "Internal server error" },
  SERVICE_UNAVAILABLE: { status: 503, message: "Service unavailable" },
} as const;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorStatus = (typeof ERRORS)[ErrorCode]["status"];

export class ApiError extends Error {
  readonly status: ErrorStatus;
  /** Extra response headers (Retry-After, Allow...). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    headers: Record<string, string> = {},
    /** Machine-readable facts for programs (a conflict's `reason` for the runner): never secrets. */
    readonly details?: Record<string, string>,
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
    this.headers = headers;
  }
}

export const ErrorBody = z
  .object({
    error: z.string().openapi({ description: "What went wrong", example: "Project not found" }),
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]).openapi({ description: "Stable error code" }),
    details: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: "Machine-readable facts, such as a runner-facing conflict's `reason`" }),
  })
  .openapi("Error");

export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(error: ApiError): ErrorBody {
  return { error: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) };
}

/** Maps an HTTP status (from Hono's own HTTPExceptions) to the error table. */
export function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(ERRORS) as ErrorCode[]).find((code) => ERRORS[code].status === status);
  return match ?? (status >= 500 ? "INTERNAL_ERROR" : "VALIDATION_ERROR");
}

/** OpenAPI error responses for a route, from the same table. */
export function errorResponses(...statuses: ErrorStatus[]) {
  const responses: Record<
    number,
    { description: string; content: { "application/json": { schema: typeof ErrorBody } } }
  > = {};
  for (const status of statuses) {
    const code = codeForStatus(status);
    responses[status] = { description: ERRORS[code].message, content: { "application/json": { schema: ErrorBody } } };
  }
  return responses;
}

/** Turns zod issues into one message naming each failing field. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  target: string,
): string {
  const parts = issues.slice(0, 10).map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join(".") : target;
    return `${field}: ${issue.message}`;
  });
  return `Invalid ${target === "json" ? "body" : target}: ${parts.join("; ")}`;
}
