// trig's redirect for a project's Node.js function, deployed on the emulator only (never by terraform/envs/aws).
// The function's handler points here; TRIG_ORIGINAL_HANDLER names the user's. Each invocation logs one
// TRIG-RECEIVED line with the event's identities and one TRIG-OUTCOME line (returned, or threw: name,
// message and the last frame of the user's code), as trig_redirect.py does for Python. A release event is
// answered here after its hold_ms, and a thrown error carries both lines at the end of its stack, as there.
"use strict";
const path = require("path");
const crypto = require("crypto");

const LIMIT = 200;

function text(value) {
  const s = typeof value === "string" ? value : JSON.stringify(value);
  return (s || "").slice(0, LIMIT);
}

function recordIdentities(record) {
  const found = [];
  if (record.s3) found.push((record.s3.object || {}).key || "");
  if (record.Sns) found.push(record.Sns.Message || "", record.Sns.MessageId || "");
  if (record.kinesis) {
    found.push(Buffer.from(record.kinesis.data || "", "base64").toString("utf8"), record.kinesis.sequenceNumber || "");
  }
  if (record.dynamodb) found.push(record.dynamodb.Keys || {}, record.eventID || "");
  if ("body" in record) found.push(record.body || "", record.messageId || "");
  return found;
}

function identities(event) {
  if (event === null || typeof event !== "object") return [text(event)];
  let found = [];
  for (const record of event.Records || []) found = found.concat(recordIdentities(record));
  if (event.requestContext || event.httpMethod) {
    found.push(event.path || "", event.queryStringParameters || {}, event.body || "");
  }
  if (event["detail-type"]) found.push(event.id || "", event.detail || {});
  if (found.length === 0) found.push(event);
  return found.filter((item) => item !== "" && item !== null && !(typeof item === "object" && Object.keys(item).length === 0))
    .map(text);
}

function userFrame(error) {
  const lines = String((error && error.stack) || "").split("\n").slice(1);
  const own = lines.find((line) => !line.includes(__filename) && !line.includes("node:internal"));
  if (!own) return "";
  const match = own.match(/\(?([^()\s]+):(\d+):\d+\)?$/);
  return match ? `${path.basename(match[1])}:${match[2]}` : own.trim();
}

function say(kind, document) {
  const line = `TRIG-${kind} ${JSON.stringify(document)}`;
  console.log(line);
  return line;
}

async function original() {
  const name = process.env.TRIG_ORIGINAL_HANDLER;
  const dot = name.lastIndexOf(".");
  const base = path.resolve(__dirname, name.slice(0, dot));
  let loaded;
  try {
    loaded = require(base);
  } catch (error) {
    if (error.code !== "ERR_REQUIRE_ESM" && error.code !== "MODULE_NOT_FOUND") throw error;
    loaded = await import(require("fs").existsSync(`${base}.mjs`) ? `${base}.mjs` : `${base}.js`);
  }
  const fn = loaded[name.slice(dot + 1)] || (loaded.default || {})[name.slice(dot + 1)];
  if (typeof fn !== "function") throw new Error(`${name} is not a function`);
  return fn;
}

exports.handler = async (event, context) => {
  if (event && event["trig-release"]) {
    const hold = typeof event.hold_ms === "number" ? Math.min(Math.max(event.hold_ms, 0), 1000) : 0;
    await new Promise((resolve) => setTimeout(resolve, hold));
    return { released: true };
  }
  const token = (context && context.awsRequestId) || crypto.randomUUID();
  const received = say("RECEIVED", { ids: identities(event), request: token });
  try {
    const fn = await original();
    const result = await fn(event, context);
    say("OUTCOME", { ok: true, request: token });
    return result;
  } catch (error) {
    const message = `${(error && error.name) || "Error"}: ${(error && error.message) || error}`.slice(0, 500);
    const outcome = say("OUTCOME", { error: message, frame: userFrame(error), ok: false, request: token });
    if (error && typeof error === "object" && typeof error.stack === "string") {
      try {
        error.stack = `${error.stack}\n${received}\n${outcome}`;
      } catch (_) {
        // A frozen error keeps its stack; the lines above are then the only record.
      }
    }
    throw error;
  }
};
