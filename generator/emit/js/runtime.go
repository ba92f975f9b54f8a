package js

// The fixed parts of client.js and client.d.ts. @SERVICE@ is replaced by
// the service name.

const jsTypedefs = `
/**
 * Per-call options.
 * @typedef {object} CallOptions
 * @property {number} [timeoutMs] overrides the client's timeout for the whole call; 0 waits forever
 * @property {AbortSignal} [signal] cancels the call: it rejects with RpcAbortedError
 * @property {Record<string, string>} [headers] request headers, over the client's
 */

/**
 * What a request hook sees of a call; it may change the headers.
 * @typedef {object} RequestInfo
 * @property {string} method the wire name of the method
 * @property {Record<string, string>} headers the request's extra headers
 */

/**
 * @typedef {object} ClientOptions
 * @property {string} [url] HTTP(S) endpoint, e.g. "http://127.0.0.1:8080/rpc"
 * @property {string} [socketPath] Unix socket (Node only; "~/" is expanded)
 * @property {Transport} [transport] a custom transport; wins over url and socketPath
 * @property {number} [timeoutMs] default per-call timeout, 30000 unless given; 0 waits forever
 * @property {Record<string, string>} [headers] headers of every request, e.g. {Authorization: "Bearer ..."}
 * @property {(request: RequestInfo) => void | Promise<void>} [onRequest] called before each request is sent
 * @property {number} [maxResponseBytes] largest reply body read, 64 MiB unless given
 */

/**
 * How a transport carries one request.
 * @typedef {object} PostOptions
 * @property {number} timeoutMs deadline of the whole exchange in ms; 0: none
 * @property {AbortSignal} [signal] cancels the exchange (reject with RpcAbortedError)
 * @property {Record<string, string>} headers extra request headers
 * @property {number} maxBytes largest reply body read (reject with ProtocolError beyond it)
 */

/**
 * The HTTP status and body of a reply.
 * @typedef {object} TransportReply
 * @property {number} status
 * @property {string} body
 */

/**
 * An OpenRPC document, as rpc.discover returns it.
 * @typedef {{openrpc: string, info: {title: string, version: string, description?: string}, methods: unknown[], [key: string]: unknown}} OpenRpcDocument
 */

/**
 * Carries one JSON-RPC request body; rejects with a ClientError:
 * RpcTimeoutError when no whole reply arrives within options.timeoutMs,
 * RpcAbortedError when options.signal aborts, ProtocolError beyond
 * options.maxBytes, TransportError when it cannot send or read.
 * @typedef {object} Transport
 * @property {(body: string, options: PostOptions) => Promise<TransportReply>} post
 */
`

const jsErrors = `
/**
 * The base of every error a call rejects with: catch this one to catch
 * them all. Wrapped errors are its cause.
 */
export class ClientError extends Error {
  /**
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = "ClientError";
  }
}

/** A JSON-RPC error reply from the @SERVICE@ service. */
export class RpcError extends ClientError {
  /**
   * @param {number} code the JSON-RPC error code
   * @param {string} message the error message
   * @param {unknown} [data] the optional error data
   */
  constructor(code, message, data) {
    super(message);
    this.name = "RpcError";
    /** @readonly */
    this.code = code;
    /** @readonly */
    this.data = data;
  }
}

/**
 * A reply that is not a JSON-RPC 2.0 response to the request, or whose
 * result does not have the schema's shape (the message names the field).
 */
export class ProtocolError extends ClientError {
  /**
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = "ProtocolError";
  }
}

/**
 * The request could not be sent or its reply not read: connection
 * refused, reset, a malformed HTTP reply. The cause is the underlying
 * error; code is its system error code (ECONNREFUSED), if any.
 */
export class TransportError extends ClientError {
  /**
   * @param {string} message
   * @param {{cause?: unknown}} [options]
   */
  constructor(message, options) {
    super(message, options);
    this.name = "TransportError";
    // fetch puts the system error one level down ("fetch failed").
    const cause = /** @type {{code?: unknown, cause?: {code?: unknown}}} */ (
      options?.cause
    );
    const code = cause?.code ?? cause?.cause?.code;
    /** @readonly @type {string | undefined} */
    this.code = typeof code === "string" ? code : undefined;
  }
}

/** The call was cancelled through its AbortSignal; the cause is the signal's reason. */
export class RpcAbortedError extends ClientError {
  /**
   * @param {string} where the endpoint
   * @param {{cause?: unknown}} [options]
   */
  constructor(where, options) {
    super(` + "`" + `call to ${where} aborted` + "`" + `, options);
    this.name = "RpcAbortedError";
  }
}

/** No whole reply arrived within the call's timeout. */
export class RpcTimeoutError extends ClientError {
  /**
   * @param {string} where the endpoint
   * @param {number} timeoutMs
   */
  constructor(where, timeoutMs) {
    super(` + "`" + `no reply from ${where} within ${timeoutMs} ms` + "`" + `);
    this.name = "RpcTimeoutError";
    /** @readonly */
    this.timeoutMs = timeoutMs;
  }
}
`

