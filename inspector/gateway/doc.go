// Package gateway is the Discord gateway protocol (API v10) expressed as data:
// opcodes, the payload envelope, the handshake payloads, close codes, intents,
// the catalog of dispatch events, snowflakes and the zlib-stream and
// zstd-stream transports.
//
// The sandbox, the inspector and the lessons all read their protocol facts
// from here, so a table in a lesson, a close the sandbox sends and an
// annotation in the panel can never disagree with each other.
package gateway
