// The byte pipe under the protocol client. The web build uses WebSocket; the desktop app supplies
// its own implementation (certificate pinning lives there).

export interface Transport {
  /** Starts connecting; `onopen` fires when frames may be sent. */
  open(url: string): void;
  /** Sends one text frame. */
  send(data: string): void;
  /** Closes the connection; `onclose` still fires. */
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((data: string) => void) | null;
  /** Fires once per connection, whether it failed to open, dropped or was closed. */
  onclose: ((code: number, reason: string) => void) | null;
}

export type TransportFactory = () => Transport;

export class WebSocketTransport implements Transport {
  private ws: WebSocket | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((data: string) => void) | null = null;
  onclose: ((code: number, reason: string) => void) | null = null;

  open(url: string): void {
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => this.onopen?.();
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data === "string") this.onmessage?.(e.data);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws === ws) this.ws = null;
      this.onclose?.(e.code, e.reason);
    };
  }

  send(data: string): void {
    this.ws?.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws?.close(code, reason);
  }
}

/** `wss://<this host>/ws` (or `ws://` when the page itself is plain http, e.g. the dev proxy). */
export function sameOriginSocketUrl(loc: Pick<Location, "protocol" | "host">): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}/ws`;
}
