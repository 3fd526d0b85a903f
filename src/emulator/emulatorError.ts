/**
 * An error the emulator answers with, as the Web API would: an HTTP status, the platform's message
 * and, where the platform's error code is known, that code (the HTTP server sends it in the
 * OData error body).
 */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