const jsTransports = `
const HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json",
};

/**
 * Wraps what a transport caught: ClientErrors as they are, the rest as
 * TransportError.
 * @param {string} where the endpoint
 * @param {unknown} err
 * @returns {ClientError}
 */
function transportError(where, err) {
  if (err instanceof ClientError) {
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(` + "`" + `${where}: ${message}` + "`" + `, { cause: err });
}

/**
 * The reply body, read up to maxBytes.
 * @param {Response} res
 * @param {number} maxBytes
 * @returns {Promise<string>}
 */
async function readBody(res, maxBytes) {
  if (!res.body) {
    return "";
  }
  const reader = res.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ProtocolError(` + "`" + `reply larger than ${maxBytes} bytes` + "`" + `);
    }
    chunks.push(value);
  }
  return decodeChunks(chunks, size);
}

/**
 * The UTF-8 text of chunks, size bytes in all.
 * @param {Uint8Array[]} chunks
 * @param {number} size
 * @returns {string}
 */
function decodeChunks(chunks, size) {
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * HTTP(S) POST to url with fetch; works in Node 18+ and browsers.
 * @param {string} url the endpoint, e.g. "http://127.0.0.1:8080/rpc"
 * @returns {Transport}
 */
export function httpTransport(url) {
  return {
    async post(body, { timeoutMs, signal, headers, maxBytes }) {
      const controller = new AbortController();
      let timedOut = false;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              controller.abort();
            }, timeoutMs)
          : undefined;
      const cancel = () => controller.abort();
      signal?.addEventListener("abort", cancel);
      try {
        if (signal?.aborted) {
          throw new RpcAbortedError(url, { cause: signal.reason });
        }
        const res = await fetch(url, {
          method: "POST",
          headers: { ...HEADERS, ...headers },
          body,
          signal: controller.signal,
        });
        return { status: res.status, body: await readBody(res, maxBytes) };
      } catch (err) {
        if (timedOut) {
          throw new RpcTimeoutError(url, timeoutMs);
        }
        if (signal?.aborted) {
          throw new RpcAbortedError(url, { cause: signal.reason });
        }
        throw transportError(url, err);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", cancel);
      }
    },
  };
}

/**
 * HTTP/1.1 POST /rpc over a Unix socket (Node only; node:http is imported
 * on first use, so browsers never load it).
 * @param {string} [socketPath] the socket; a leading "~/" is the home directory
 * @returns {Transport}
 */
export function unixSocketTransport(socketPath = DEFAULT_SOCKET_PATH) {
  return {
    async post(body, { timeoutMs, signal, headers, maxBytes }) {
      const http = await import("node:http");
      let path = socketPath;
      if (path === "~" || path.startsWith("~/")) {
        const os = await import("node:os");
        path = os.homedir() + path.slice(1);
      }
      if (signal?.aborted) {
        throw new RpcAbortedError(path, { cause: signal.reason });
      }
      return new Promise((resolve, reject) => {
        /** @type {ReturnType<typeof setTimeout> | undefined} */
        let timer;
        /** @param {ClientError} err */
        const stop = (err) => req.destroy(err);
        const cancel = () =>
          stop(new RpcAbortedError(path, { cause: signal?.reason }));
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", cancel);
        };
        const req = http.request(
          {
            socketPath: path,
            path: "/rpc",
            method: "POST",
            headers: {
              ...HEADERS,
              ...headers,
              "Content-Length": new TextEncoder().encode(body).length,
            },
          },
          (res) => {
            /** @type {Uint8Array[]} */
            const chunks = [];
            let size = 0;
            res.on("data", (chunk) => {
              size += chunk.length;
              if (size > maxBytes) {
                stop(new ProtocolError(` + "`" + `reply larger than ${maxBytes} bytes` + "`" + `));
                return;
              }
              chunks.push(chunk);
            });
            res.on("end", () => {
              done();
              const text = decodeChunks(chunks, size);
              resolve({ status: res.statusCode ?? 0, body: text });
            });
            res.on("error", (err) => {
              done();
              reject(transportError(path, err));
            });
          },
        );
        // A deadline for the whole exchange, not an idle timeout.
        if (timeoutMs > 0) {
          timer = setTimeout(
            () => stop(new RpcTimeoutError(path, timeoutMs)),
            timeoutMs,
          );
        }
        signal?.addEventListener("abort", cancel);
        req.on("error", (err) => {
          done();
          reject(transportError(path, err));
        });
        req.end(body);
      });
    },
  };
}

/**
 * Throws ProtocolError unless value has the shape; path names value
 * ("result.items[2].name"). Unknown fields and unknown enum values pass:
 * a newer server may send them (see "Evolution" in the generator's docs).
 * @param {unknown} value
 * @param {string} shape
 * @param {string} path
 * @returns {void}
 */
function check(value, shape, path) {
  /** @param {string} want */
  const fail = (want) => {
    const got = Array.isArray(value)
      ? "a list"
      : value === null
        ? "null"
        : typeof value;
    return new ProtocolError(` + "`" + `${path}: expected ${want}, got ${got}` + "`" + `);
  };
  const isObject =
    value !== null && typeof value === "object" && !Array.isArray(value);
  const record = /** @type {Record<string, unknown>} */ (value);
  if (shape.startsWith("[")) {
    if (!Array.isArray(value)) {
      throw fail("a list");
    }
    value.forEach((v, i) => check(v, shape.slice(1, -1), ` + "`" + `${path}[${i}]` + "`" + `));
    return;
  }
  if (shape.startsWith("{")) {
    if (!isObject) {
      throw fail("a map");
    }
    for (const [k, v] of Object.entries(record)) {
      check(v, shape.slice(1, -1), ` + "`" + `${path}[${JSON.stringify(k)}]` + "`" + `);
    }
    return;
  }
  switch (shape) {
    case "any":
      return;
    case "str":
      if (typeof value !== "string") {
        throw fail("a string");
      }
      return;
    case "time":
      if (typeof value !== "string") {
        throw fail("an RFC 3339 date-time (a string)");
      }
      if (!OTIME.test(value)) {
        throw new ProtocolError(
          ` + "`" + `${path}: ${JSON.stringify(value)} is not an RFC 3339 date-time (otime)` + "`" + `,
        );
      }
      return;
    case "bool":
      if (typeof value !== "boolean") {
        throw fail("a boolean");
      }
      return;
    case "int":
      if (!Number.isInteger(value)) {
        throw fail("an integer");
      }
      return;
    case "uint":
      if (!Number.isInteger(value) || Number(value) < 0) {
        throw fail("an unsigned integer");
      }
      return;
    case "num":
      if (typeof value !== "number") {
        throw fail("a number");
      }
      return;
  }
  const decl = SHAPES[shape];
  if (Array.isArray(decl)) {
    if (typeof value !== "string") {
      throw fail(` + "`" + `a ${shape} value (a string)` + "`" + `);
    }
    return;
  }
  if (!isObject) {
    throw fail(` + "`" + `a ${shape} object` + "`" + `);
  }
  let secret = false;
  for (const [name, fieldShape] of Object.entries(decl)) {
    const v = record[name];
    const optional = fieldShape.startsWith("?");
    let valueShape = optional ? fieldShape.slice(1) : fieldShape;
    if (valueShape.startsWith("!")) {
      valueShape = valueShape.slice(1);
      secret = true;
    }
    if (v === undefined || v === null) {
      if (!optional && valueShape !== "any") {
        throw new ProtocolError(
          ` + "`" + `${path}.${name}: missing (${shape} requires it)` + "`" + `,
        );
      }
      continue;
    }
    check(v, valueShape, ` + "`" + `${path}.${name}` + "`" + `);
  }
  if (secret) {
    Object.defineProperty(record, INSPECT, { value: redacted(decl) });
  }
}

/** Where Node's util.inspect (and so console.log) looks for a formatter. */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The util.inspect formatter of a record with @secret fields (a "!" in
 * their shape): they print as "***". It is not enumerable, so
 * JSON.stringify, spreading and Object.entries still see the values.
 * @param {Record<string, string>} decl the record's shape
 */
function redacted(decl) {
  /**
   * @this {Record<string, unknown>}
   * @param {number} depth
   * @param {object} options
   * @param {(value: unknown, options: object) => string} inspect
   * @returns {string}
   */
  function format(depth, options, inspect) {
    const copy = { ...this };
    for (const [name, shape] of Object.entries(decl)) {
      if (shape.replace("?", "").startsWith("!") && copy[name] != null) {
        copy[name] = "***";
      }
    }
    return inspect(copy, options);
  }
  return format;
}

/**
 * params without its null and undefined members: optional params are
 * omitted, never sent as null.
 * @param {Record<string, unknown>} params
 * @returns {Record<string, unknown>}
 */
function withoutNulls(params) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}
`

