// Drives the official Socket.IO JavaScript client (socket.io-client) against a served marketplace:
// a buyer, the store's seller and a stranger chat in one conversation (docs/api.md, "Chat and
// notifications over Socket.IO").
//
// Inputs, each from `--name value` on the command line or else the environment variable:
//   --base      CHAT_BASE_URL         the server's base URL, e.g. http://127.0.0.1:8000
//   --conversation CHAT_CONVERSATION_ID
//   --buyer     CHAT_BUYER_TOKEN      access tokens of the three users
//   --seller    CHAT_SELLER_TOKEN
//   --stranger  CHAT_STRANGER_TOKEN
//   --timeout   CHAT_TIMEOUT_MS       the bound on every single wait (default 10000)
//
// On success it prints one JSON object of what it observed to stdout and exits 0; on any failure it
// prints {"ok": false, "error": ..., "observed": ...} to stdout, the error to stderr, and exits 1.
// Every wait is bounded, and a watchdog ends the process if the whole run takes too long.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { io, protocol } from "socket.io-client";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    conversation: { type: "string" },
    buyer: { type: "string" },
    seller: { type: "string" },
    stranger: { type: "string" },
    timeout: { type: "string" },
  },
});

function input(name, variable) {
  const value = args[name] ?? process.env[variable];
  if (!value) {
    process.stderr.write(`chat_client.mjs: missing --${name} (or ${variable})\n`);
    process.exit(2);
  }
  return value;
}

const BASE = input("base", "CHAT_BASE_URL");
const CONVERSATION = input("conversation", "CHAT_CONVERSATION_ID");
const TOKENS = {
  buyer: input("buyer", "CHAT_BUYER_TOKEN"),
  seller: input("seller", "CHAT_SELLER_TOKEN"),
  stranger: input("stranger", "CHAT_STRANGER_TOKEN"),
};
const TIMEOUT_MS = Number(args.timeout ?? process.env.CHAT_TIMEOUT_MS ?? 10000);
const QUIET_MS = 500; // how long the stranger must stay silent after everything else happened
const OVERALL_MS = TIMEOUT_MS * 6;
// client_ids unique to this run: a repeated client_id is stored (and broadcast) only once, so a rerun
// against the same conversation would otherwise hear nothing new.
const RUN = randomUUID().slice(0, 8);
const CLIENT_IDS = { buyer: `js-buyer-${RUN}`, seller: `js-seller-${RUN}`, stranger: `js-stranger-${RUN}` };

const observed = {
  client: {
    name: "socket.io-client",
    version: JSON.parse(readFileSync(new URL("./node_modules/socket.io-client/package.json", import.meta.url))).version,
    protocol,
    node: process.version,
  },
  client_ids: CLIENT_IDS,
};
const sockets = [];
let finished = false;

function finish(code, output) {
  if (finished) return;
  finished = true;
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(JSON.stringify(output) + "\n", () => process.exit(code));
}

function fail(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`chat_client.mjs: ${error instanceof Error && error.stack ? error.stack : text}\n`);
  finish(1, { ok: false, error: text, observed });
}

const watchdog = setTimeout(() => fail(new Error(`the whole run took over ${OVERALL_MS} ms`)), OVERALL_MS);

/** A connected client that records every application event it receives, in order. */
class Client {
  constructor(name, token) {
    this.name = name;
    this.events = [];
    this.socket = io(BASE, {
      path: "/socket.io",
      transports: ["websocket"],
      auth: token === undefined ? undefined : { token },
      reconnection: false,
      forceNew: true,
      timeout: TIMEOUT_MS,
      autoConnect: false,
    });
    sockets.push(this.socket);
    this.socket.onAny((event, ...data) => {
      this.events.push({ event, data: data.length === 1 ? data[0] : data });
    });
  }

