// The few node:http and node:os declarations client.js uses, so tests can
// run `tsc --checkJs` on it without @types/node.
declare module "node:http" {
  interface IncomingMessage {
    statusCode?: number;
    setEncoding(encoding: string): void;
    on(event: "data", listener: (chunk: Uint8Array) => void): this;
    on(event: "end", listener: () => void): this;
    on(event: "error", listener: (err: Error) => void): this;
  }
  interface ClientRequest {
    on(event: "error", listener: (err: Error) => void): this;
    destroy(err?: Error): this;
    end(body: string): this;
  }
  interface RequestOptions {
    socketPath: string;
    path: string;
    method: string;
    headers: Record<string, string | number>;
  }
  function request(options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest;
}
declare module "node:os" {
  function homedir(): string;
}