// jsPositional is the helper of @positional methods, written only when
// the service has one (eslint's no-unused-vars).
const jsPositional = `
/**
 * The params array of a @positional method: the values in declared order,
 * up to the last one given (at least the first required ones), with null
 * for one left out before it.
 * @param {number} required
 * @param {...unknown} values
 * @returns {unknown[]}
 */
function positional(required, ...values) {
  const out = values.map((v) => v ?? null);
  while (out.length > required && out[out.length - 1] === null) {
    out.pop();
  }
  return out;
}
`

const jsClientCore = `  /** @type {Transport} */
  #transport;
  /** @type {number} */
  #timeoutMs;
  /** @type {Record<string, string>} */
  #headers;
  /** @type {((request: RequestInfo) => void | Promise<void>) | undefined} */
  #onRequest;
  /** @type {number} */
  #maxBytes;
  #nextId = 0;

  /**
   * Dial options.url, else options.socketPath, else DEFAULT_SOCKET_PATH
   * (or use options.transport).
   * @param {ClientOptions} [options]
   */
  constructor(options = {}) {
    if (options.transport) {
      this.#transport = options.transport;
    } else if (options.url) {
      this.#transport = httpTransport(options.url);
    } else {
      this.#transport = unixSocketTransport(
        options.socketPath ?? DEFAULT_SOCKET_PATH,
      );
    }
    this.#timeoutMs = options.timeoutMs ?? 30000;
    this.#headers = { ...options.headers };
    this.#onRequest = options.onRequest;
    this.#maxBytes = options.maxResponseBytes ?? 64 << 20;
  }

  /**
   * @param {string} method
   * @param {object} params
   * @param {CallOptions} [options]
   * @param {string} [shape] the result's shape (see check); none: unchecked
   * @returns {Promise<any>}
   */
  async #call(method, params, options, shape) {
    const id = ++this.#nextId;
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    const headers = { ...this.#headers, ...options?.headers };
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id,
      method,
      params: Array.isArray(params) ? params : withoutNulls({ ...params }),
    });
    let reply;
    try {
      await this.#onRequest?.({ method, headers });
      reply = await this.#transport.post(body, {
        timeoutMs,
        signal: options?.signal,
        headers,
        maxBytes: this.#maxBytes,
      });
    } catch (err) {
      if (err instanceof ClientError && !(err instanceof RpcError)) {
        err.message = ` + "`" + `@SERVICE@.${method}: ${err.message}` + "`" + `;
      }
      throw err;
    }
    let msg;
    try {
      msg = JSON.parse(reply.body);
    } catch {
      msg = undefined;
    }
    if (
      msg === null ||
      typeof msg !== "object" ||
      !("result" in msg || "error" in msg)
    ) {
      const snippet = JSON.stringify(reply.body.slice(0, 200));
      throw new ProtocolError(
        ` + "`" + `${method}: HTTP ${reply.status}, not a JSON-RPC response: ${snippet}` + "`" + `,
      );
    }
    // A server that could not read the request answers with id null.
    if (msg.id !== id && !(msg.id === null && msg.error)) {
      throw new ProtocolError(
        ` + "`" + `${method}: response id ${JSON.stringify(msg.id)} does not match request id ${id}` + "`" + `,
      );
    }
    if (msg.error !== undefined && msg.error !== null) {
      const { code, message, data } = msg.error;
      const AppError = ERRORS.get(code);
      throw AppError
        ? new AppError(message, data)
        : new RpcError(code, String(message ?? ""), data);
    }
    if (shape !== undefined) {
      try {
        check(msg.result, shape, "result");
      } catch (err) {
        if (err instanceof ProtocolError) {
          err.message = ` + "`" + `${method}: ${err.message}` + "`" + `;
        }
        throw err;
      }
    }
    return msg.result;
  }

  /**
   * Return the service's OpenRPC document (rpc.discover).
   * @param {CallOptions} [options]
   * @returns {Promise<OpenRpcDocument>}
   */
  discover(options) {
    return this.#call("rpc.discover", {}, options);
  }
`