  /** Resolves with {connected: true, id} or {connected: false, error, data}; never waits unbounded. */
  open() {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        cleanup();
        resolve({ connected: false, error: `no connect or connect_error within ${TIMEOUT_MS} ms` });
      }, TIMEOUT_MS);
      const onConnect = () => {
        cleanup();
        resolve({ connected: true, id: this.socket.id });
      };
      const onError = (error) => {
        cleanup();
        resolve({ connected: false, error: error.message, data: error.data ?? null });
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off("connect", onConnect);
        this.socket.off("connect_error", onError);
      };
      this.socket.on("connect", onConnect);
      this.socket.on("connect_error", onError);
      this.socket.connect();
    });
  }

  async connect() {
    const outcome = await this.open();
    if (!outcome.connected) throw new Error(`${this.name} could not connect: ${outcome.error}`);
  }

  /** Emits with an acknowledgement; rejects when none comes within the timeout. */
  call(event, payload) {
    return this.socket.timeout(TIMEOUT_MS).emitWithAck(event, payload);
  }

  /** The first event `event` whose data matches `where`, already received or arriving within the timeout. */
  waitFor(event, where = () => true) {
    const match = (entry) => entry.event === event && where(entry.data);
    const found = this.events.find(match);
    if (found) return Promise.resolve(found.data);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.offAny(listener);
        reject(new Error(`${this.name} got no ${event} within ${TIMEOUT_MS} ms; got ${JSON.stringify(this.events)}`));
      }, TIMEOUT_MS);
      const listener = (name, ...data) => {
        const entry = { event: name, data: data.length === 1 ? data[0] : data };
        if (match(entry)) {
          clearTimeout(timer);
          this.socket.offAny(listener);
          resolve(entry.data);
        }
      };
      this.socket.onAny(listener);
    });
  }

  names() {
    return this.events.map((entry) => entry.event);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function assertAcked(ack, what) {
  assert.equal(ack?.ok, true, `${what} was not acknowledged ok: ${JSON.stringify(ack)}`);
  return ack;
}

async function main() {
  const buyer = new Client("buyer", TOKENS.buyer);
  const seller = new Client("seller", TOKENS.seller);
  const stranger = new Client("stranger", TOKENS.stranger);
  await Promise.all([buyer.connect(), seller.connect(), stranger.connect()]);

  // The buyer writes; the seller hears exactly the stored message the buyer's ack carries.
  const sent = assertAcked(await buyer.call("message:send", {
    conversation_id: CONVERSATION, client_id: CLIENT_IDS.buyer, body: "Halo dari Node, batiknya masih ada?", media_ids: [],
  }), "the buyer's message:send");
  observed.sent = sent;
  observed.seller_received = await seller.waitFor("message:new", (m) => m?.id === sent.message.id);
  assert.deepEqual(observed.seller_received, sent.message, "the seller's message:new differs from the buyer's ack");
  observed.buyer_echo = await buyer.waitFor("message:new", (m) => m?.id === sent.message.id);

  // The seller replies; the buyer hears it.
  const reply = assertAcked(await seller.call("message:send", {
    conversation_id: CONVERSATION, client_id: CLIENT_IDS.seller, body: "Masih kak, dari Node juga", media_ids: [],
  }), "the seller's message:send");
  observed.reply = reply;
  observed.buyer_received = await buyer.waitFor("message:new", (m) => m?.id === reply.message.id);
  assert.deepEqual(observed.buyer_received, reply.message, "the buyer's message:new differs from the seller's ack");

  // The seller types; the buyer sees who.
  observed.typing_ack = await seller.call("typing", { conversation_id: CONVERSATION, is_typing: true });
  observed.typing = await buyer.waitFor("typing", (t) => t?.conversation_id === CONVERSATION);

  // The buyer reads the reply; the seller gets the marker.
  observed.read_ack = await buyer.call("message:read", {
    conversation_id: CONVERSATION, up_to_message_id: reply.message.id,
  });
  observed.read_marker = await seller.waitFor("message:read", (r) => r?.conversation_id === CONVERSATION);

  // The stranger is refused everything about the conversation, as if it did not exist.
  observed.stranger_refusals = {};
  for (const [event, payload] of [
    ["message:send", { conversation_id: CONVERSATION, client_id: CLIENT_IDS.stranger, body: "let me in", media_ids: [] }],
    ["conversation:sync", { conversation_id: CONVERSATION, after_message_id: null }],
    ["typing", { conversation_id: CONVERSATION, is_typing: true }],
    ["message:read", { conversation_id: CONVERSATION, up_to_message_id: sent.message.id }],
  ]) {
    const refusal = await stranger.call(event, payload);
    observed.stranger_refusals[event] = refusal;
    assert.equal(refusal?.ok, false, `the stranger's ${event} was not refused: ${JSON.stringify(refusal)}`);
    assert.equal(refusal?.error?.type, "not-found", `the stranger's ${event}: ${JSON.stringify(refusal)}`);
  }

  // A bad token and no token at all are refused at connect time.
  const forged = new Client("forged", "not-a-valid-token");
  observed.bad_token = await forged.open();
  forged.socket.disconnect();
  const anonymous = new Client("anonymous", undefined);
  observed.no_token = await anonymous.open();
  anonymous.socket.disconnect();
  assert.equal(observed.bad_token.connected, false, "a bad token connected");
  assert.equal(observed.no_token.connected, false, "a connection without a token connected");

  // The buyer catches up: both messages, oldest first (after any the conversation had before this run).
  observed.sync = assertAcked(await buyer.call("conversation:sync", {
    conversation_id: CONVERSATION, after_message_id: null,
  }), "the buyer's conversation:sync");
  assert.deepEqual(observed.sync.messages.slice(-2), [sent.message, reply.message],
    "conversation:sync does not end with the two messages, oldest first");

  // Whatever was going to reach the stranger has had time to; it must have received nothing.
  await sleep(QUIET_MS);
  observed.stranger_events = stranger.events;
  assert.deepEqual(stranger.events, [], "the stranger received events");
  observed.events = { buyer: buyer.names(), seller: seller.names() };
  observed.connected_at_end = {
    buyer: buyer.socket.connected, seller: seller.socket.connected, stranger: stranger.socket.connected,
  };
  observed.ok = true;
}

main().then(() => {
  clearTimeout(watchdog);
  finish(0, observed);
}, fail);
