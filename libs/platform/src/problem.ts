/** One invalid input: where it is (a JSON pointer-ish path or header name) and why. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem. Thrown by handlers, rendered once by the HTTP error
 * handler as application/problem+json.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: { errors?: FieldError[] } & Record<string, unknown> = {},
    /** Response headers that belong to the problem, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  static badRequest(detail: string, errors?: FieldError[]): HttpProblem {
    return new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {});
  }
  static notFound(detail: string): HttpProblem {
    return new HttpProblem(404, 'Not Found', detail);
  }
  static conflict(detail: string): HttpProblem {
    return new HttpProblem(409, 'Conflict', detail);
  }
  static unprocessable(detail: string, errors?: FieldError[]): HttpProblem {
    return new HttpProblem(422, 'Unprocessable Content', detail, errors ? { errors } : {});
  }
  /** Overloaded: the request was not accepted; try again after `retryAfterSeconds`. */
  static unavailable(detail: string, retryAfterSeconds: number): HttpProblem {
    return retryLater(503, 'Service Unavailable', detail, retryAfterSeconds);
  }
  /** This client sent more than its share: try again after `retryAfterSeconds`. */
  static tooManyRequests(detail: string, retryAfterSeconds: number): HttpProblem {
    return retryLater(429, 'Too Many Requests', detail, retryAfterSeconds);
  }

  toJSON(instance?: string): Record<string, unknown> {
    return {
      type: 'about:blank',
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

function retryLater(status: number, title: string, detail: string, retryAfterSeconds: number) {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpProblem(
    status,
    title,
    detail,
    { retryAfterSeconds: seconds },
    { 'Retry-After': String(seconds) },
  );
}