const dtsCommon = `
/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's timeout for the whole call; 0 waits forever. */
  timeoutMs?: number;
  /** Cancels the call: it rejects with RpcAbortedError. */
  signal?: AbortSignal;
  /** Request headers, over the client's. */
  headers?: Record<string, string>;
}

/** What a request hook sees of a call; it may change the headers. */
export interface RequestInfo {
  /** The wire name of the method. */
  method: string;
  /** The request's extra headers. */
  headers: Record<string, string>;
}

export interface ClientOptions {
  /** HTTP(S) endpoint, e.g. "http://127.0.0.1:8080/rpc". */
  url?: string;
  /** Unix socket (Node only; "~/" is expanded). */
  socketPath?: string;
  /** A custom transport; wins over url and socketPath. */
  transport?: Transport;
  /** Default per-call timeout, 30000 unless given; 0 waits forever. */
  timeoutMs?: number;
  /** Headers of every request, e.g. {Authorization: "Bearer ..."}. */
  headers?: Record<string, string>;
  /** Called before each request is sent. */
  onRequest?: (request: RequestInfo) => void | Promise<void>;
  /** Largest reply body read, 64 MiB unless given. */
  maxResponseBytes?: number;
}

/** How a transport carries one request. */
export interface PostOptions {
  /** Deadline of the whole exchange in ms; 0: none. */
  timeoutMs: number;
  /** Cancels the exchange (reject with RpcAbortedError). */
  signal?: AbortSignal;
  /** Extra request headers. */
  headers: Record<string, string>;
  /** Largest reply body read (reject with ProtocolError beyond it). */
  maxBytes: number;
}

/** The HTTP status and body of a reply. */
export interface TransportReply {
  status: number;
  body: string;
}

/**
 * Carries one JSON-RPC request body; rejects with a ClientError:
 * RpcTimeoutError when no whole reply arrives within options.timeoutMs,
 * RpcAbortedError when options.signal aborts, ProtocolError beyond
 * options.maxBytes, TransportError when it cannot send or read.
 */
export interface Transport {
  post(body: string, options: PostOptions): Promise<TransportReply>;
}

/** An OpenRPC document, as rpc.discover returns it. */
export interface OpenRpcDocument {
  openrpc: string;
  info: { title: string; version: string; description?: string };
  methods: unknown[];
  [key: string]: unknown;
}

/** The Unix socket a client dials when given no url, socketPath or transport. */
export declare const DEFAULT_SOCKET_PATH: string;

/** The base of every error a call rejects with; wrapped errors are its cause. */
export declare class ClientError extends Error {
  constructor(message: string, options?: { cause?: unknown });
}

/** A JSON-RPC error reply. */
export declare class RpcError extends ClientError {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown);
}

/**
 * A reply that is not a JSON-RPC 2.0 response to the request, or whose
 * result does not have the schema's shape (the message names the field).
 */
export declare class ProtocolError extends ClientError {
  constructor(message: string, options?: { cause?: unknown });
}

/** The request could not be sent or its reply not read; code is the system error code, if any. */
export declare class TransportError extends ClientError {
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown });
}

/** The call was cancelled through its AbortSignal; the cause is the signal's reason. */
export declare class RpcAbortedError extends ClientError {
  constructor(where: string, options?: { cause?: unknown });
}

/** No whole reply arrived within the call's timeout. */
export declare class RpcTimeoutError extends ClientError {
  readonly timeoutMs: number;
  constructor(where: string, timeoutMs: number);
}

/** HTTP(S) POST to url with fetch; works in Node 18+ and browsers. */
export declare function httpTransport(url: string): Transport;

/** HTTP/1.1 POST /rpc over a Unix socket (Node only; "~/" is expanded). */
export declare function unixSocketTransport(socketPath?: string): Transport;
`
