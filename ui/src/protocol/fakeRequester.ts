// A test double of the transport boundary for the feature actions: it records each command the
// action builds and answers with a canned reply, checked against the expected kinds by the same
// `checkReply` the real client uses. The actions under test are the real ones.

import { checkReply, type Expected, type ReplyOf, type Requester } from "./client";
import type { Command, Reply } from "./types";

/** One request an action made. */
export interface Recorded {
  command: Command;
  /** The reply kinds the action accepts. */
  expect: readonly Reply["kind"][];
}

export interface FakeRequester extends Requester {
  /** Every request made so far, in order. */
  readonly requests: Recorded[];
  /**
   * The only request made: its command as the bytes the client sends after the request id (so key
   * order and omitted fields count), and the reply kinds it accepts.
   */
  sent(): { json: string; expect: readonly Reply["kind"][] };
}

/** A requester that answers the requests, in order, with `replies`. */
export function fakeRequester(...replies: Reply[]): FakeRequester {
  const requests: Recorded[] = [];
  return {
    requests,
    sent() {
      const [only, ...more] = requests;
      if (!only || more.length > 0) throw new Error(`expected one request, got ${requests.length}`);
      return { json: JSON.stringify(only.command), expect: only.expect };
    },
    request<K extends Reply["kind"]>(command: Command, expect: Expected<K>): Promise<ReplyOf<K>> {
      requests.push({ command, expect: typeof expect === "string" ? [expect] : [...expect] });
      const reply = replies.shift();
      if (!reply) return Promise.reject(new Error(`no canned reply for ${command.type}`));
      try {
        return Promise.resolve(checkReply(command, reply, expect));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
  };
}
