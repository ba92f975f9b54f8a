package js

// The fixed parts of client.js and client.d.ts. @SERVICE@ is replaced by
// the service name.

const jsTypedefs = `
/**
 * Per-call options.
 * @typedef {object} CallOptions
 * @property {number} [timeoutMs] overrides the client's timeout; 0 waits forever
 */

/**
 * @typedef {object} ClientOptions
 * @property {string} [url] HTTP(S) endpoint, e.g. "http://127.0.0.1:8080/rpc"
 * @property {string} [socketPath] Unix socket (Node only; "~/" is expanded)
 * @property {Transport} [transport] a custom transport; wins over url and socketPath
 * @property {number} [timeoutMs] default per-call timeout, 30000 unless given; 0 waits forever
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
 * Carries one JSON-RPC request body; rejects with RpcTimeoutError when no
 * reply arrives within timeoutMs (0: no limit).
 * @typedef {object} Transport
 * @property {(body: string, timeoutMs: number) => Promise<TransportReply>} post
 */
`

const jsErrors = `
/** A JSON-RPC error reply from the @SERVICE@ service. */
export class RpcError extends Error {
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

/** A reply that is not a JSON-RPC 2.0 response to the request. */
export class ProtocolError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** No reply arrived within the call's timeout. */
export class RpcTimeoutError extends Error {
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
 * HTTP(S) POST to url with fetch; works in Node 18+ and browsers.
 * @param {string} url the endpoint, e.g. "http://127.0.0.1:8080/rpc"
 * @returns {Transport}
 */
export function httpTransport(url) {
  return {
    async post(body, timeoutMs) {
      const controller = new AbortController();
      const timer =
        timeoutMs > 0
          ? setTimeout(() => controller.abort(), timeoutMs)
          : undefined;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: HEADERS,
          body,
          signal: controller.signal,
        });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        if (controller.signal.aborted) {
          throw new RpcTimeoutError(url, timeoutMs);
        }
        throw err;
      } finally {
        clearTimeout(timer);
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
    async post(body, timeoutMs) {
      const http = await import("node:http");
      let path = socketPath;
      if (path === "~" || path.startsWith("~/")) {
        const os = await import("node:os");
        path = os.homedir() + path.slice(1);
      }
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            socketPath: path,
            path: "/rpc",
            method: "POST",
            headers: {
              ...HEADERS,
              "Content-Length": new TextEncoder().encode(body).length,
            },
          },
          (res) => {
            /** @type {string[]} */
            const chunks = [];
            res.setEncoding("utf8");
            res.on("data", (chunk) => chunks.push(chunk));
            res.on("end", () => {
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, body: chunks.join("") });
            });
            res.on("error", reject);
          },
        );
        // A deadline for the whole exchange, not an idle timeout.
        const timer =
          timeoutMs > 0
            ? setTimeout(
                () => req.destroy(new RpcTimeoutError(path, timeoutMs)),
                timeoutMs,
              )
            : undefined;
        req.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        req.end(body);
      });
    },
  };
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

const jsClientCore = `  /** @type {Transport} */
  #transport;
  /** @type {number} */
  #timeoutMs;
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
  }

  /**
   * @param {string} method
   * @param {object} params
   * @param {CallOptions} [options]
   * @returns {Promise<any>}
   */
  async #call(method, params, options) {
    const id = ++this.#nextId;
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id,
      method,
      params: withoutNulls({ ...params }),
    });
    let reply;
    try {
      reply = await this.#transport.post(body, timeoutMs);
    } catch (err) {
      if (err instanceof RpcTimeoutError) {
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
  /** Overrides the client's timeout; 0 waits forever. */
  timeoutMs?: number;
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
}

/** The HTTP status and body of a reply. */
export interface TransportReply {
  status: number;
  body: string;
}

/** Carries one JSON-RPC request body; rejects with RpcTimeoutError when no reply arrives within timeoutMs (0: no limit). */
export interface Transport {
  post(body: string, timeoutMs: number): Promise<TransportReply>;
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

/** A JSON-RPC error reply. */
export declare class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown);
}

/** A reply that is not a JSON-RPC 2.0 response to the request. */
export declare class ProtocolError extends Error {
  constructor(message: string);
}

/** No reply arrived within the call's timeout. */
export declare class RpcTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(where: string, timeoutMs: number);
}

/** HTTP(S) POST to url with fetch; works in Node 18+ and browsers. */
export declare function httpTransport(url: string): Transport;

/** HTTP/1.1 POST /rpc over a Unix socket (Node only; "~/" is expanded). */
export declare function unixSocketTransport(socketPath?: string): Transport;
`
